import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runOne as fakeRun } from './testing/fake-runner';
import {
  expandSweep,
  exportResults,
  LONG_COLUMNS,
  ResultStore,
  runSweep,
  toLongRows
} from './index';
import { smallSpec, tempDir } from './testing/helpers';
import type { IRunResult } from '../contract/types';

describe('ResultStore', () => {
  it('stores a run once, in WAL mode, and reuses it only on an exact key match', async () => {
    const file = path.join(tempDir('store'), 'nested', 'r.sqlite');
    const store = ResultStore.open(file);
    const spec = smallSpec('a', 2);
    const runs = expandSweep(spec);
    store.registerSweep(spec, runs);
    const result = await fakeRun(runs[0]);
    expect(store.save(result)).toBe(true);
    expect(store.save({ ...result, macroF1: 1 })).toBe(false);
    expect(store.get(runs[0].key)?.macroF1).toBe(result.macroF1);
    expect(store.has(runs[1].key)).toBe(false);
    expect(store.results('a').map(r => r.key)).toEqual([runs[0].key]);
    expect(store.integrityCheck()).toBe('ok');
    store.close();
    const again = ResultStore.open(file);
    expect(again.count()).toBe(1);
    again.close();
  });

  it('refuses a malformed result and writes nothing', async () => {
    const store = ResultStore.open(path.join(tempDir('store'), 'r.sqlite'));
    const spec = smallSpec('a', 1);
    const [run] = expandSweep(spec);
    const bad = { ...(await fakeRun(run)), macroF1: Number.NaN } as IRunResult;
    expect(() => store.save(bad)).toThrow(/macroF1 is NaN/);
    expect(store.count()).toBe(0);
    store.close();
  });

  it('exports the long format in expansion order, the same under another sweep name', async () => {
    const dir = tempDir('export');
    const storePath = path.join(dir, 'r.sqlite');
    const first = await runSweep(smallSpec('one', 2), {
      runOne: fakeRun,
      store: storePath
    });
    expect(first.executed).toBe(8);
    // Renaming a sweep reuses every run (the key leaves the sweep name out).
    const renamed = await runSweep(smallSpec('two', 2), {
      runOne: fakeRun,
      store: storePath
    });
    expect(renamed.cached).toBe(8);
    expect(renamed.executed).toBe(0);
    const csv = exportResults(first.results, 'csv');
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe(LONG_COLUMNS.join(','));
    expect(lines).toHaveLength(9);
    const rows = toLongRows(renamed.results);
    expect(rows.map(r => `${r.tuning}/${r.strategy}/${r.run}`)).toEqual([
      'full/default/0',
      'full/default/1',
      'full/deni/0',
      'full/deni/1',
      'lora/default/0',
      'lora/default/1',
      'lora/deni/0',
      'lora/deni/1'
    ]);
    expect(rows.every(r => r.sweep === 'two')).toBe(true);
    expect(rows[0].model_steps).toBe(2 * 4);
    const json = JSON.parse(exportResults(first.results, 'json')) as Record<
      string,
      unknown
    >[];
    expect(Object.keys(json[0])).toEqual([...LONG_COLUMNS]);
    expect(json[3].macro_f1).toBe(first.results[3].macroF1);
  });

  it('records failures, keeps them out of the results and retries them next time', async () => {
    const storePath = path.join(tempDir('fail'), 'r.sqlite');
    const spec = smallSpec('f', 2);
    spec.strategies = [
      { name: 'default' },
      { name: 'deni', params: { fakeFail: true } }
    ];
    const out = await runSweep(spec, { runOne: fakeRun, store: storePath });
    expect(out.failed).toHaveLength(4);
    expect(out.results).toHaveLength(4);
    expect(out.failed[0].error).toMatch(/fake failure of run 0/);
    const store = ResultStore.open(storePath);
    expect(store.failures('f')).toHaveLength(4);
    expect(store.sweep('f')).toMatchObject({ total: 8, done: 4, failed: 4 });
    store.close();
    const again = await runSweep(spec, { runOne: fakeRun, store: storePath });
    expect(again.cached).toBe(4);
    expect(again.failed).toHaveLength(4);
  });
});
