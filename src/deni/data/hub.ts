import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  hubCacheDir,
  type IParquetRequest,
  type IParquetResolution,
  PARQUET_REF,
  peekResolution,
  repoFolder,
  resolveParquet
} from '../hub';
import { parquetMetadata, parquetSchema } from 'hyparquet';
import { DataError } from './errors';
import { parquetRows } from './files';
import { type IRawRow, rowsToDataset } from './tabular';
import type { IDataset, ILoadOptions } from './types';
import { type IHubDatasetSpec, lookupHubDataset } from './hub-sets';

export { hubCacheDir, hubEndpoint } from '../hub';
export {
  GENERIC_HUB_ID,
  PAPER_DATASETS,
  type IHubDatasetSpec
} from './hub-sets';

/** How to get a Hub set into the cache on a connected machine (for offline errors). */
function fetchHint(spec: IHubDatasetSpec): string {
  return (
    `run \`deni datasets --fetch ${spec.id}\` on a machine with internet and copy its Hub cache folder ` +
    `(datasets--${spec.repo.replace('/', '--')}) into this one's (HF_HUB_CACHE / HF_HOME), or export the data to a ` +
    `local file and use { path: "${spec.id.replace(/[^\w.-]/g, '_')}.csv", textColumn: "...", labelColumn: "..." }`
  );
}

function request(spec: IHubDatasetSpec, opts: ILoadOptions): IParquetRequest {
  return {
    repo: spec.repo,
    config: spec.config,
    splits: spec.splits.length > 0 ? spec.splits : undefined,
    revision: opts.revision,
    fetchHint: fetchHint(spec)
  };
}

/**
 * Resolves a Hub data set to a commit of its Parquet conversion and makes its files present in
 * the standard Hub cache (downloading once, under a lock, checked against the Hub's hashes). A
 * complete cache answers without network access.
 */
export async function fetchHubDataset(
  name: string,
  opts: ILoadOptions = {}
): Promise<IParquetResolution> {
  const spec = lookupHubDataset(name);
  return resolveParquet(request(spec, opts), opts);
}

/** The cached resolution of a Hub set (no network, no hashing), else undefined. */
export function cachedHubDataset(
  name: string,
  opts: ILoadOptions = {}
): IParquetResolution | undefined {
  const spec = lookupHubDataset(name);
  return peekResolution(
    'dataset',
    spec.repo,
    opts.revision ?? PARQUET_REF,
    `parquet-${spec.config}`,
    opts
  ) as IParquetResolution | undefined;
}

/** The snapshot folder of a cached Hub set, else undefined. */
export function cachedHubDir(
  name: string,
  opts: ILoadOptions = {}
): string | undefined {
  const r = cachedHubDataset(name, opts);
  return r
    ? path.join(
        repoFolder(hubCacheDir(opts), 'dataset', r.repo),
        'snapshots',
        r.commit
      )
    : undefined;
}

function pick(
  candidates: string[] | undefined,
  columns: Set<string>
): string | undefined {
  return candidates?.find(c => columns.has(c)) ?? candidates?.[0];
}

/**
 * Loads a paper data set from the cache, downloading it first when missing (unless offline).
 * All labelled splits are pooled; the protocol split happens later (paperSplit).
 */
export async function loadHubDataset(
  name: string,
  opts: ILoadOptions = {}
): Promise<IDataset> {
  const spec = lookupHubDataset(name);
  const resolution = await fetchHubDataset(spec.id, opts);
  const dir = path.join(
    repoFolder(hubCacheDir(opts), 'dataset', spec.repo),
    'snapshots',
    resolution.commit
  );
  const rows: IRawRow[] = [];
  const warnings: string[] = [];
  let classNames: string[] | undefined;
  let mapping: { text: string; pair?: string; label: string } | undefined;
  const splits = Object.keys(resolution.extra.splits);
  for (const split of splits) {
    for (const local of resolution.extra.splits[split] ?? []) {
      const file = path.join(dir, local);
      const buf = readFileSync(file);
      const bytes = buf.buffer.slice(
        buf.byteOffset,
        buf.byteOffset + buf.byteLength
      );
      if (!mapping) {
        const meta = parquetMetadata(bytes);
        const cols = new Set(
          parquetSchema(meta).children.map(c => c.element.name)
        );
        mapping = {
          text: pick(spec.text, cols) as string,
          // A generic set has a pair only when one of the pair columns exists.
          pair: spec.generic
            ? spec.pair?.find(c => cols.has(c))
            : pick(spec.pair, cols),
          label: pick(spec.label, cols) as string
        };
        classNames = hubClassNames(meta.key_value_metadata, mapping.label);
        if (
          classNames &&
          spec.labels.length > 0 &&
          !sameSet(classNames, spec.labels)
        ) {
          warnings.push(
            `${file}: the Hub's class names (${classNames.join(', ')}) differ from the card's (${spec.labels.join(', ')}); labels are read as indices`
          );
          classNames = undefined;
        }
      }
      const part = await parquetRows(file, bytes, [
        { role: 'text', name: mapping.text },
        { role: 'pair', name: mapping.pair },
        { role: 'label', name: mapping.label }
      ]);
      for (const r of part) {
        const values = { ...r.values };
        const v = values[mapping.label];
        // ClassLabel indices become names, so the card's class order holds whatever order the Hub uses.
        if (
          classNames &&
          (typeof v === 'bigint' || typeof v === 'number') &&
          Number(v) >= 0
        ) {
          values[mapping.label] = classNames[Number(v)] ?? v;
        }
        rows.push({ values, row: r.row, where: `${local} ${r.where}` });
      }
    }
  }
  if (!mapping) {
    throw new DataError(
      `${dir}: the cache holds no Parquet files for "${spec.id}"`,
      { file: dir }
    );
  }
  const ds = rowsToDataset(
    spec.id,
    rows,
    {
      file: dir,
      textColumn: mapping.text,
      pairColumn: mapping.pair,
      labelColumn: mapping.label,
      labels: spec.labels.length > 0 ? spec.labels : classNames,
      dropUnlabelled: true,
      warnReplacementChar: true
    },
    spec.maxLength
  );
  ds.warnings.unshift(...warnings);
  return ds;
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every(x => b.includes(x));
}

/**
 * Class names of a ClassLabel column, from the `huggingface` key-value metadata that the Hub's
 * Parquet conversion (like the `datasets` library) writes into each file's footer; undefined
 * when absent.
 */
export function hubClassNames(
  kv: { key: string; value?: string }[] | undefined,
  column: string
): string[] | undefined {
  const raw = kv?.find(e => e.key === 'huggingface')?.value;
  if (!raw) {
    return undefined;
  }
  try {
    const info = JSON.parse(raw) as {
      info?: {
        features?: Record<string, { _type?: string; names?: unknown }>;
      };
    };
    const feature = info.info?.features?.[column];
    if (feature?._type === 'ClassLabel' && Array.isArray(feature.names)) {
      return feature.names.map(String);
    }
  } catch {
    // Unreadable metadata only loses the name mapping; indices still load.
  }
  return undefined;
}
