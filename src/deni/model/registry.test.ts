import {
  mkdtempSync,
  readFileSync,
  writeFileSync,
  mkdirSync,
  existsSync
} from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listModels, resolveModel } from './registry';

// A local stand-in for the Hugging Face Hub: serves /<owner>/<repo>/resolve/main/<file>.
const files = new Map<string, Buffer>();
const requests: string[] = [];
let server: http.Server;
let cache: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = files.get(req.url ?? '');
    if (!body) {
      res.writeHead(404).end('not found');
      return;
    }
    res
      .writeHead(200, { 'content-type': 'application/octet-stream' })
      .end(body);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  process.env.DENI_HF_ENDPOINT = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  delete process.env.DENI_HF_ENDPOINT;
  delete process.env.DENI_CACHE;
  await new Promise(resolve => server.close(resolve));
});

beforeEach(() => {
  cache = mkdtempSync(path.join(os.tmpdir(), 'deni-cache-'));
  process.env.DENI_CACHE = cache;
  requests.length = 0;
  files.clear();
});

function serve(repo: string, names: string[]): void {
  for (const n of names) {
    files.set(
      `/${repo}/resolve/main/${n}`,
      Buffer.from(`${repo}/${n} ${n.length}`)
    );
  }
}

describe('model registry', () => {
  it('downloads hf:<repo> into the cache once, then serves it offline', async () => {
    serve('someone/tiny', [
      'config.json',
      'model.safetensors',
      'tokenizer.json',
      'tokenizer_config.json'
    ]);
    const dir = await resolveModel('hf:someone/tiny');
    expect(dir).toBe(path.join(cache, 'hf--someone--tiny'));
    expect(readFileSync(path.join(dir, 'model.safetensors'), 'utf8')).toBe(
      'someone/tiny/model.safetensors 17'
    );
    expect(existsSync(path.join(dir, 'tokenizer_config.json'))).toBe(true);
    const count = requests.length;
    expect(await resolveModel('hf:someone/tiny')).toBe(dir);
    expect(requests.length).toBe(count);
  });

  it('downloads a built-in name from its repository; optional files may be absent', async () => {
    serve('FacebookAI/roberta-base', [
      'config.json',
      'model.safetensors',
      'tokenizer.json'
    ]);
    const dir = await resolveModel('roberta-base');
    expect(dir).toBe(path.join(cache, 'roberta-base'));
    expect(requests).toContain(
      '/FacebookAI/roberta-base/resolve/main/tokenizer.json'
    );
    expect(listModels().find(m => m.name === 'roberta-base')!.cached).toBe(
      true
    );
    expect(listModels().find(m => m.name === 'albert-base-v2')!.cached).toBe(
      false
    );
  });

  it('leaves nothing half-downloaded when a required file is missing', async () => {
    serve('someone/broken', ['config.json', 'tokenizer.json']);
    await expect(resolveModel('hf:someone/broken')).rejects.toThrow(
      /HTTP 404.*model.safetensors/
    );
    expect(existsSync(path.join(cache, 'hf--someone--broken'))).toBe(false);
  });

  it('explains how to work offline when the Hub cannot be reached', async () => {
    process.env.DENI_HF_ENDPOINT = 'http://127.0.0.1:1';
    try {
      await expect(resolveModel('bert-base-uncased')).rejects.toThrow(
        /Cannot download model 'google-bert\/bert-base-uncased'.*network error.*Without internet.*prepare-models.sh/s
      );
    } finally {
      const { port } = server.address() as AddressInfo;
      process.env.DENI_HF_ENDPOINT = `http://127.0.0.1:${port}`;
    }
  });

  it('accepts local folders and names what they lack', async () => {
    const dir = path.join(cache, 'local');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'config.json'), '{}');
    await expect(resolveModel(dir)).rejects.toThrow(
      /lacks model.safetensors, tokenizer.json/
    );
    writeFileSync(path.join(dir, 'model.safetensors'), '');
    writeFileSync(path.join(dir, 'tokenizer.json'), '{}');
    expect(await resolveModel(dir)).toBe(dir);
    await expect(resolveModel('no-such-model')).rejects.toThrow(
      /Unknown model 'no-such-model'.*minilm-l6/
    );
  });
});
