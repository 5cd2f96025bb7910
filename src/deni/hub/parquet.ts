import type { IResolution } from './cache';
import { getJson } from './download';
import { HubError } from './errors';
import { resolveRepo } from './resolve';
import type { IHubOptions } from './settings';

/** The git ref the Hub's dataset viewer publishes every dataset's Parquet conversion on. */
export const PARQUET_REF = 'refs/convert/parquet';

/** `/api/datasets/{repo}/parquet`: config -> split -> URLs of the Parquet files. */
export type ParquetListing = Record<string, Record<string, string[]>>;

/** One entry of `/api/datasets/{repo}/tree/{revision}/{path}`. */
export interface ITreeEntry {
  type: 'file' | 'directory';
  path: string;
  size?: number;
  oid?: string;
  lfs?: { oid: string; size: number };
}

/** What a data set needs from the Hub: a config and (for the paper's sets) which splits. */
export interface IParquetRequest {
  repo: string;
  config: string;
  /** Splits to read; undefined = every split the conversion has. */
  splits?: string[];
  /** A commit of refs/convert/parquet (or the ref itself, the default). */
  revision?: string;
  /** How to fetch it on a connected machine (for the offline error). */
  fetchHint: string;
}

/** A data set config resolved to a commit: its Parquet files per split, in the cache. */
export interface IParquetResolution extends IResolution {
  extra: { config: string; splits: Record<string, string[]> };
}

function tree(repo: string, revision: string, dir: string, opts: IHubOptions) {
  return getJson<ITreeEntry[]>(
    'dataset',
    repo,
    `/api/datasets/${repo}/tree/${encodeURIComponent(revision)}/${dir.split('/').map(encodeURIComponent).join('/')}`,
    opts,
    revision
  );
}

/**
 * The dataset viewer converts only the first 5 GB of a larger data set and puts those files in a
 * split folder named `partial-<split>` (e.g. `en/partial-train/0000.parquet`), while the split is
 * still called `<split>` (its documented `/parquet` answer for allenai/c4, recorded/README.md).
 */
const PARTIAL = 'partial-';
const splitName = (folder: string) =>
  folder.startsWith(PARTIAL) ? folder.slice(PARTIAL.length) : folder;

/** The Parquet files of one split: its own folder, or the `partial-` folder of a partial export. */
async function splitFiles(
  repo: string,
  rev: string,
  config: string,
  split: string,
  opts: IHubOptions
): Promise<string[]> {
  let entries: ITreeEntry[];
  try {
    entries = await tree(repo, rev, `${config}/${split}`, opts);
  } catch (e) {
    if (!(e instanceof HubError) || e.code !== 'EntryNotFound') {
      throw e;
    }
    entries = await tree(repo, rev, `${config}/${PARTIAL}${split}`, opts);
  }
  return entries
    .filter(en => en.type === 'file' && en.path.endsWith('.parquet'))
    .map(en => en.path)
    .sort();
}

function noConfig(repo: string, config: string, configs: string[]): HubError {
  return new HubError(
    `the Hub data set ${repo} has no config "${config}"; its configs: ${configs.join(', ')} ` +
      `(choose one as hf:${repo}:<config>)`
  );
}

/**
 * Resolves a config's Parquet conversion: configs and splits from the Hub's Parquet listing (or,
 * at a pinned commit, from the tree of that commit), the files of each split from the tree, each
 * file downloaded and checked against the Hub's headers. Cached answers need no network.
 */
export async function resolveParquet(
  req: IParquetRequest,
  opts: IHubOptions
): Promise<IParquetResolution> {
  const revision = req.revision ?? PARQUET_REF;
  const r = await resolveRepo(
    {
      type: 'dataset',
      repo: req.repo,
      revision,
      name: `parquet-${req.config}`,
      fetchHint: req.fetchHint,
      plan: async rev => {
        let available: string[];
        if (rev === PARQUET_REF) {
          const listing = await getJson<ParquetListing>(
            'dataset',
            req.repo,
            `/api/datasets/${req.repo}/parquet`,
            opts,
            rev
          );
          const splits = listing[req.config];
          if (!splits) {
            throw noConfig(req.repo, req.config, Object.keys(listing).sort());
          }
          available = Object.keys(splits).map(splitName);
        } else {
          const configs = (await tree(req.repo, rev, '', opts))
            .filter(e => e.type === 'directory')
            .map(e => e.path);
          if (!configs.includes(req.config)) {
            throw noConfig(req.repo, req.config, configs.sort());
          }
          available = (await tree(req.repo, rev, req.config, opts))
            .filter(e => e.type === 'directory')
            .map(e => splitName(e.path.split('/').pop() as string));
        }
        const missing = (req.splits ?? []).filter(s => !available.includes(s));
        if (missing.length > 0) {
          throw new HubError(
            `config "${req.config}" of the Hub data set ${req.repo} has no split ${missing.join(', ')}; ` +
              `its splits: ${available.sort().join(', ')}`
          );
        }
        const splits = req.splits ?? available.sort();
        const files: string[] = [];
        const bySplit: Record<string, string[]> = {};
        for (const split of splits) {
          const entries = await splitFiles(
            req.repo,
            rev,
            req.config,
            split,
            opts
          );
          if (entries.length === 0) {
            throw new HubError(
              `${req.repo}: split "${split}" of config "${req.config}" has no Parquet files at ${rev}`
            );
          }
          bySplit[split] = entries;
          files.push(...entries);
        }
        return { files, extra: { config: req.config, splits: bySplit } };
      }
    },
    opts
  );
  return r as IParquetResolution;
}
