import { spawnSync } from 'node:child_process';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IFakeHub, startFakeHub } from './testing/hub-server';
import { loadDataset } from './load';

const repoRoot = path.resolve(__dirname, '../../..');
const python = path.resolve(repoRoot, '.venv/bin/python');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'deni-hub-pyarrow-'));
let hub: IFakeHub;

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap(name => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory()
      ? listFiles(full, `${prefix}${name}/`)
      : [`${prefix}${name}`];
  });
}

beforeAll(async () => {
  const out = path.join(tmp, 'hub');
  const run = spawnSync(
    python,
    [path.join(repoRoot, 'reference/data_hub_parquet.py'), out],
    {
      encoding: 'utf8'
    }
  );
  if (run.status !== 0) {
    throw new Error(
      `reference/data_hub_parquet.py failed (needs pyarrow in .venv): ${run.stderr}`
    );
  }
  const files = new Map(
    listFiles(out).map(f => [f, readFileSync(path.join(out, f))] as const)
  );
  hub = await startFakeHub(files);
});

afterAll(async () => {
  await hub?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('Hub Parquet files written by pyarrow (as the Hub converter writes them)', () => {
  it('reads dictionary-encoded strings across row groups from the labelled splits only', async () => {
    const ds = await loadDataset('cola', {
      endpoint: hub.endpoint,
      cacheDir: path.join(tmp, 'c1')
    });
    expect(ds.examples.length).toBe(252);
    expect(ds.examples[0]).toEqual({
      text: 'Sentence number 0 is fine, naïvely.',
      label: 0
    });
    expect(ds.examples[249]).toEqual({
      text: 'Sentence number 249 is fine, naïvely.',
      label: 1
    });
    expect(ds.examples.slice(250)).toEqual([
      { text: 'The more you eat, the fatter.', label: 1 },
      { text: 'Him went home.', label: 0 }
    ]);
    expect(ds.maxLength).toBe(25);
    // GLUE's CoLA test split has no labels: it is never downloaded.
    expect(hub.requests.some(r => r.includes('/cola/test'))).toBe(false);
  });

  it('reads zstd-compressed files and the TREC coarse label', async () => {
    const ds = await loadDataset('trec', {
      endpoint: hub.endpoint,
      cacheDir: path.join(tmp, 'c2')
    });
    expect(ds.examples.map(e => ds.labels[e.label])).toEqual([
      'LOC',
      'HUM',
      'NUM'
    ]);
  });
});
