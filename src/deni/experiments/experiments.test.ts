import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runOne as fakeRun } from '../sweep/testing/fake-runner';
import { exportJsonl, ResultStore, runSweep } from '../sweep';
import { smallSpec, tempDir } from '../sweep/testing/helpers';
import { regenerateExperiments } from './index';

const ROOT = path.resolve(__dirname, '../../..');

describe('EXPERIMENTS.md and its committed runs (issue #17)', () => {
  it('every table and figure spec equals what experiments/*/runs.jsonl regenerate', async () => {
    expect(
      existsSync(path.join(ROOT, 'experiments/quickstart/runs.jsonl'))
    ).toBe(true);
    const out = await regenerateExperiments(ROOT, { check: true });
    expect(out.studies).toContain('quickstart');
  });

  it('rewrites generated blocks from the runs, and check names what drifted', async () => {
    const root = tempDir('experiments');
    const store = ResultStore.open(path.join(root, 's.sqlite'));
    await runSweep(smallSpec('demo', 2), { runOne: fakeRun, store });
    mkdirSync(path.join(root, 'experiments/demo'), { recursive: true });
    writeFileSync(
      path.join(root, 'experiments/demo/runs.jsonl'),
      exportJsonl(store, 'demo')
    );
    store.close();
    const doc = [
      '# Experiments',
      '',
      '<!-- deni:tables demo paper -->',
      'stale',
      '<!-- /deni:tables -->',
      '',
      '<!-- deni:figure demo f1-box experiments/demo/f1-box.png -->',
      ''
    ].join('\n');
    writeFileSync(path.join(root, 'EXPERIMENTS.md'), doc);
    await expect(regenerateExperiments(root, { check: true })).rejects.toThrow(
      /out of date with experiments\/\*\/runs\.jsonl: EXPERIMENTS\.md, experiments\/demo\/f1-box\.plotly\.json/
    );
    const out = await regenerateExperiments(root);
    expect(out.text).toMatch(
      /<!-- deni:tables demo paper -->\n\n### .*\n\n\| strategy +\|/
    );
    expect(out.text).not.toContain('stale');
    await expect(
      regenerateExperiments(root, { check: true })
    ).resolves.toBeDefined();
    writeFileSync(
      path.join(root, 'EXPERIMENTS.md'),
      '<!-- deni:tables nope paper -->\n<!-- /deni:tables -->\n'
    );
    await expect(regenerateExperiments(root)).rejects.toThrow(
      /shows study 'nope', but experiments\/nope\/runs\.jsonl does not exist \(studies with runs: demo\)/
    );
  });
});
