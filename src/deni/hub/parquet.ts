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
          available = Object.keys(splits);
        } else {
          const configs = (await tree(req.repo, rev, '', opts))
            .filter(e => e.type === 'directory')
            .map(e => e.path);
          if (!configs.includes(req.config)) {
            throw noConfig(req.repo, req.config, configs.sort());
          }
          available = (await tree(req.repo, rev, req.config, opts))
            .filter(e => e.type === 'directory')
            .map(e => e.path.split('/').pop() as string);
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
          const entries = (
            await tree(req.repo, rev, `${req.config}/${split}`, opts)
          )
            .filter(e => e.type === 'file' && e.path.endsWith('.parquet'))
            .map(e => e.path)
            .sort();
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
