import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Rng } from '../random';
import { partialFile, repoFolder, snapshotFile } from './cache';
import { cacheFile, fileMeta } from './download';
import { type IHubStandIn, startHubStandIn } from './hub-standin.testutil';
import { type IResolveRequest, resolveRepo } from './resolve';
import type { IHubOptions } from './settings';

// Resuming interrupted downloads: a weights file (an LFS file, so its bytes come from the stand-in's
// CDN) whose partial download is left by a dropped connection or by a killed process.
const REPO = 'someone/resumable';
const FILE = 'model.safetensors';
const SIZE = 256 * 1024;
const CUT = 100_000;

/** `n` seeded bytes (a periodic pattern could hide a resumption at the wrong offset). */
function bytesOf(seed: number, n: number): Buffer {
  const rng = new Rng(seed);
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i += 4) {
    out.writeUInt32LE(rng.nextUint32(), i);
  }
  return out;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const BODY = bytesOf(1, SIZE);
const modelFiles = new Map<string, Buffer>();
const extraModels = {
  [REPO]: { commit: '3'.repeat(40), siblings: [FILE] }
};
const request: IResolveRequest = {
  type: 'model',
  repo: REPO,
  revision: 'main',
  name: 'resume-test',
  fetchHint: 'fetch it',
  plan: () => Promise.resolve({ files: [FILE] })
};

let hub: IHubStandIn | undefined;
let cache: string;
let folder: string;
const dirs: string[] = [];
let progress: number[];
let logs: string[];

beforeEach(() => {
  modelFiles.set(`${REPO}/${FILE}`, BODY);
  cache = mkdtempSync(path.join(os.tmpdir(), 'deni-hub-resume-'));
  dirs.push(cache);
  folder = repoFolder(cache, 'model', REPO);
  progress = [];
  logs = [];
});

afterEach(async () => {
  expect(hub?.unexpected).toEqual([]);
  await hub?.close();
  hub = undefined;
});

afterAll(() => {
  for (const d of dirs) {
    rmSync(d, { recursive: true, force: true });
  }
});

const start = async (extra: Parameters<typeof startHubStandIn>[0] = {}) => {
  hub = await startHubStandIn({ modelFiles, extraModels, ...extra });
  return hub;
};

const options = (h: IHubStandIn): IHubOptions => ({
  endpoint: h.endpoint,
  cacheDir: cache,
  retryBaseMs: 1,
  timeoutMs: 5000,
  onProgress: p => progress.push(p.bytes),
  onLog: l => logs.push(l)
});

/** What a process killed mid-download leaves: the first bytes in the partial file of `etag`. */
const leave = (etag: string, bytes: Buffer) => {
  const p = partialFile(folder, etag, FILE);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, bytes);
  return p;
};

const partials = () =>
  existsSync(path.join(folder, 'blobs'))
    ? readdirSync(path.join(folder, 'blobs')).filter(b =>
        b.endsWith('.incomplete')
      )
    : [];

/** The downloaded file in the snapshot, checked byte for byte and by the recorded sha256. */
const expectFile = (
  r: Awaited<ReturnType<typeof resolveRepo>>,
  body: Buffer
) => {
  expect(r.files).toEqual([{ path: FILE, sha256: sha256(body), size: SIZE }]);
  const local = readFileSync(snapshotFile(folder, r.commit, FILE));
  expect(sha256(local)).toBe(sha256(body));
  expect(partials()).toEqual([]);
};

const nonDecreasing = (xs: number[]) =>
  xs.every((x, i) => i === 0 || x >= xs[i - 1]);

describe('resuming Hub downloads', () => {
  it('(a) a body cut mid-way is resumed from the bytes received, with a Range request', async () => {
    const h = await start({ cutOnce: { path: '/blobs/', afterBytes: CUT } });
    const r = await resolveRepo(request, options(h));
    expectFile(r, BODY);
    const ranges = h.cdnRequests.map(c => c.range);
    expect(ranges).toHaveLength(2);
    expect(ranges[0]).toBeUndefined();
    // The second request asks for exactly what the first did not write (the stand-in sends CUT
    // bytes before dropping the connection; the client keeps what it read of them).
    const from = Number(/^bytes=(\d+)-$/.exec(ranges[1] ?? '')?.[1]);
    expect(from).toBeGreaterThan(0);
    expect(from).toBeLessThanOrEqual(CUT);
    expect(logs.join('\n')).toContain(`resuming at byte ${from} of ${SIZE}`);
    // Byte progress carries on from the resumed offset instead of starting again at 0.
    expect(nonDecreasing(progress)).toBe(true);
    expect(progress).toContain(from);
    expect(progress.at(-1)).toBe(SIZE);
  });

  it('(b) a partial file left by a killed process is resumed by the next call', async () => {
    const h = await start();
    leave(sha256(BODY), BODY.subarray(0, CUT));
    const r = await resolveRepo(request, options(h));
    expectFile(r, BODY);
    expect(h.cdnRequests.map(c => c.range)).toEqual([`bytes=${CUT}-`]);
    expect(progress[0]).toBe(CUT);
    expect(nonDecreasing(progress)).toBe(true);
  });

  it('(c) a partial file of an older version (another etag) is deleted, not continued', async () => {
    const h = await start();
    const old = bytesOf(2, SIZE);
    const stale = leave(sha256(old), old.subarray(0, CUT));
    const r = await resolveRepo(request, options(h));
    expectFile(r, BODY);
    expect(h.cdnRequests.map(c => c.range)).toEqual([undefined]);
    expect(existsSync(stale)).toBe(false);
    expect(logs.join('\n')).toContain('a partial download of an older version');
  });

  it('(d) a server that answers a Range request with 200 and the whole file gives the right file', async () => {
    const h = await start({ ignoreRange: true });
    leave(sha256(BODY), BODY.subarray(0, CUT));
    const r = await resolveRepo(request, options(h));
    expectFile(r, BODY);
    // One request: the whole body replaced the partial file instead of being appended to it.
    expect(h.cdnRequests.map(c => c.range)).toEqual([`bytes=${CUT}-`]);
    expect(logs.join('\n')).toContain('the server ignored the range');
    expect(logs.join('\n')).not.toContain('retrying');
  });

  it('a server that cannot satisfy the range (416) gets asked for the whole file', async () => {
    const h = await start({ refuseRangeOnce: true });
    leave(sha256(BODY), BODY.subarray(0, CUT));
    const r = await resolveRepo(request, options(h));
    expectFile(r, BODY);
    expect(h.cdnRequests.map(c => c.range)).toEqual([
      `bytes=${CUT}-`,
      undefined
    ]);
    expect(logs.join('\n')).toContain('(HTTP 416); starting over');
    expect(logs.join('\n')).not.toContain('retrying');
  });

  it('a partial file whose bytes are wrong fails the whole-file hash and is started over', async () => {
    const h = await start();
    leave(sha256(BODY), bytesOf(3, CUT));
    const r = await resolveRepo(request, options(h));
    expectFile(r, BODY);
    expect(h.cdnRequests.map(c => c.range)).toEqual([
      `bytes=${CUT}-`,
      undefined
    ]);
    expect(logs.join('\n')).toMatch(/content hash [0-9a-f]{64} differs/);
  });

  it('a complete partial file (killed before the rename) becomes the blob without a request', async () => {
    const h = await start();
    leave(sha256(BODY), BODY);
    const r = await resolveRepo(request, options(h));
    expectFile(r, BODY);
    expect(h.cdnRequests).toEqual([]);
  });

  it('a download that runs out of attempts keeps its bytes for the next call, which resumes', async () => {
    const h = await start({ cutOnce: { path: '/blobs/', afterBytes: CUT } });
    await expect(
      resolveRepo(request, { ...options(h), attempts: 1 })
    ).rejects.toThrow(/bytes received stay in .*\.incomplete/);
    expect(partials()).toHaveLength(1);
    const r = await resolveRepo(request, options(h));
    expectFile(r, BODY);
    expect(h.cdnRequests[1].range).toMatch(/^bytes=[1-9]\d*-$/);
  });

  it('stops writing once another process took the lock over', async () => {
    const h = await start();
    const p = leave(sha256(BODY), BODY.subarray(0, CUT));
    const meta = await fileMeta('model', REPO, 'main', FILE, options(h));
    await expect(
      cacheFile('model', REPO, FILE, meta, options(h), {
        lost: new Error('lock is stale')
      })
    ).rejects.toThrow('another process took over the cache lock');
    expect(h.cdnRequests).toEqual([]);
    expect(readFileSync(p).equals(BODY.subarray(0, CUT))).toBe(true);
  });
});
