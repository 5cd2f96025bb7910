import { statSync } from 'node:fs';
import path from 'node:path';
import { BUILTIN_DATASETS } from './builtin';
import { loadFile } from './files';
import {
  GENERIC_HUB_ID,
  hubCacheDir,
  loadHubDataset,
  PAPER_DATASETS
} from './hub';
import { checkRepoId } from './repo-id';
import type { IDataset, IDatasetFileSpec, ILoadOptions } from './types';

/** Built-in id, paper (Hub) id, or a local file with its column mapping. */
export type ParsedDatasetSpec =
  | { kind: 'builtin'; id: string }
  | { kind: 'hub'; id: string }
  | { kind: 'file'; spec: IDatasetFileSpec };

const FILE_EXT = /\.(csv|tsv|jsonl|ndjson|parquet)$/i;

/**
 * Resolves a data set reference: a built-in id (`uci-sentiment`), a paper name (`sst2`,
 * `hf:sst2`), any Hub dataset with a Parquet conversion (`hf:owner/name[:config]`), `file:<path>` or a path ending in .csv/.tsv/.jsonl/.parquet (columns `text` and
 * `label`), or a full IDatasetFileSpec.
 */
export function parseDatasetSpec(
  spec: string | IDatasetFileSpec
): ParsedDatasetSpec {
  if (typeof spec !== 'string') {
    if (!spec.path || !spec.textColumn || !spec.labelColumn) {
      throw new Error(
        `a data file spec needs path, textColumn and labelColumn, got ${JSON.stringify(spec)}`
      );
    }
    return { kind: 'file', spec };
  }
  if (BUILTIN_DATASETS[spec]) {
    return { kind: 'builtin', id: spec };
  }
  const hubId = spec.replace(/^hf:/, '');
  if (PAPER_DATASETS[hubId]) {
    return { kind: 'hub', id: hubId };
  }
  if (spec.startsWith('hf:')) {
    // Checked before any request: no `..`, no empty parts (repo-id.ts).
    checkRepoId(
      spec.slice(3).split(':')[0],
      `data set ${JSON.stringify(spec)}`
    );
  }
  if (GENERIC_HUB_ID.test(spec)) {
    return { kind: 'hub', id: spec };
  }
  if (spec.startsWith('file:') || FILE_EXT.test(spec)) {
    return {
      kind: 'file',
      spec: {
        path: spec.replace(/^file:/, ''),
        textColumn: 'text',
        labelColumn: 'label'
      }
    };
  }
  throw new Error(
    `unknown data set "${spec}"; built-in: ${Object.keys(BUILTIN_DATASETS).join(', ')}; ` +
      `paper (Hugging Face Hub): ${Object.keys(PAPER_DATASETS).join(', ')}; any Hub set as hf:owner/name[:config]; ` +
      'or a local .csv/.tsv/.jsonl/.parquet file (see `deni datasets`)'
  );
}

/**
 * A stable string naming the data a spec refers to (for run keys and messages): the id for named
 * sets, the absolute path plus column mapping for files.
 */
export function datasetKey(spec: string | IDatasetFileSpec): string {
  const p = parseDatasetSpec(spec);
  if (p.kind !== 'file') {
    return p.id;
  }
  const s = p.spec;
  return `file:${path.resolve(s.path)}#text=${s.textColumn}${s.pairColumn ? `&pair=${s.pairColumn}` : ''}&label=${s.labelColumn}`;
}

/**
 * Loaded sets, per process: sweep workers load the same set for every run, and the largest
 * built-in (SpamAssassin) or Hub set takes seconds to parse.
 */
const memo = new Map<string, IDataset>();

function memoKey(p: ParsedDatasetSpec, opts: ILoadOptions): string {
  if (p.kind === 'builtin') {
    return `builtin:${p.id}`;
  }
  if (p.kind === 'hub') {
    return `hub:${p.id}:${hubCacheDir(opts)}:${opts.revision ?? ''}`;
  }
  const file = path.resolve(p.spec.path);
  // A changed file (size or modification time) is read again.
  const st = statSync(file, { throwIfNoEntry: false });
  return `file:${JSON.stringify(p.spec)}:${file}:${st?.size}:${st?.mtimeMs}`;
}

/** Copies the arrays so callers may reorder or extend them without touching the memo. */
function copy(ds: IDataset): IDataset {
  return {
    ...ds,
    labels: ds.labels.slice(),
    examples: ds.examples.slice(),
    warnings: ds.warnings.slice()
  };
}

/**
 * Loads every labelled sample of a data set (pooled); split it with paperSplit. Loads are
 * memoised per process: each call gets fresh arrays, but the sample objects are shared and frozen.
 */
export async function loadDataset(
  spec: string | IDatasetFileSpec,
  opts: ILoadOptions = {}
): Promise<IDataset> {
  const p = parseDatasetSpec(spec);
  const key = memoKey(p, opts);
  const hit = memo.get(key);
  if (hit) {
    return copy(hit);
  }
  let ds: IDataset;
  if (p.kind === 'builtin') {
    ds = BUILTIN_DATASETS[p.id].load();
  } else if (p.kind === 'hub') {
    ds = await loadHubDataset(p.id, opts);
  } else {
    ds = await loadFile(p.spec);
  }
  for (const e of ds.examples) {
    Object.freeze(e);
  }
  memo.set(key, ds);
  return copy(ds);
}
