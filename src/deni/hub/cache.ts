import { createHash, randomBytes } from 'node:crypto';
import {
  copyFileSync,
  createReadStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
  writeFileSync
} from 'node:fs';
import path from 'node:path';
import type { RepoType } from './errors';

/**
 * The standard Hub cache layout (huggingface_hub's, so Python and deni share downloads):
 * `{cache}/{models|datasets}--owner--name/` with `blobs/<etag>` (file contents, named by the Hub's
 * ETag: the sha256 of LFS files, the git blob sha1 of small ones), `snapshots/<commit>/<path>`
 * (relative symlinks into blobs) and `refs/<revision>` (a branch's or ref's commit).
 */
export function repoFolder(
  cacheDir: string,
  type: RepoType,
  repo: string
): string {
  return path.join(cacheDir, `${type}s--${repo.split('/').join('--')}`);
}

/** A full 40-hex commit id (anything else is a branch, tag or ref to resolve). */
export function isCommit(revision: string): boolean {
  return /^[0-9a-f]{40}$/.test(revision);
}

/** The commit a revision names in the cache: itself for a commit, else what `refs/<revision>` holds. */
export function readRef(folder: string, revision: string): string | undefined {
  if (isCommit(revision)) {
    return revision;
  }
  const file = path.join(folder, 'refs', revision);
  if (!existsSync(file)) {
    return undefined;
  }
  const commit = readFileSync(file, 'utf8').trim();
  return isCommit(commit) ? commit : undefined;
}

/** Writes `refs/<revision>` atomically (a ref such as refs/convert/parquet nests folders, as in huggingface_hub). */
export function writeRef(
  folder: string,
  revision: string,
  commit: string
): void {
  if (isCommit(revision)) {
    return;
  }
  writeAtomic(path.join(folder, 'refs', revision), commit);
}

/** Writes a file through a uniquely named temporary file and a rename, so readers never see half of it. */
export function writeAtomic(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Path of a repository file inside a snapshot. */
export function snapshotFile(
  folder: string,
  commit: string,
  file: string
): string {
  return path.join(folder, 'snapshots', commit, ...file.split('/'));
}

/** Path of a blob. */
export function blobFile(folder: string, etag: string): string {
  return path.join(folder, 'blobs', etag);
}

/** The 16 hex characters that name a repository file in its partial download's name. */
export function partialKey(file: string): string {
  return createHash('sha256').update(file).digest('hex').slice(0, 16);
}

/**
 * Where an unfinished download of `file` (content `etag`) waits to be resumed:
 * `blobs/<etag>.<key>.incomplete`, key = `partialKey(file)`. Deterministic, so a later attempt or
 * a later process (after one was killed) finds it and asks for the remaining bytes only; named by
 * the etag, the Hub's content hash, so bytes of one version are never continued with another's.
 * Not huggingface_hub's own `blobs/<etag>.incomplete`: Python guards that name with its own file
 * lock (`filelock` on `.locks/<repo folder>/<etag>.lock`), which deni cannot take, and two writers
 * appending to one file corrupt it (or, once Python has renamed it into place, the finished blob).
 * The key lets a download find and delete the partial left for an older version of the same file.
 */
export function partialFile(
  folder: string,
  etag: string,
  file: string
): string {
  return `${blobFile(folder, etag)}.${partialKey(file)}.incomplete`;
}

/**
 * Makes `snapshots/<commit>/<file>` point at its blob: a relative symlink as huggingface_hub
 * makes, or a copy where symlinks are not allowed.
 */
export function linkSnapshot(
  folder: string,
  commit: string,
  file: string,
  etag: string
): string {
  const dest = snapshotFile(folder, commit, file);
  if (existsSync(dest)) {
    return dest;
  }
  mkdirSync(path.dirname(dest), { recursive: true });
  const blob = blobFile(folder, etag);
  const tmp = `${dest}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    symlinkSync(path.relative(path.dirname(dest), blob), tmp);
  } catch {
    copyFileSync(blob, tmp);
  }
  renameSync(tmp, dest);
  return dest;
}

/** SHA-256 (hex) of a file, streamed. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

/** One downloaded (or reused) file: what a run's key records about it. */
export interface ICachedFile {
  /** Path inside the repository. */
  path: string;
  sha256: string;
  size: number;
}

/**
 * The record deni writes once every file of a resolution (a model's files, a data set config's
 * Parquet files) is in the snapshot: `{folder}/.deni/<commit>/<name>.json`. Files outside the
 * standard layout's names, so Python's cache tools ignore it.
 */
export interface IResolution {
  type: RepoType;
  repo: string;
  commit: string;
  /** The revision asked for (branch, ref or commit). */
  revision: string;
  files: ICachedFile[];
  /** Extra facts (a data set's config and splits). */
  extra?: Record<string, unknown>;
  resolvedAt: string;
}

function manifestFile(folder: string, commit: string, name: string): string {
  return path.join(folder, '.deni', commit, `${name}.json`);
}

/** The complete resolution `name` at `commit`, or undefined when absent or a file is missing. */
export function readResolution(
  folder: string,
  commit: string,
  name: string
): IResolution | undefined {
  const file = manifestFile(folder, commit, name);
  if (!existsSync(file)) {
    return undefined;
  }
  const r = JSON.parse(readFileSync(file, 'utf8')) as IResolution;
  for (const f of r.files) {
    const local = snapshotFile(folder, commit, f.path);
    if (!existsSync(local) || statSync(local).size !== f.size) {
      return undefined;
    }
  }
  return r;
}

/** Records a complete resolution (written last: its presence means every file is in place). */
export function writeResolution(
  folder: string,
  name: string,
  r: IResolution
): void {
  writeAtomic(manifestFile(folder, r.commit, name), JSON.stringify(r, null, 2));
}
