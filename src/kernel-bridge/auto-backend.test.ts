/**
 * `backend: auto` through the kernel: `%%deni sweep` and `%%deni plan` use the back-end `auto`
 * picks on this machine (the engine's one resolution, a child process), say which, and key the
 * runs by it. The engine is the real library; only the trainer is the deterministic test double.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as lib from '../deni';
import { resolveBackend } from '../deni/backend/resolve';
import { InlineExecutor } from '../deni/sweep/executor';
import { runOne as fakeRun } from '../deni/sweep/testing/fake-runner';
import { REPO_ROOT, tempDir } from '../deni/sweep/testing/helpers';
import { createEngine } from './engine';
import { runSweepCell, type ICellOutput } from './magics/run';

const BODY = (store: string): string =>
  [
    'name: auto-kernel',
    'dataset: uci-sentiment',
    `model: ${JSON.stringify(path.join(REPO_ROOT, 'fixtures/models/tiny-bert'))}`,
    'tuning: [full]',
    'strategies: [default]',
    'runs: 2',
    'seed: 3',
    'budget: { samples: 16, epochs: 1, batchSize: 4, maxLength: 16, testSamples: 20 }',
    'executor: { kind: local, workers: 1 }',
    `store: ${JSON.stringify(store)}`
  ].join('\n');

// The real engine whose sweeps train with the test double (in process) instead of workers.
const engine = createEngine({
  ...lib,
  runSweep: (spec, options) =>
    lib.runSweep(spec, { ...options, executor: new InlineExecutor(fakeRun) })
});

describe('backend: auto in the kernel', () => {
  it('%%deni sweep keys its runs by the back-end auto picks here and says which', async () => {
    const here = await resolveBackend('auto');
    const store = path.join(tempDir('kernel-auto'), 'r.sqlite');
    const stdout: string[] = [];
    const out: ICellOutput = {
      stdout: text => stdout.push(text),
      stderr: () => undefined,
      display: () => undefined,
      signal: new AbortController().signal
    };
    await runSweepCell(BODY(store), 2, engine, out, { version: 'test' });
    expect(stdout.join('')).toMatch(
      new RegExp(`^backend auto -> ${here.name}: `)
    );
    const spec = engine.parseSweep(BODY(store), 'test');
    expect(spec.backend).toBe('auto');
    const stored = lib.results('auto-kernel', store);
    expect(stored.map(r => r.spec.backend)).toEqual([here.name, here.name]);
    // The same sweep naming that back-end finds every run stored (same keys).
    const explicit = await lib.runSweep(
      { ...spec, name: 'explicit', backend: here.name },
      { store, runOne: fakeRun }
    );
    expect(explicit.cached).toBe(2);
  }, 120_000);

  it('%%deni plan names the back-end auto becomes here', async () => {
    const here = await resolveBackend('auto');
    const spec = engine.parseSweep(BODY('unused.sqlite'), 'test');
    const plan = await engine.studyPlan({ spec, measure: false });
    expect(plan.text).toMatch(new RegExp(`^backend auto -> ${here.name}: `));
    expect(plan.json.backend).toEqual(here);
  }, 120_000);
});
