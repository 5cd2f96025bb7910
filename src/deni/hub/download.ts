import { createHash, randomBytes } from 'node:crypto';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
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
  repoFolder,
  sha256File
} from './cache';
import { accessError, HubError, type RepoType } from './errors';
import { hubDispatcher, request } from './http';
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

/**
 * Streams the bytes of `meta` into `blobs/<etag>`: to a uniquely named temporary file, checking
 * the size and the hash against the Hub's headers, then renamed into place (atomic), retried with
 * back-off on network errors and truncated or corrupt bodies. Returns the sha256.
 */
async function streamBlob(
  folder: string,
  repo: string,
  file: string,
  meta: IFileMeta,
  opts: IHubOptions
): Promise<string> {
  const blob = blobFile(folder, meta.etag);
  mkdirSync(path.dirname(blob), { recursive: true });
  const attempts = Math.max(1, opts.attempts ?? 5);
  const idle = opts.timeoutMs ?? 30_000;
  const sameHost =
    new URL(meta.location).origin === new URL(hubEndpoint(opts)).origin;
  let last = '';
  for (let n = 1; n <= attempts; n++) {
    const tmp = `${blob}.${process.pid}.${randomBytes(4).toString('hex')}.incomplete`;
    const controller = new AbortController();
    let timer = setTimeout(() => controller.abort(), idle);
    try {
      const res = await undiciFetch(meta.location, {
        headers: {
          'user-agent': 'jupyterlab-deni',
          ...(sameHost ? authHeaders(opts) : {})
        },
        redirect: 'follow',
        signal: controller.signal,
        dispatcher: hubDispatcher()
      });
      if (!res.ok || !res.body) {
        last = `HTTP ${res.status} ${res.statusText}`;
        await res.body?.cancel().catch(() => undefined);
        if (res.status < 500 && res.status !== 429) {
          throw new HubError(`${meta.location}: ${last}`, res.status);
        }
      } else {
        const sha256 = createHash('sha256');
        const sha1 = /^[0-9a-f]{40}$/.test(meta.etag)
          ? gitBlobHash(meta.size)
          : undefined;
        const out = createWriteStream(tmp);
        let bytes = 0;
        try {
          for await (const chunk of res.body) {
            clearTimeout(timer);
            timer = setTimeout(() => controller.abort(), idle);
            const buf = chunk as Uint8Array;
            sha256.update(buf);
            sha1?.update(buf);
            bytes += buf.byteLength;
            if (!out.write(buf)) {
              await new Promise<void>(r => out.once('drain', () => r()));
            }
            opts.onProgress?.({ repo, file, bytes, total: meta.size });
          }
        } finally {
          await new Promise<void>((resolve, reject) =>
            out.end((e?: Error | null) => (e ? reject(e) : resolve()))
          );
        }
        const hex = sha256.digest('hex');
        const got = sha1 ? sha1.digest('hex') : hex;
        if (bytes !== meta.size) {
          last = `received ${bytes} bytes, the Hub announced ${meta.size}`;
        } else if (got !== meta.etag) {
          last = `content hash ${got} differs from the Hub's ${meta.etag}`;
        } else {
          renameSync(tmp, blob);
          return hex;
        }
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
      rmSync(tmp, { force: true });
    }
    if (n < attempts) {
      const wait = (opts.retryBaseMs ?? 1000) * 2 ** (n - 1);
      opts.onLog?.(
        `${file} of ${repo}: ${last}; retrying in ${(wait / 1000).toFixed(1)} s`
      );
      await new Promise(r => setTimeout(r, wait));
    }
  }
  throw new HubError(
    `cannot download ${file} of ${repo} (${meta.location}): ${last}`
  );
}

/**
 * Puts one repository file into the standard cache at `meta.commit` (downloading its blob unless
 * already there, e.g. fetched by Python) and returns its record. The caller holds the repository's
 * lock.
 */
export async function cacheFile(
  type: RepoType,
  repo: string,
  file: string,
  meta: IFileMeta,
  opts: IHubOptions
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
    sha256 = await streamBlob(folder, repo, file, meta, opts);
  }
  linkSnapshot(folder, meta.commit, file, meta.etag);
  return { path: file, sha256, size: meta.size };
}
