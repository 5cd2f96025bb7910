import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initBackend } from '../backend';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type IHubStandIn,
  refusedEndpoint,
  startHubStandIn
} from '../hub/hub-standin.testutil';
import { loadModel, readWeights } from './load';
import { listModels, resolveModel, resolveModelPinned } from './registry';
import { serializeSafetensors } from './safetensors';
import { fixtureModel } from './testing/fixtures';

const BERT = 'google-bert/bert-base-uncased';
const modelFiles = new Map<string, Buffer>();
let hub: IHubStandIn;
let cache: string;
let dead: string;
const tiny = fixtureModel('tiny-bert');

beforeAll(async () => {
  await initBackend('cpu');
  // The recorded repository google-bert/bert-base-uncased, with tiny-bert's files as its bytes.
  for (const f of [
    'config.json',
    'model.safetensors',
    'tokenizer.json',
    'tokenizer_config.json'
  ]) {
    modelFiles.set(`${BERT}/${f}`, readFileSync(path.join(tiny, f)));
  }
  // A sharded copy: the same tensors in two safetensors files and an index.
  const { tensors } = await readWeights(tiny);
  const names = [...tensors.keys()].sort();
  const half = Math.ceil(names.length / 2);
  const shards = [names.slice(0, half), names.slice(half)];
  const weightMap: Record<string, string> = {};
  shards.forEach((part, i) => {
    const file = `model-0000${i + 1}-of-00002.safetensors`;
    const m = new Map(part.map(n => [n, tensors.get(n)!]));
    modelFiles.set(
      `someone/sharded/${file}`,
      Buffer.from(serializeSafetensors(m))
    );
    for (const n of part) {
      weightMap[n] = file;
    }
  });
  modelFiles.set(
    'someone/sharded/model.safetensors.index.json',
    Buffer.from(JSON.stringify({ metadata: {}, weight_map: weightMap }))
  );
  for (const f of ['config.json', 'tokenizer.json']) {
    modelFiles.set(`someone/sharded/${f}`, readFileSync(path.join(tiny, f)));
  }
  hub = await startHubStandIn({
    modelFiles,
    gated: { 'albert/albert-base-v2': 'hf_right' },
    extraModels: {
      'someone/sharded': {
        commit: '1111111111111111111111111111111111111111',
        siblings: [
          'config.json',
          'tokenizer.json',
          'model.safetensors.index.json',
          'model-00001-of-00002.safetensors',
          'model-00002-of-00002.safetensors'
        ]
      },
      'someone/bin-only': {
        commit: '2222222222222222222222222222222222222222',
        siblings: [
          'config.json',
          'pytorch_model.bin',
          'vocab.json',
          'merges.txt'
        ]
      }
    }
  });
  dead = await refusedEndpoint();
});

afterAll(async () => {
  expect(hub?.unexpected).toEqual([]);
  await hub?.close();
});

beforeEach(() => {
  cache = mkdtempSync(path.join(os.tmpdir(), 'deni-hub-models-'));
  hub.requests.length = 0;
  hub.cdnRequests.length = 0;
});

describe('models from the Hub', () => {
  it('downloads a named model into the standard cache at the recorded commit, then needs no network', async () => {
    const commit = '86b5e0934494bd15c9632b12f734a8a67f723594';
    const progress: number[] = [];
    const r = await resolveModelPinned('bert-base-uncased', {
      endpoint: hub.endpoint,
      cacheDir: cache,
      onProgress: p => p.file === 'model.safetensors' && progress.push(p.bytes)
    });
    const folder = path.join(cache, 'models--google-bert--bert-base-uncased');
    expect(r.dir).toBe(path.join(folder, 'snapshots', commit));
    expect(readFileSync(path.join(folder, 'refs', 'main'), 'utf8')).toBe(
      commit
    );
    expect(r.hub?.commit).toBe(commit);
    expect(Object.keys(r.hub?.files ?? {}).sort()).toEqual([
      'config.json',
      'model.safetensors',
      'tokenizer.json',
      'tokenizer_config.json'
    ]);
    expect(progress.at(-1)).toBe(
      modelFiles.get(`${BERT}/model.safetensors`)!.length
    );
    expect(hub.requests).toEqual([
      `GET /api/models/${BERT}/revision/main`,
      `HEAD /${BERT}/resolve/main/config.json`,
      `GET /${BERT}/resolve/main/config.json`,
      `HEAD /${BERT}/resolve/${commit}/tokenizer.json`,
      `GET /${BERT}/resolve/${commit}/tokenizer.json`,
      `HEAD /${BERT}/resolve/${commit}/model.safetensors`,
      `HEAD /${BERT}/resolve/${commit}/tokenizer_config.json`,
      `GET /${BERT}/resolve/${commit}/tokenizer_config.json`
    ]);
    // The large file came from the other host, without the token.
    expect(hub.cdnRequests.map(c => c.authorization)).toEqual([false]);
    const loaded = await loadModel(r.dir);
    expect(loaded.config.hiddenSize).toBeGreaterThan(0);
    // The commit recorded on first download is reused without asking the Hub again.
    const again = await resolveModelPinned('bert-base-uncased', {
      endpoint: dead,
      cacheDir: cache
    });
    expect(again).toEqual(r);
    const listed = listModels({ cacheDir: cache }).find(
      m => m.name === 'bert-base-uncased'
    );
    expect(listed).toMatchObject({ cached: true, commit });
  });

  it('retries 503 and 429 answers and a truncated body, and checks what arrives', async () => {
    const faulty = await startHubStandIn({
      modelFiles,
      faults: new Map([[`/api/models/${BERT}`, [503, 429]]]),
      cutOnce: { path: '/blobs/' }
    });
    try {
      const logs: string[] = [];
      const r = await resolveModelPinned('bert-base-uncased', {
        endpoint: faulty.endpoint,
        cacheDir: cache,
        retryBaseMs: 1,
        timeoutMs: 3000,
        onLog: l => logs.push(l)
      });
      expect(logs.join('\n')).toMatch(/HTTP 503 .*retrying/);
      expect(logs.join('\n')).toMatch(/HTTP 429 .*retrying/);
      expect(logs.join('\n')).toMatch(
        /model.safetensors of google-bert\/bert-base-uncased: .*retrying/
      );
      expect(faulty.cdnRequests.length).toBe(2);
      // Deep equality of megabytes is slow in vitest: compare the bytes directly.
      expect(
        readFileSync(path.join(r.dir, 'model.safetensors')).equals(
          modelFiles.get(`${BERT}/model.safetensors`)!
        )
      ).toBe(true);
      // No temporary file is left behind.
      const blobs = readdirSync(
        path.join(cache, 'models--google-bert--bert-base-uncased', 'blobs')
      );
      expect(blobs.filter(b => b.includes('incomplete'))).toEqual([]);
      expect(faulty.unexpected).toEqual([]);
    } finally {
      await faulty.close();
    }
  });

  it('downloads and loads sharded safetensors (model.safetensors.index.json)', async () => {
    const r = await resolveModelPinned('hf:someone/sharded', {
      endpoint: hub.endpoint,
      cacheDir: cache
    });
    expect(Object.keys(r.hub?.files ?? {}).sort()).toEqual([
      'config.json',
      'model-00001-of-00002.safetensors',
      'model-00002-of-00002.safetensors',
      'model.safetensors.index.json',
      'tokenizer.json'
    ]);
    const sharded = await readWeights(r.dir);
    const single = await readWeights(tiny);
    expect([...sharded.tensors.keys()].sort()).toEqual(
      [...single.tensors.keys()].sort()
    );
    const name = [...single.tensors.keys()][3];
    expect(sharded.tensors.get(name)!.data).toEqual(
      single.tensors.get(name)!.data
    );
  });

  it('names the missing files and the supported formats before downloading anything', async () => {
    await expect(
      resolveModel('hf:someone/bin-only', undefined, {
        endpoint: hub.endpoint,
        cacheDir: cache
      })
    ).rejects.toThrow(
      /model someone\/bin-only cannot be used: it has no model.safetensors \(only pytorch_model.bin\); deni reads model.safetensors or model.safetensors.index.json \(sharded safetensors\).*; it has no tokenizer.json \(only vocab.json\); deni needs the fast-tokenizer file/
    );
    expect(hub.requests).toEqual([
      'GET /api/models/someone/bin-only/revision/main'
    ]);
    expect(
      existsSync(path.join(cache, 'models--someone--bin-only', 'snapshots'))
    ).toBe(false);
  });

  it('offline: reuses a snapshot already in the standard cache, and names what is missing', async () => {
    // A snapshot laid out as Python's huggingface_hub leaves it (plain files, refs/main).
    const commit = 'abcdefabcdefabcdefabcdefabcdefabcdefabcd';
    const folder = path.join(cache, 'models--someone--from-python');
    const snap = path.join(folder, 'snapshots', commit);
    mkdirSync(snap, { recursive: true });
    mkdirSync(path.join(folder, 'refs'));
    writeFileSync(path.join(folder, 'refs', 'main'), commit);
    for (const f of ['config.json', 'model.safetensors', 'tokenizer.json']) {
      writeFileSync(path.join(snap, f), readFileSync(path.join(tiny, f)));
    }
    const r = await resolveModelPinned('hf:someone/from-python', {
      cacheDir: cache,
      offline: true
    });
    expect(r.dir).toBe(snap);
    expect(r.hub?.commit).toBe(commit);
    expect(r.hub?.files['config.json']).toMatch(/^[0-9a-f]{64}$/);
    await expect(
      resolveModel('roberta-base', undefined, {
        cacheDir: cache,
        offline: true
      })
    ).rejects.toThrow(
      /offline \(HF_HUB_OFFLINE=1\) and the model FacebookAI\/roberta-base at revision main is not complete in the cache .*models--FacebookAI--roberta-base \(no refs\/main and no snapshot\): run `deni models --fetch roberta-base`/
    );
    expect(hub.requests).toEqual([]);
  });

  it('gated repositories: one sentence naming the repository and what to do', async () => {
    await expect(
      resolveModel('albert-base-v2', undefined, {
        endpoint: hub.endpoint,
        cacheDir: cache,
        token: ''
      })
    ).rejects.toThrow(
      /^The model repository albert\/albert-base-v2 is gated or private and no token was sent: accept its terms at http:\/\/127\.0\.0\.1:\d+\/albert\/albert-base-v2 if it is gated, then set HF_TOKEN/
    );
    await expect(
      resolveModel('albert-base-v2', undefined, {
        endpoint: hub.endpoint,
        cacheDir: cache,
        token: 'hf_wrong'
      })
    ).rejects.toThrow(
      /^The token has no access to the model repository albert\/albert-base-v2 \(HTTP 403\)/
    );
    await expect(
      resolveModel('hf:nobody/nothing', undefined, {
        endpoint: hub.endpoint,
        cacheDir: cache
      })
    ).rejects.toThrow(/^The model repository nobody\/nothing was not found/);
    hub.unexpected.length = 0;
  });

  it('accepts local folders and names what they lack', async () => {
    const dir = path.join(cache, 'local');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'config.json'), '{}');
    writeFileSync(path.join(dir, 'pytorch_model.bin'), '');
    await expect(resolveModel(dir)).rejects.toThrow(
      /lacks tokenizer.json, model.safetensors or model.safetensors.index.json \(it has pytorch_model.bin; deni reads/
    );
    writeFileSync(path.join(dir, 'model.safetensors'), '');
    writeFileSync(path.join(dir, 'tokenizer.json'), '{}');
    expect(await resolveModel(dir)).toBe(dir);
    await expect(resolveModel('no-such-model')).rejects.toThrow(
      /Unknown model 'no-such-model'.*minilm-l6/
    );
  });
});
