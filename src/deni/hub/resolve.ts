import { existsSync, statSync } from 'node:fs';
import {
  type ICachedFile,
  type IResolution,
  isCommit,
  readRef,
  readResolution,
  repoFolder,
  sha256File,
  snapshotFile,
  writeRef,
  writeResolution
} from './cache';
import { cacheFile, fileMeta } from './download';
import { HubError, type RepoType } from './errors';
import { type ICacheLock, withCacheLock } from './lock';
import { hubCacheDir, hubOffline, type IHubOptions } from './settings';

/** What a resolution needs: which files of which repository at which revision. */
export interface IResolveRequest {
  type: RepoType;
  repo: string;
  /** Branch, tag, ref or commit. */
  revision: string;
  /** Name of the resolution record (`model`, `parquet-<config>`). */
  name: string;
  /** How to tell the user to fetch it on a connected machine. */
  fetchHint: string;
  /**
   * Lists the files to download, given a revision to list at (the ref first; the commit once
   * known). Runs only online, under the repository's lock.
   */
  plan: (
    revision: string
  ) => Promise<{ files: string[]; extra?: Record<string, unknown> }>;
  /**
   * Files of an existing snapshot (e.g. downloaded by Python's huggingface_hub) that make it
   * complete without a deni record; undefined when this resolution cannot be recognised that way.
   */
  fromSnapshot?: (has: (file: string) => boolean) => string[] | undefined;
  /** Further files found only after the first ones are in the cache (the shards an index names). */
  more?: (local: (file: string) => string) => string[];
}

/** The cached resolution of a request, without any network access; undefined when incomplete. */
export async function cachedResolution(
  req: IResolveRequest,
  opts: IHubOptions
): Promise<IResolution | undefined> {
  const folder = repoFolder(hubCacheDir(opts), req.type, req.repo);
  const commit = readRef(folder, req.revision);
  if (!commit) {
    return undefined;
  }
  const done = readResolution(folder, commit, req.name);
  if (done) {
    return done;
  }
  const has = (f: string) => existsSync(snapshotFile(folder, commit, f));
  let files = req.fromSnapshot?.(has);
  if (!files) {
    return undefined;
  }
  files = [
    ...files,
    ...(req.more?.(f => snapshotFile(folder, commit, f)) ?? [])
  ];
  if (!files.every(has)) {
    return undefined;
  }
  // Files another tool put in the standard cache: hash them once and record the result.
  const records: ICachedFile[] = [];
  for (const f of files) {
    const local = snapshotFile(folder, commit, f);
    records.push({
      path: f,
      sha256: await sha256File(local),
      size: statSync(local).size
    });
  }
  const r: IResolution = {
    type: req.type,
    repo: req.repo,
    commit,
    revision: req.revision,
    files: records,
    resolvedAt: new Date().toISOString()
  };
  writeResolution(folder, req.name, r);
  return r;
}

/**
 * Resolves a revision of a repository to a commit and makes every file the request needs present
 * in the standard cache, downloading under a cross-process lock. A complete cache answers without
 * any network access; offline ($HF_HUB_OFFLINE=1) an incomplete one is an error naming what is
 * missing and how to fetch it.
 */
export async function resolveRepo(
  req: IResolveRequest,
  opts: IHubOptions
): Promise<IResolution> {
  const hit = await cachedResolution(req, opts);
  if (hit) {
    return hit;
  }
  const cache = hubCacheDir(opts);
  const folder = repoFolder(cache, req.type, req.repo);
  if (hubOffline(opts)) {
    const commit = readRef(folder, req.revision);
    throw new HubError(
      `offline (HF_HUB_OFFLINE=1) and the ${req.type === 'dataset' ? 'data set' : 'model'} ${req.repo} at revision ${req.revision}` +
        `${commit ? ` (commit ${commit})` : ''} is not complete in the cache ${folder}` +
        `${commit ? '' : ` (no refs/${req.revision} and no snapshot)`}: ${req.fetchHint}, or unset HF_HUB_OFFLINE.`
    );
  }
  return withCacheLock(
    cache,
    `${req.type}s--${req.repo.split('/').join('--')}`,
    async lock => {
      // Another process may have finished it while this one waited for the lock.
      const again = await cachedResolution(req, opts);
      if (again) {
        return again;
      }
      try {
        return await download(lock);
      } catch (e) {
        // A network failure (after the retries) says how to work without one.
        if (
          e instanceof HubError &&
          e.status === undefined &&
          /^cannot (reach|download)/.test(e.message)
        ) {
          throw new HubError(
            `${e.message}. To work without network access: ${req.fetchHint}.`
          );
        }
        throw e;
      }
    },
    opts.onLog
  );

  async function download(lock: ICacheLock): Promise<IResolution> {
    const plan = await req.plan(req.revision);
    if (plan.files.length === 0) {
      throw new HubError(
        `${req.repo}: nothing to download at revision ${req.revision}`
      );
    }
    let commit: string | undefined = isCommit(req.revision)
      ? req.revision
      : undefined;
    const records: ICachedFile[] = [];
    const fetchOne = async (file: string) => {
      const meta = await fileMeta(
        req.type,
        req.repo,
        commit ?? req.revision,
        file,
        opts
      );
      if (commit && meta.commit !== commit) {
        throw new HubError(
          `${req.repo}: ${file} resolved to commit ${meta.commit}, expected ${commit}`
        );
      }
      commit = meta.commit;
      records.push(await cacheFile(req.type, req.repo, file, meta, opts, lock));
    };
    for (const f of plan.files) {
      await fetchOne(f);
    }
    const c = commit as string;
    for (const f of req.more?.(p => snapshotFile(folder, c, p)) ?? []) {
      if (!records.some(r => r.path === f)) {
        await fetchOne(f);
      }
    }
    const r: IResolution = {
      type: req.type,
      repo: req.repo,
      commit: c,
      revision: req.revision,
      files: records,
      extra: plan.extra,
      resolvedAt: new Date().toISOString()
    };
    writeResolution(folder, req.name, r);
    writeRef(folder, req.revision, c);
    return r;
  }
}

/**
 * The complete deni record of `name` in the cache for a revision, without hashing or network
 * (for listings such as `deni datasets`): undefined when not recorded yet.
 */
export function peekResolution(
  type: RepoType,
  repo: string,
  revision: string,
  name: string,
  opts: IHubOptions
): IResolution | undefined {
  const folder = repoFolder(hubCacheDir(opts), type, repo);
  const commit = readRef(folder, revision);
  return commit ? readResolution(folder, commit, name) : undefined;
}
