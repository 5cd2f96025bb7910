/** Stores and secrets (#21): damaged files, bad rows, read-only use, no stored passwords. */
import Database from 'better-sqlite3';
import {
  existsSync,
  openSync,
  readFileSync,
  statSync,
  writeSync,
  closeSync
} from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runOne as fakeRun } from './testing/fake-runner';
import { expandSweep, ResultStore, StoreError } from './index';
import { withoutCredentials, withRunTimeCredentials } from './redis-url';
import { smallSpec, tempDir } from './testing/helpers';

async function filledStore(file: string, warn?: (l: string) => void) {
  const store = ResultStore.open(file, { warn });
  const spec = smallSpec('a', 20);
  const runs = expandSweep(spec);
  store.registerSweep(spec, runs);
  for (const r of runs) {
    store.save(await fakeRun(r));
  }
  return { store, runs };
}

describe('result store safety', () => {
  it('read-only opening never creates a store or its folder', () => {
    const dir = path.join(tempDir('ro'), 'missing', '.deni');
    const file = path.join(dir, 'results.sqlite');
    expect(() => ResultStore.open(file, { readOnly: true })).toThrow(
      StoreError
    );
    expect(() => ResultStore.open(file, { readOnly: true })).toThrow(
      /no result store at .*run a sweep first/
    );
    expect(existsSync(dir)).toBe(false);
  });

  it('a damaged page is reported (store named, what to do) when opened for writing', async () => {
    const file = path.join(tempDir('damaged'), 'r.sqlite');
    const { store } = await filledStore(file);
    store.close();
    const size = statSync(file).size;
    expect(size).toBeGreaterThan(8 * 4096);
    // Garbage over the middle pages (b-tree pages of the runs table and its index).
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(4096 * 3, 0x5a), 0, 4096 * 3, 4096 * 2);
    closeSync(fd);
    let error: unknown;
    try {
      ResultStore.open(file).close();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect(String(error)).toContain(file);
    expect(String(error)).toMatch(/damaged|malformed/);
    expect(String(error)).toMatch(/recover|move the damaged one/);
  });

  it('skips a result row that is not JSON with a warning naming store and run key, and retrains it', async () => {
    const file = path.join(tempDir('badrow'), 'r.sqlite');
    const warnings: string[] = [];
    const { store, runs } = await filledStore(file, l => warnings.push(l));
    store.close();
    const raw = new Database(file);
    raw
      .prepare('UPDATE runs SET result = ? WHERE key = ?')
      .run('{"macroF1": 1', runs[3].key);
    raw.close();
    const again = ResultStore.open(file, { warn: l => warnings.push(l) });
    const keys = again.storedKeys(runs.map(r => r.key));
    expect(keys.has(runs[3].key)).toBe(false);
    expect(keys.size).toBe(runs.length - 1);
    expect(again.results('a').length).toBe(runs.length - 1);
    expect(warnings.join('\n')).toContain(file);
    expect(warnings.join('\n')).toContain(runs[3].key);
    // The run is trained again and its new result replaces the broken row.
    expect(again.save(await fakeRun(runs[3]))).toBe(true);
    expect(again.get(runs[3].key)?.key).toBe(runs[3].key);
    again.close();
  });

  it('never stores a Redis password; it comes back from the URL or the environment at run time', () => {
    const file = path.join(tempDir('secret'), 'r.sqlite');
    const store = ResultStore.open(file);
    const spec = {
      ...smallSpec('r', 1),
      executor: {
        kind: 'redis' as const,
        redis: 'redis://:s3cret-pw@127.0.0.1:6390/2'
      }
    };
    store.registerSweep(spec, expandSweep(spec));
    expect(store.sweep('r')?.spec.executor.redis).toBe(
      'redis://127.0.0.1:6390/2'
    );
    store.close();
    expect(readFileSync(file).includes('s3cret-pw')).toBe(false);
    expect(withoutCredentials('redis://user:pw@h:1/0')).toBe('redis://h:1/0');
    expect(
      withRunTimeCredentials('redis://127.0.0.1:6390/2', {
        DENI_REDIS_PASSWORD: 'p@ss'
      })
    ).toBe('redis://:p%40ss@127.0.0.1:6390/2');
    expect(
      withRunTimeCredentials('redis://:given@h:1', { DENI_REDIS_PASSWORD: 'x' })
    ).toBe('redis://:given@h:1');
  });
});
