import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync
} from 'node:fs';
import path from 'node:path';
import { fetch as undiciFetch } from 'undici';
import {
  blobFile,
  type ICachedFile,
  linkSnapshot,
  partialFile,
  partialKey,
  repoFolder,
  sha256File
} from './cache';
import { accessError, HubError, type RepoType } from './errors';
import { hubDispatcher, request } from './http';
import type { ICacheLock } from './lock';
import {
  hubCacheDir,
  hubEndpoint,
  hubToken,
  type IHubOptions
} from './settings';

/** `/{datasets/}owner/name` on the Hub. */
export function repoPath(type: RepoType, repo: string): string {
  return `${type === 'dataset' ? '/datasets' : ''}/${repo}`;
}

/** Encodes a path inside a repository for a URL (slashes kept). */
export function encodePath(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

/** Authorization header for requests to the Hub endpoint (never sent to the storage host a download redirects to). */
export function authHeaders(opts: IHubOptions): Record<string, string> {
  const { token } = hubToken(opts);
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** GET a JSON answer of the Hub API; 401/403/404 become one sentence naming the repository. */
export async function getJson<T>(
  type: RepoType,
  repo: string,
  apiPath: string,
  opts: IHubOptions,
  revision?: string
): Promise<T> {
  const endpoint = hubEndpoint(opts);
  const url = `${endpoint}${apiPath}`;
  opts.onLog?.(`GET ${url}`);
  const res = await request(url, { headers: authHeaders(opts) }, opts);
  if (res.status === 401 || res.status === 403 || res.status === 404) {
    await res.body?.cancel().catch(() => undefined);
    throw accessError({
      status: res.status,
      errorCode: res.headers.get('x-error-code'),
      type,
      repo,
      endpoint,
      revision,
      tokenSent: hubToken(opts).token !== undefined
    });
  }
  if (!res.ok) {
    throw new HubError(
      `${url}: HTTP ${res.status} ${res.statusText}`,
      res.status
    );
  }
  return (await res.json()) as T;
}

/** What the Hub's answer to a `resolve` request says about a file. */
export interface IFileMeta {
  commit: string;
  /** X-Linked-Etag (LFS: the sha256) or ETag (small files: the git blob sha1). */
  etag: string;
  size: number;
  /** Where the bytes are: the redirect target (another host) or the resolve URL itself. */
  location: string;
}

function unquote(etag: string | null): string | undefined {
  return etag?.replace(/^W\//, '').replace(/^"|"$/g, '') || undefined;
}

/**
 * HEAD `{endpoint}/{datasets/}repo/resolve/{revision}/{file}` without following the redirect to
 * the storage host, as huggingface_hub does: the commit (X-Repo-Commit), the content hash
 * (X-Linked-Etag, else ETag) and size (X-Linked-Size, else Content-Length) come from the Hub's own
 * answer. Relative redirects (a renamed repository) are followed.
 */
export async function fileMeta(
  type: RepoType,
  repo: string,
  revision: string,
  file: string,
  opts: IHubOptions
): Promise<IFileMeta> {
  const endpoint = hubEndpoint(opts);
  let url = `${endpoint}${repoPath(type, repo)}/resolve/${encodeURIComponent(revision)}/${encodePath(file)}`;
  for (let hop = 0; hop < 5; hop++) {
    const res = await request(
      url,
      { method: 'HEAD', redirect: 'manual', headers: authHeaders(opts) },
      opts
    );
    const status = res.status;
    if (status === 401 || status === 403 || status === 404) {
      throw accessError({
        status,
        errorCode: res.headers.get('x-error-code'),
        type,
        repo,
        endpoint,
        revision,
        file,
        tokenSent: hubToken(opts).token !== undefined
      });
    }
    const loc = res.headers.get('location');
    const commit = res.headers.get('x-repo-commit');
    if (status >= 300 && status < 400 && loc && !commit) {
      url = new URL(loc, url).toString();
      continue;
    }
    if (!(status >= 200 && status < 400)) {
      throw new HubError(`${url}: HTTP ${status} ${res.statusText}`, status);
    }
    const etag =
      unquote(res.headers.get('x-linked-etag')) ??
      unquote(res.headers.get('etag'));
    const size = Number(
      res.headers.get('x-linked-size') ?? res.headers.get('content-length')
    );
    if (!commit || !etag || !Number.isFinite(size)) {
      throw new HubError(
        `${url}: the answer lacks X-Repo-Commit, an ETag or the size; is ${endpoint} a Hugging Face Hub (HF_ENDPOINT)?`
      );
    }
    return {
      commit,
      etag,
      size,
      location: status >= 300 && loc ? new URL(loc, url).toString() : url
    };
  }
  throw new HubError(`${url}: too many redirects`);
}

/** Git's blob id of `size` bytes (the ETag the Hub gives files not stored in LFS). */
function gitBlobHash(size: number) {
  return createHash('sha1').update(`blob ${size}\0`);
}

/** The running hashes of a download: sha256 always, the git blob sha1 where that is the etag. */
interface IHashes {
  sha256: Hash;
  sha1?: Hash;
}

/** First byte and total of a 206 answer's `Content-Range: bytes <first>-<last>/<total or *>`. */
function contentRange(
  header: string | null
): { start: number; total?: number } | undefined {
  const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header?.trim() ?? '');
  return m
    ? { start: Number(m[1]), total: m[3] === '*' ? undefined : Number(m[3]) }
    : undefined;
}

/**
 * Deletes what earlier downloads of `file` left for other versions (etags) of it: never resumable
 * (a partial is only continued with the bytes of its own etag), and possibly gigabytes.
 */
function discardStalePartials(
  folder: string,
  repo: string,
  file: string,
  keep: string,
  opts: IHubOptions
): void {
  const dir = path.join(folder, 'blobs');
  const suffix = `.${partialKey(file)}.incomplete`;
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (name.endsWith(suffix) && p !== keep) {
      opts.onLog?.(
        `${file} of ${repo}: deleting ${p}, a partial download of an older version`
      );
      rmSync(p, { force: true });
    }
  }
}

/**
 * Streams the bytes of `meta` into `blobs/<etag>`, resuming where an earlier attempt or an earlier
 * process stopped, as huggingface_hub does. The bytes go to the partial file `partialFile()` names;
 * when it already holds some, they are hashed first and the request asks for the rest
 * (`Range: bytes=<size>-`): 206 from that offset appends, 200 (the server ignored the range)
 * starts the file over, 416 discards it and asks again for the whole file. The size and the hash
 * of the whole file are checked against the Hub's headers before the rename into place (atomic).
 * Network errors, silences and truncated bodies keep the partial file for the next attempt (with
 * back-off) or the next call; wrong bytes (too many, or a hash that differs) discard it. The caller
 * holds the repository's lock (`lock`), so no other deni process appends to the same file; should
 * another process take the lock over, writing stops.
 *
 * No `If-Range`: the validator it needs is the storage host's own ETag, which is not the Hub's
 * content hash (an S3 or CDN ETag), so sending the Hub's would make such a host answer every
 * resumption with the whole file. The partial is named by the Hub's content hash instead and its
 * hash is checked with the rest of the file, which keeps a changed file from being continued.
 * Returns the sha256.
 */
async function streamBlob(
  folder: string,
  repo: string,
  file: string,
  meta: IFileMeta,
  opts: IHubOptions,
  lock: ICacheLock
): Promise<string> {
  const blob = blobFile(folder, meta.etag);
  const partial = partialFile(folder, meta.etag, file);
  mkdirSync(path.dirname(blob), { recursive: true });
  discardStalePartials(folder, repo, file, partial, opts);
  const attempts = Math.max(1, opts.attempts ?? 5);
  const idle = opts.timeoutMs ?? 30_000;
  const sameHost =
    new URL(meta.location).origin === new URL(hubEndpoint(opts)).origin;
  const gitOid = /^[0-9a-f]{40}$/.test(meta.etag);
  const fresh = (): IHashes => ({
    sha256: createHash('sha256'),
    sha1: gitOid ? gitBlobHash(meta.size) : undefined
  });
  const discard = () => rmSync(partial, { force: true });
  const guard = () => {
    if (lock.lost) {
      throw new HubError(
        `stopped downloading ${file} of ${repo}: another process took over the cache lock (${lock.lost.message}); run again`
      );
    }
  };
  let last = '';

  /** The bytes already in the partial file, hashed, so the final check covers the whole file. */
  const readPartial = async (): Promise<{
    offset: number;
    hashes: IHashes;
  }> => {
    let offset = existsSync(partial) ? statSync(partial).size : 0;
    if (offset > meta.size) {
      discard();
      offset = 0;
    }
    const hashes = fresh();
    if (offset > 0) {
      for await (const chunk of createReadStream(partial, {
        end: offset - 1
      })) {
        hashes.sha256.update(chunk as Buffer);
        hashes.sha1?.update(chunk as Buffer);
      }
    }
    return { offset, hashes };
  };

  /**
   * Checks a partial file of `bytes` bytes: complete and right, it becomes the blob (its sha256 is
   * returned); short, it stays to be resumed; wrong, it is deleted so the next attempt starts over.
   */
  const finish = (bytes: number, hashes: IHashes): string | undefined => {
    if (bytes < meta.size) {
      last = `received ${bytes} bytes, the Hub announced ${meta.size}`;
      return undefined;
    }
    const hex = hashes.sha256.digest('hex');
    const got = hashes.sha1 ? hashes.sha1.digest('hex') : hex;
    if (bytes > meta.size) {
      last = `received ${bytes} bytes, the Hub announced ${meta.size}`;
    } else if (got !== meta.etag) {
      last = `content hash ${got} differs from the Hub's ${meta.etag}`;
    } else {
      renameSync(partial, blob);
      return hex;
    }
    discard();
    return undefined;
  };

  /** One attempt: the sha256 once the blob is in place, undefined to try again (`last` says why). */
  const attempt = async (
    signal: AbortSignal,
    arm: () => void
  ): Promise<string | undefined> => {
    let { offset, hashes } = await readPartial();
    if (offset === meta.size) {
      // Every byte arrived before, but the process ended before the rename: no request needed.
      const done = finish(offset, hashes);
      if (done) {
        return done;
      }
      opts.onLog?.(`${file} of ${repo}: ${last}; starting over`);
      offset = 0;
      hashes = fresh();
    }
    const get = (from: number) => {
      arm();
      return undiciFetch(meta.location, {
        headers: {
          'user-agent': 'jupyterlab-deni',
          // Sizes, hashes and byte ranges are of the stored bytes, not of a compressed transfer.
          'accept-encoding': 'identity',
          ...(from > 0 ? { range: `bytes=${from}-` } : {}),
          ...(sameHost ? authHeaders(opts) : {})
        },
        redirect: 'follow',
        signal,
        dispatcher: hubDispatcher()
      });
    };
    if (offset > 0) {
      opts.onLog?.(
        `${file} of ${repo}: resuming at byte ${offset} of ${meta.size}`
      );
    }
    let res = await get(offset);
    if (offset > 0 && res.status === 416) {
      await res.body?.cancel().catch(() => undefined);
      opts.onLog?.(
        `${file} of ${repo}: the server has no bytes from ${offset} on (HTTP 416); starting over`
      );
      discard();
      offset = 0;
      hashes = fresh();
      res = await get(0);
    }
    if (!res.ok || !res.body) {
      last = `HTTP ${res.status} ${res.statusText}`;
      await res.body?.cancel().catch(() => undefined);
      if (res.status < 500 && res.status !== 429) {
        throw new HubError(`${meta.location}: ${last}`, res.status);
      }
      return undefined;
    }
    if (res.status === 206) {
      const range = contentRange(res.headers.get('content-range'));
      if (
        !range ||
        range.start !== offset ||
        (range.total !== undefined && range.total !== meta.size)
      ) {
        await res.body.cancel().catch(() => undefined);
        last = `asked for bytes ${offset}- of ${meta.size}, the server sent ${res.headers.get('content-range') ?? 'a part without Content-Range'}`;
        discard();
        return undefined;
      }
    } else if (offset > 0) {
      opts.onLog?.(
        `${file} of ${repo}: the server ignored the range and sends the whole file (HTTP ${res.status}); starting over`
      );
      offset = 0;
      hashes = fresh();
    }
    guard();
    const out = createWriteStream(partial, { flags: offset > 0 ? 'a' : 'w' });
    let bytes = offset;
    opts.onProgress?.({ repo, file, bytes, total: meta.size });
    try {
      for await (const chunk of res.body) {
        arm();
        guard();
        const buf = chunk as Uint8Array;
        hashes.sha256.update(buf);
        hashes.sha1?.update(buf);
        bytes += buf.byteLength;
        if (!out.write(buf)) {
          await once(out, 'drain');
        }
        opts.onProgress?.({ repo, file, bytes, total: meta.size });
      }
    } finally {
      await new Promise<void>((resolve, reject) =>
        out.end((e?: Error | null) => (e ? reject(e) : resolve()))
      );
    }
    return finish(bytes, hashes);
  };

  for (let n = 1; n <= attempts; n++) {
    guard();
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(), idle);
    };
    try {
      const sha256 = await attempt(controller.signal, arm);
      if (sha256) {
        return sha256;
      }
    } catch (e) {
      if (e instanceof HubError) {
        throw e;
      }
      const cause = (e as { cause?: { code?: string } }).cause;
      last = controller.signal.aborted
        ? `no data for ${idle / 1000} s`
        : (cause?.code ?? (e as Error).message);
    } finally {
      clearTimeout(timer);
    }
    if (n < attempts) {
      const wait = (opts.retryBaseMs ?? 1000) * 2 ** (n - 1);
      opts.onLog?.(
        `${file} of ${repo}: ${last}; retrying in ${(wait / 1000).toFixed(1)} s`
      );
      await new Promise(r => setTimeout(r, wait));
    }
  }
  const kept = existsSync(partial) ? statSync(partial).size : 0;
  throw new HubError(
    `cannot download ${file} of ${repo} (${meta.location}): ${last}` +
      (kept > 0
        ? `; the ${kept} bytes received stay in ${partial}, and the next download resumes there`
        : '')
  );
}

/**
 * Puts one repository file into the standard cache at `meta.commit` (downloading its blob unless
 * already there, e.g. fetched by Python) and returns its record. The caller holds the repository's
 * lock (`lock`, from `withCacheLock`): the download may append to a partial file another process
 * left.
 */
export async function cacheFile(
  type: RepoType,
  repo: string,
  file: string,
  meta: IFileMeta,
  opts: IHubOptions,
  lock: ICacheLock
): Promise<ICachedFile> {
  const folder = repoFolder(hubCacheDir(opts), type, repo);
  const blob = blobFile(folder, meta.etag);
  let sha256: string;
  if (existsSync(blob) && statSync(blob).size === meta.size) {
    opts.onLog?.(`${repo}/${file}: in the cache`);
    sha256 = /^[0-9a-f]{64}$/.test(meta.etag)
      ? meta.etag
      : await sha256File(blob);
  } else {
    opts.onLog?.(`downloading ${repo}/${file} (${meta.size} bytes)`);
    sha256 = await streamBlob(folder, repo, file, meta, opts, lock);
  }
  linkSnapshot(folder, meta.commit, file, meta.etag);
  return { path: file, sha256, size: meta.size };
}
