import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IHubStandIn, startHubStandIn } from '../hub/hub-standin.testutil';
import { fixtureModel } from '../model/testing/fixtures';
import { expandSweep } from './expand';
import { runSweep } from './run-sweep';
import type { ISweepInputs } from './inputs';
import { parseSweepSpec } from './spec';
import { REPO_ROOT, tempDir } from './testing/helpers';

const BERT = 'google-bert/bert-base-uncased';
let hub: IHubStandIn;

beforeAll(async () => {
  const datasetFiles = new Map<string, Buffer>();
  for (const split of ['train', 'test']) {
    datasetFiles.set(
      `fancyzhx/ag_news/default/${split}/0000.parquet`,
      Buffer.from(
        parquetWriteBuffer({
          columnData: [
            {
              name: 'text',
              data: Array.from(
                { length: 40 },
                (_, i) => `${split} news item ${i} about topic ${i % 4}`
              ),
              type: 'STRING'
            },
            {
              name: 'label',
              data: Array.from({ length: 40 }, (_, i) => BigInt(i % 4)),
              type: 'INT64'
            }
          ]
        })
      )
    );
  }
  const tiny = fixtureModel('tiny-bert');
  const modelFiles = new Map<string, Buffer>();
  for (const f of [
    'config.json',
    'model.safetensors',
    'tokenizer.json',
    'tokenizer_config.json'
  ]) {
    modelFiles.set(`${BERT}/${f}`, readFileSync(path.join(tiny, f)));
  }
  hub = await startHubStandIn({ datasetFiles, modelFiles });
});

afterAll(async () => {
  expect(hub?.unexpected).toEqual([]);
  await hub?.close();
});

function sweepProcess(cache: string, store: string, name: string) {
  return new Promise<{ code: number | null; out: string; err: string }>(
    resolve => {
      const child = spawn(
        path.join(REPO_ROOT, 'node_modules/.bin/tsx'),
        [
          path.join(REPO_ROOT, 'src/deni/sweep/testing/sweep-child.ts'),
          hub.endpoint,
          cache,
          store,
          name
        ],
        { env: { ...process.env, HF_HUB_OFFLINE: '' } }
      );
      let out = '';
      let err = '';
      child.stdout.on('data', d => (out += String(d)));
      child.stderr.on('data', d => (err += String(d)));
      child.on('exit', code => resolve({ code, out, err }));
    }
  );
}

describe('a sweep resolves its Hub inputs once, before any worker starts', () => {
  it('two sweeps started at once on one cache both succeed, and each file is downloaded once', async () => {
    const cache = tempDir('hub-two-sweeps');
    const [a, b] = await Promise.all([
      sweepProcess(cache, path.join(tempDir('store-a'), 'r.sqlite'), 'a'),
      sweepProcess(cache, path.join(tempDir('store-b'), 'r.sqlite'), 'b')
    ]);
    expect(a.err + b.err).not.toMatch(/Error/);
    expect([a.code, b.code]).toEqual([0, 0]);
    const ra = JSON.parse(a.out) as {
      executed: number;
      keys: string[];
      inputs: unknown[];
    };
    const rb = JSON.parse(b.out) as typeof ra;
    expect(ra.executed).toBe(2);
    expect(rb.executed).toBe(2);
    // Same inputs, same commits: the same run keys in both stores.
    expect(rb.keys).toEqual(ra.keys);
    expect(ra.inputs[0]).toMatchObject({
      dataset: {
        repo: 'fancyzhx/ag_news',
        config: 'default',
        commit: 'fc456aa3b280761d8c49225b0d9e4adae901963b'
      },
      model: { repo: BERT, commit: '86b5e0934494bd15c9632b12f734a8a67f723594' }
    });
    // Each large file crossed the network once: the second sweep waited for the lock, then
    // found the cache complete.
    const blobs = hub.cdnRequests.map(r => r.path);
    expect(blobs.length).toBe(3);
    expect(new Set(blobs).size).toBe(3);
  }, 120_000);
});

describe('the built-in trainer reads the pinned Hub inputs', () => {
  it('a worker trains on the commit the sweep resolved, without touching the network', async () => {
    const cacheDir = tempDir('hub-train');
    const { spec } = parseSweepSpec(
      'name: hubtrain\ndataset: ag_news\nmodel: bert-base-uncased\ntuning: [full]\nstrategies: [default]\nruns: 1\nseed: 5\n' +
        'budget: { samples: 8, epochs: 1, batchSize: 4, maxLength: 16, testSamples: 8 }\nbackend: cpu\nexecutor: { kind: local, workers: 1 }\n'
    );
    let downloads = 0;
    const out = await runSweep(spec, {
      store: path.join(tempDir('hub-train-store'), 'r.sqlite'),
      hub: { endpoint: hub.endpoint, cacheDir },
      onProgress: p => {
        if (p.download) {
          downloads++;
        }
      }
    });
    expect(out.failed).toEqual([]);
    expect(out.results).toHaveLength(1);
    expect(out.results[0].spec.inputs?.model?.commit).toBe(
      '86b5e0934494bd15c9632b12f734a8a67f723594'
    );
    expect(
      out.results[0].spec.inputs?.dataset?.files['default/train/0000.parquet']
    ).toMatch(/^[0-9a-f]{64}$/);
    expect(downloads).toBeGreaterThan(0);
  }, 300_000);
});

describe('run keys follow the Hub inputs', () => {
  const { spec } = parseSweepSpec(
    'name: k\ndataset: ag_news\nmodel: bert-base-uncased\nruns: 1\nseed: 1\nbudget: { samples: 8, epochs: 1, batchSize: 4 }\n'
  );
  const pins = (commit: string, sha: string): ISweepInputs => ({
    datasets: new Map([
      [
        'ag_news',
        {
          repo: 'fancyzhx/ag_news',
          config: 'default',
          commit,
          files: { 'default/train/0000.parquet': sha }
        }
      ]
    ]),
    models: new Map()
  });
  it('changes when the commit or a file checksum changes, and stays when nothing from the Hub is read', () => {
    const plain = expandSweep(spec)[0];
    const a = expandSweep(spec, {
      inputs: pins('a'.repeat(40), '1'.repeat(64))
    })[0];
    const b = expandSweep(spec, {
      inputs: pins('b'.repeat(40), '1'.repeat(64))
    })[0];
    const c = expandSweep(spec, {
      inputs: pins('a'.repeat(40), '2'.repeat(64))
    })[0];
    expect(new Set([plain.key, a.key, b.key, c.key]).size).toBe(4);
    expect(a.inputs?.dataset?.commit).toBe('a'.repeat(40));
    expect(plain.inputs).toBeUndefined();
    expect(
      expandSweep(spec, {
        inputs: { datasets: new Map(), models: new Map() }
      })[0].key
    ).toBe(plain.key);
  });
});
