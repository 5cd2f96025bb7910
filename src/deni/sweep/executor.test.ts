import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  exportResults,
  LocalExecutor,
  ResultStore,
  runSweep,
  type ISweepProgress
} from './index';
import { runOne as fakeRun } from './testing/fake-runner';
import { FAKE_RUNNER, smallSpec, tempDir } from './testing/helpers';

describe('LocalExecutor', () => {
  it('runs a sweep in worker processes with the same results as in-process, with progress', async () => {
    const dir = tempDir('local');
    const events: ISweepProgress[] = [];
    const spec = smallSpec('w', 3);
    const out = await runSweep(spec, {
      store: path.join(dir, 'a.sqlite'),
      runnerModule: FAKE_RUNNER,
      workers: 2,
      progressIntervalMs: 0,
      onProgress: p => events.push(p)
    });
    expect(out.executed).toBe(12);
    expect(out.failed).toEqual([]);
    const inline = await runSweep(spec, {
      store: path.join(dir, 'b.sqlite'),
      runOne: fakeRun
    });
    expect(exportResults(out.results, 'csv')).toBe(
      exportResults(inline.results, 'csv')
    );
    // done counts up to total one run at a time, and never exceeds total.
    const dones = events.map(e => e.done);
    expect(dones[0]).toBe(0);
    expect(dones[dones.length - 1]).toBe(12);
    expect(dones.every((d, i) => i === 0 || d >= dones[i - 1])).toBe(true);
    expect(
      events.some(
        e => e.current && e.current.totalSteps === 10 && e.current.step > 0
      )
    ).toBe(true);
    expect(events.some(e => e.etaSeconds !== undefined)).toBe(true);
    expect(Math.max(...events.map(e => e.running ?? 0))).toBeLessThanOrEqual(2);
  });

  it('cancels: stops dispatching, stores nothing partial, and a rerun completes the sweep', async () => {
    const dir = tempDir('cancel');
    const store = path.join(dir, 'r.sqlite');
    const controller = new AbortController();
    const spec = smallSpec('c', 4);
    const out = await runSweep(spec, {
      store,
      runnerModule: FAKE_RUNNER,
      workers: 2,
      signal: controller.signal,
      executor: new LocalExecutor({
        workers: 2,
        runnerModule: FAKE_RUNNER,
        env: { DENI_FAKE_DELAY_MS: '200' },
        cancelGraceMs: 2000
      }),
      onProgress: p => {
        if (p.done >= 3) {
          controller.abort();
        }
      }
    });
    expect(out.cancelled).toBe(true);
    expect(out.results.length).toBeGreaterThanOrEqual(3);
    expect(out.results.length).toBeLessThan(16);
    expect(out.failed).toEqual([]);
    const rest = await runSweep(spec, {
      store,
      runnerModule: FAKE_RUNNER,
      workers: 2
    });
    expect(rest.cached).toBe(out.results.length);
    expect(rest.results).toHaveLength(16);
    const db = ResultStore.open(store);
    expect(db.count()).toBe(16);
    db.close();
  });

  it('fails a run whose worker dies, replaces the worker and finishes the others', async () => {
    const dir = tempDir('crash');
    const spec = smallSpec('k', 2);
    spec.strategies = [
      { name: 'default' },
      { name: 'deni', params: { fakeExit: true } }
    ];
    const out = await runSweep(spec, {
      store: path.join(dir, 'r.sqlite'),
      executor: new LocalExecutor({
        workers: 2,
        runnerModule: path.join(__dirname, 'testing/exit-runner.ts')
      })
    });
    expect(out.results).toHaveLength(4);
    expect(out.failed).toHaveLength(4);
    expect(out.failed[0].error).toMatch(/worker process \d+ exited \(code 3\)/);
  });

  it('says clearly when the run module cannot be loaded', async () => {
    await expect(
      runSweep(smallSpec('m', 1), {
        store: path.join(tempDir('bad'), 'r.sqlite'),
        runnerModule: path.join(tempDir('none'), 'missing.ts'),
        workers: 1
      })
    ).rejects.toThrow(
      /worker process could not start: cannot load run module .*missing\.ts/
    );
  });
});
