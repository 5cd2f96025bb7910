import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parquetMetadata, parquetSchema } from 'hyparquet';
import { DataError } from './errors';
import { parquetRows } from './files';
import { type IRawRow, rowsToDataset } from './tabular';
import type { IDataset, ILoadOptions } from './types';
import { type IHubDatasetSpec, lookupHubDataset } from './hub-sets';

export {
  GENERIC_HUB_ID,
  PAPER_DATASETS,
  type IHubDatasetSpec
} from './hub-sets';

/** Hub base URL: option, else $DENI_HF_ENDPOINT, else https://huggingface.co. */
export function hubEndpoint(opts: ILoadOptions = {}): string {
  return (
    opts.endpoint ??
    process.env.DENI_HF_ENDPOINT ??
    'https://huggingface.co'
  ).replace(/\/+$/, '');
}

/** Cache root: option, else $DENI_CACHE, else ~/.cache/jupyterlab-deni/datasets. */
export function hubCacheDir(opts: ILoadOptions = {}): string {
  return (
    opts.cacheDir ??
    process.env.DENI_CACHE ??
    path.join(os.homedir(), '.cache', 'jupyterlab-deni', 'datasets')
  );
}

/** The Hub publishes every dataset's Parquet conversion on this git ref. */
const PARQUET_REF = encodeURIComponent('refs/convert/parquet');

interface IManifest {
  repo: string;
  config: string;
  endpoint: string;
  fetchedAt: string;
  /** Cached files per split, relative to the dataset's cache folder. */
  files: Record<string, string[]>;
}

function datasetDir(spec: IHubDatasetSpec, opts: ILoadOptions): string {
  return path.join(
    hubCacheDir(opts),
    'hub',
    spec.repo.replace('/', '__'),
    spec.config
  );
}

function offlineHelp(spec: IHubDatasetSpec, opts: ILoadOptions): string {
  return (
    `To use "${spec.id}" without network access, pre-fetch it on a machine with internet ` +
    `(\`deni datasets --fetch ${spec.id}\`) and copy its cache folder ${datasetDir(spec, opts)} ` +
    'to the same place here (or point DENI_CACHE at a copy); or export the data to a local file and ' +
    `use { path: "${spec.id}.csv", textColumn: "...", labelColumn: "..." }.`
  );
}

async function httpGet(
  url: string,
  opts: ILoadOptions,
  spec: IHubDatasetSpec
): Promise<Response> {
  const doFetch = opts.fetch ?? fetch;
  const headers: Record<string, string> = {};
  const token = process.env.HF_TOKEN;
  if (token) {
    headers.authorization = `Bearer ${token}`;
  }
  let res: Response;
  try {
    res = await doFetch(url, { headers, redirect: 'follow' });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(
      `cannot download ${url}: ${cause?.code ?? cause?.message ?? (e as Error).message}. ${offlineHelp(spec, opts)}`
    );
  }
  if (!res.ok) {
    throw new Error(
      `cannot download ${url}: HTTP ${res.status} ${res.statusText}` +
        (res.status === 401 || res.status === 403
          ? ' (set HF_TOKEN for gated or private sets)'
          : '') +
        `. ${offlineHelp(spec, opts)}`
    );
  }
  return res;
}

function readManifest(dir: string): IManifest | null {
  const file = path.join(dir, 'manifest.json');
  if (!existsSync(file)) {
    return null;
  }
  const m = JSON.parse(readFileSync(file, 'utf8')) as IManifest;
  for (const files of Object.values(m.files)) {
    for (const f of files) {
      if (!existsSync(path.join(dir, f))) {
        return null;
      }
    }
  }
  return m;
}

/**
 * Downloads the Parquet conversion of a paper data set (every labelled split) into the cache and
 * returns its folder. Files are written under a temporary name and renamed, and the manifest is
 * written last, so an interrupted download is never mistaken for a complete one.
 */
export async function fetchHubDataset(
  name: string,
  opts: ILoadOptions = {}
): Promise<string> {
  const spec = lookupHubDataset(name);
  const dir = datasetDir(spec, opts);
  if (readManifest(dir)) {
    return dir;
  }
  if (opts.offline) {
    throw new Error(
      `"${spec.id}" is not in the cache (${dir}) and offline mode is on. ${offlineHelp(spec, opts)}`
    );
  }
  const endpoint = hubEndpoint(opts);
  const files: Record<string, string[]> = {};
  let splits = spec.splits;
  if (splits.length === 0) {
    const configUrl = `${endpoint}/api/datasets/${spec.repo}/tree/${PARQUET_REF}/${spec.config}`;
    opts.onProgress?.(`listing ${configUrl}`);
    const dirs = (await (await httpGet(configUrl, opts, spec)).json()) as {
      type: string;
      path: string;
    }[];
    splits = dirs
      .filter(e => e.type === 'directory')
      .map(e => path.posix.basename(e.path))
      .sort();
    if (splits.length === 0) {
      throw new Error(
        `${configUrl} lists no splits for config "${spec.config}" of ${spec.repo}`
      );
    }
  }
  for (const split of splits) {
    const listUrl = `${endpoint}/api/datasets/${spec.repo}/tree/${PARQUET_REF}/${spec.config}/${split}`;
    opts.onProgress?.(`listing ${listUrl}`);
    const entries = (await (await httpGet(listUrl, opts, spec)).json()) as {
      type: string;
      path: string;
    }[];
    const parquet = entries
      .filter(e => e.type === 'file' && e.path.endsWith('.parquet'))
      .map(e => e.path)
      .sort();
    if (parquet.length === 0) {
      throw new Error(
        `${listUrl} lists no Parquet files for split "${split}" of ${spec.repo}`
      );
    }
    files[split] = [];
    for (const remote of parquet) {
      const url = `${endpoint}/datasets/${spec.repo}/resolve/${PARQUET_REF}/${remote
        .split('/')
        .map(encodeURIComponent)
        .join('/')}`;
      opts.onProgress?.(`downloading ${url}`);
      const bytes = Buffer.from(
        await (await httpGet(url, opts, spec)).arrayBuffer()
      );
      const local = path.join(split, path.basename(remote));
      mkdirSync(path.join(dir, split), { recursive: true });
      const tmp = path.join(dir, `${local}.${process.pid}.part`);
      writeFileSync(tmp, bytes);
      renameSync(tmp, path.join(dir, local));
      files[split].push(local);
    }
  }
  const manifest: IManifest = {
    repo: spec.repo,
    config: spec.config,
    endpoint,
    fetchedAt: new Date().toISOString(),
    files
  };
  // Written last and atomically: a manifest means every file it lists is complete.
  const tmpManifest = path.join(dir, `manifest.json.${process.pid}.part`);
  writeFileSync(tmpManifest, JSON.stringify(manifest, null, 2));
  renameSync(tmpManifest, path.join(dir, 'manifest.json'));
  return dir;
}

/** The cache folder of a paper set when it has been fetched completely, else undefined. */
export function cachedHubDir(
  name: string,
  opts: ILoadOptions = {}
): string | undefined {
  const dir = datasetDir(lookupHubDataset(name), opts);
  return readManifest(dir) ? dir : undefined;
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
  const dir = await fetchHubDataset(spec.id, opts);
  const manifest = readManifest(dir) as IManifest;
  const rows: IRawRow[] = [];
  const warnings: string[] = [];
  let classNames: string[] | undefined;
  let mapping: { text: string; pair?: string; label: string } | undefined;
  const splits =
    spec.splits.length > 0 ? spec.splits : Object.keys(manifest.files);
  for (const split of splits) {
    for (const local of manifest.files[split] ?? []) {
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
