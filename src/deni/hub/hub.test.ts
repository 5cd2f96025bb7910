import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type IHubStandIn,
  recorded,
  startHubStandIn
} from './hub-standin.testutil';
import { accessError } from './errors';
import { resolveParquet } from './parquet';
import { chooseModelFiles } from './model-files';

let hub: IHubStandIn;
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'deni-hub-'));
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  const datasetFiles = new Map<string, Buffer>();
  for (const split of ['train', 'test']) {
    datasetFiles.set(
      `fancyzhx/dbpedia_14/dbpedia_14/${split}/0000.parquet`,
      Buffer.from(
        parquetWriteBuffer({
          columnData: [
            { name: 'content', data: ['Acme is a company.'], type: 'STRING' },
            { name: 'label', data: [0n], type: 'INT64' }
          ]
        })
      )
    );
  }
  // A data set larger than 5 GB: the converter exports only its first 5 GB, into a split folder
  // named "partial-train" (the recorded allenai/c4 answer of the dataset viewer, see
  // recorded/README.md), while the split itself is still called "train".
  datasetFiles.set(
    'someone/big/en/partial-train/0000.parquet',
    datasetFiles.get('fancyzhx/dbpedia_14/dbpedia_14/train/0000.parquet')!
  );
  datasetFiles.set(
    'someone/big/en/validation/0000.parquet',
    datasetFiles.get('fancyzhx/dbpedia_14/dbpedia_14/test/0000.parquet')!
  );
  hub = await startHubStandIn({
    datasetFiles,
    extraDatasets: {
      'someone/big': {
        parquetCommit: null,
        configs: {
          en: {
            train: ['en/partial-train/0000.parquet'],
            validation: ['en/validation/0000.parquet']
          }
        }
      }
    }
  });
});

afterAll(async () => {
  expect(hub?.unexpected).toEqual([]);
  await hub?.close();
  for (const d of dirs) {
    rmSync(d, { recursive: true, force: true });
  }
});

describe('Hub client', () => {
  it('goes through the proxy named by the standard variables', async () => {
    const seen: string[] = [];
    const sockets = new Set<net.Socket>();
    // A tunnelling proxy (CONNECT, as undici's proxy agent speaks for every request).
    const proxy = http.createServer((_req, res) => res.writeHead(405).end());
    proxy.on(
      'connect',
      (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
        seen.push(`CONNECT ${req.url}`);
        const [host, port] = (req.url ?? '').split(':');
        const upstream = net.connect(Number(port), host, () => {
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          upstream.write(head);
          upstream.pipe(client);
          client.pipe(upstream);
        });
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('error', () => undefined);
          s.on('close', () => sockets.delete(s));
        }
      }
    );
    await new Promise<void>(r => proxy.listen(0, '127.0.0.1', () => r()));
    const saved = {
      h: process.env.HTTP_PROXY,
      n: process.env.NO_PROXY,
      nl: process.env.no_proxy
    };
    process.env.HTTP_PROXY = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    process.env.NO_PROXY = '';
    process.env.no_proxy = '';
    try {
      const r = await resolveParquet(
        {
          repo: 'fancyzhx/dbpedia_14',
          config: 'dbpedia_14',
          splits: ['train', 'test'],
          fetchHint: 'x'
        },
        { endpoint: hub.endpoint, cacheDir: tmp() }
      );
      expect(r.commit).toBe('7b2d3998c3e87668c1282ce9b8bfd164a4fca8f5');
      const hubHost = new URL(hub.endpoint).host;
      expect(seen).toContain(`CONNECT ${hubHost}`);
      // The redirect to the storage host (another origin) went through the proxy too.
      expect(
        seen.some(s => s.startsWith('CONNECT') && !s.endsWith(hubHost))
      ).toBe(true);
    } finally {
      for (const [k, v] of [
        ['HTTP_PROXY', saved.h],
        ['NO_PROXY', saved.n],
        ['no_proxy', saved.nl]
      ] as const) {
        if (v === undefined) {
          delete process.env[k];
        } else {
          process.env[k] = v;
        }
      }
      for (const sock of sockets) {
        sock.destroy();
      }
      proxy.closeAllConnections();
      await new Promise<void>(r => proxy.close(() => r()));
    }
  });

  it('DBpedia-14 has one config, dbpedia_14 (the recorded answer)', async () => {
    await expect(
      resolveParquet(
        { repo: 'fancyzhx/dbpedia_14', config: 'default', fetchHint: 'x' },
        { endpoint: hub.endpoint, cacheDir: tmp() }
      )
    ).rejects.toThrow(
      'the Hub data set fancyzhx/dbpedia_14 has no config "default"; its configs: dbpedia_14'
    );
  });

  it('a pinned commit is listed from its own tree, not from the moving Parquet listing', async () => {
    const cacheDir = tmp();
    hub.requests.length = 0;
    const r = await resolveParquet(
      {
        repo: 'fancyzhx/dbpedia_14',
        config: 'dbpedia_14',
        splits: ['test'],
        revision: '7b2d3998c3e87668c1282ce9b8bfd164a4fca8f5',
        fetchHint: 'x'
      },
      { endpoint: hub.endpoint, cacheDir }
    );
    expect(r.extra.splits).toEqual({ test: ['dbpedia_14/test/0000.parquet'] });
    expect(hub.requests.some(q => q.endsWith('/parquet'))).toBe(false);
    await expect(
      resolveParquet(
        {
          repo: 'fancyzhx/dbpedia_14',
          config: 'dbpedia_14',
          revision: 'c'.repeat(40),
          fetchHint: 'x'
        },
        { endpoint: hub.endpoint, cacheDir }
      )
    ).rejects.toThrow(/has no revision "c{40}" \(HTTP 404\)/);
  });

  it('reads a partial export (split folder "partial-train") under its split name, at the ref and at a commit', async () => {
    const expected = {
      train: ['en/partial-train/0000.parquet'],
      validation: ['en/validation/0000.parquet']
    };
    const atRef = await resolveParquet(
      { repo: 'someone/big', config: 'en', fetchHint: 'x' },
      { endpoint: hub.endpoint, cacheDir: tmp() }
    );
    expect(atRef.extra.splits).toEqual(expected);
    const atCommit = await resolveParquet(
      {
        repo: 'someone/big',
        config: 'en',
        splits: ['train', 'validation'],
        revision: hub.commitOf('someone/big'),
        fetchHint: 'x'
      },
      { endpoint: hub.endpoint, cacheDir: tmp() }
    );
    expect(atCommit.extra.splits).toEqual(expected);
  });

  it('picks the files deni needs from the recorded sibling list of bert-base-uncased', () => {
    // The Hub's recorded /api/models answer (16 files, Core ML package folders included).
    const { siblings } = recorded().models['google-bert/bert-base-uncased'];
    expect(siblings).toContain(
      'coreml/fill-mask/float32_model.mlpackage/Manifest.json'
    );
    expect(chooseModelFiles('google-bert/bert-base-uncased', siblings)).toEqual(
      [
        'config.json',
        'tokenizer.json',
        'model.safetensors',
        'tokenizer_config.json'
      ]
    );
  });

  it('picks the files deni needs from the found sibling lists of roberta-base and albert-base-v2', () => {
    // roberta-base has a tokenizer_config.json (public code pins its sha256 at e2da8e2f) and no
    // special_tokens_map.json; albert-base-v2 has neither (the file listing of its main branch).
    const models = recorded().models;
    expect(
      chooseModelFiles(
        'FacebookAI/roberta-base',
        models['FacebookAI/roberta-base'].siblings
      )
    ).toEqual([
      'config.json',
      'tokenizer.json',
      'model.safetensors',
      'tokenizer_config.json'
    ]);
    expect(
      chooseModelFiles(
        'albert/albert-base-v2',
        models['albert/albert-base-v2'].siblings
      )
    ).toEqual(['config.json', 'tokenizer.json', 'model.safetensors']);
  });
  it('error sentences and model file choice', () => {
    const e = accessError({
      status: 404,
      errorCode: 'EntryNotFound',
      type: 'model',
      repo: 'a/b',
      endpoint: 'https://hf.co',
      revision: 'main',
      file: 'x.json',
      tokenSent: false
    });
    expect(e.message).toBe(
      'The model repository a/b has no file x.json at revision main (HTTP 404): see the files at https://hf.co/a/b/tree/main.'
    );
    expect(
      chooseModelFiles('a/b', [
        'config.json',
        'tokenizer.json',
        'model.safetensors',
        'tokenizer_config.json',
        'pytorch_model.bin'
      ])
    ).toEqual([
      'config.json',
      'tokenizer.json',
      'model.safetensors',
      'tokenizer_config.json'
    ]);
  });
});
