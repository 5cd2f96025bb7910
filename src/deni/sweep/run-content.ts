/**
 * What a run reads, by content: a local data file's bytes, a local model folder's files, the
 * package version for built-in data. The fingerprints go into each RunSpec's `content` field and
 * so into its key: an edited CSV or retrained checkpoint gets new keys (the old results stay
 * stored under the old ones). Hub data and models are fingerprinted by their resolver (the
 * resolved revision and checksums), through {@link IContentResolvers}.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { DatasetRef, ISweepSpec } from '../contract/types';

/** Fingerprints of what one run reads: `data`, `model` (each `sha256:<hex>` or a version tag). */
export type RunContent = Record<string, string>;

/** A setup mistake found while fingerprinting (a missing file, a folder given as a data file). */
export class RunContentError extends Error {
  constructor(
    message: string,
    /** JSON pointer of the spec field at fault. */
    readonly pointer: string
  ) {
    super(message);
    this.name = 'RunContentError';
  }
}

/** Extra fingerprints for references this module does not resolve (Hub data sets and models). */
export interface IContentResolvers {
  /** e.g. `hub@<commit sha>` for `hf:` data; undefined = no fingerprint. */
  dataset?: (ref: DatasetRef) => Promise<string | undefined>;
  model?: (id: string) => Promise<string | undefined>;
}

const cache = new Map<string, string>();

/** SHA-256 of a file, cached per (path, size, mtime) within the process. */
export async function fileDigest(file: string): Promise<string> {
  const st = statSync(file);
  const memo = `${file}:${st.size}:${st.mtimeMs}`;
  const hit = cache.get(memo);
  if (hit) {
    return hit;
  }
  const hash = createHash('sha256');
  await new Promise<void>((resolve, reject) => {
    createReadStream(file)
      .on('data', chunk => hash.update(chunk))
      .on('end', resolve)
      .on('error', reject);
  });
  const digest = `sha256:${hash.digest('hex')}`;
  cache.set(memo, digest);
  return digest;
}

/** Files of a model folder that decide what a run computes. */
const MODEL_FILES = [
  'config.json',
  'model.safetensors',
  'tokenizer.json',
  'tokenizer_config.json'
];

/** Combined digest of a local model folder's files (absent optional files are skipped). */
export async function modelFolderDigest(dir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const name of MODEL_FILES) {
    const file = path.join(dir, name);
    if (existsSync(file)) {
      hash.update(`${name}=${await fileDigest(file)}\n`);
    }
  }
  return `sha256:${hash.digest('hex')}`;
}

/** Path of a local data file reference, or undefined for named sets. */
function localDataFile(ref: DatasetRef): string | undefined {
  if (typeof ref !== 'string') {
    return ref.path;
  }
  if (ref.startsWith('file:')) {
    return ref.slice('file:'.length);
  }
  if (
    /\.(csv|tsv|jsonl|ndjson|parquet)$/i.test(ref) &&
    !ref.startsWith('hf:')
  ) {
    return ref;
  }
  return undefined;
}

/** Whether a model id names a local folder (not a built-in name or `hf:` id). */
function localModelFolder(
  id: string,
  builtinModels: readonly string[]
): string | undefined {
  if (builtinModels.includes(id) || id.startsWith('hf:')) {
    return undefined;
  }
  return path.resolve(id);
}

/** Options of {@link resolveRunContent}. */
export interface IRunContentOptions extends IContentResolvers {
  /** Base folder of relative paths (default process.cwd()). */
  cwd?: string;
  /** Names of built-in models (downloaded by name: fingerprinted by the resolver, if any). */
  builtinModels?: readonly string[];
  /** For a built-in data set id, the pinned package it is read from (`npm name@version`). */
  builtinData?: (id: string) => string | undefined;
}

/**
 * Fingerprints every data set and model of a sweep; returns the lookup expandSweep uses. A local
 * data file that is missing or is a folder is a {@link RunContentError} naming the path.
 */
export async function resolveRunContent(
  spec: ISweepSpec,
  options: IRunContentOptions = {}
): Promise<(dataset: DatasetRef, model: string) => RunContent | undefined> {
  const cwd = options.cwd ?? process.cwd();
  const datasets = Array.isArray(spec.dataset) ? spec.dataset : [spec.dataset];
  const models = Array.isArray(spec.model) ? spec.model : [spec.model];
  const dataPrint = new Map<DatasetRef, string | undefined>();
  for (const [i, ref] of datasets.entries()) {
    const pointer = Array.isArray(spec.dataset) ? `/dataset/${i}` : '/dataset';
    const local = localDataFile(ref);
    if (local !== undefined) {
      const file = path.resolve(cwd, local);
      const st = statSync(file, { throwIfNoEntry: false });
      if (!st) {
        throw new RunContentError(`data file ${file} does not exist`, pointer);
      }
      if (st.isDirectory()) {
        throw new RunContentError(
          `${file} is a folder, not a data file; give the path of a .csv, .tsv, .jsonl or .parquet file`,
          pointer
        );
      }
      dataPrint.set(ref, await fileDigest(file));
    } else if (typeof ref === 'string' && options.builtinData?.(ref)) {
      dataPrint.set(ref, `builtin ${options.builtinData(ref)}`);
    } else {
      dataPrint.set(ref, await options.dataset?.(ref));
    }
  }
  const modelPrint = new Map<string, string | undefined>();
  for (const id of models) {
    const folder = localModelFolder(id, options.builtinModels ?? []);
    if (
      folder !== undefined &&
      existsSync(folder) &&
      statSync(folder).isDirectory()
    ) {
      modelPrint.set(id, await modelFolderDigest(folder));
    } else {
      modelPrint.set(id, await options.model?.(id));
    }
  }
  return (dataset, model) => {
    const content: RunContent = {};
    const data = dataPrint.get(dataset);
    const weights = modelPrint.get(model);
    if (data) {
      content.data = data;
    }
    if (weights) {
      content.model = weights;
    }
    return Object.keys(content).length > 0 ? content : undefined;
  };
}
