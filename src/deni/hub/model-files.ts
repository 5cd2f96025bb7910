import { readFileSync } from 'node:fs';
import type { IResolution } from './cache';
import { getJson } from './download';
import { HubError } from './errors';
import { resolveRepo } from './resolve';
import type { IHubOptions } from './settings';

/** Weight formats deni reads, in order of preference. */
export const SUPPORTED_WEIGHTS = [
  'model.safetensors',
  'model.safetensors.index.json (sharded safetensors)'
] as const;

const OPTIONAL = ['tokenizer_config.json', 'special_tokens_map.json'];

/**
 * Which files of a model repository deni downloads, from its file list: config.json,
 * tokenizer.json and safetensors weights (one file, or an index and its shards). A repository
 * without them gets an error naming the missing file, what it has instead and the supported formats.
 */
export function chooseModelFiles(repo: string, names: string[]): string[] {
  const has = (f: string) => names.includes(f);
  const problems: string[] = [];
  if (!has('config.json')) {
    problems.push('it has no config.json');
  }
  let weights: string | undefined;
  if (has('model.safetensors')) {
    weights = 'model.safetensors';
  } else if (has('model.safetensors.index.json')) {
    weights = 'model.safetensors.index.json';
  } else {
    const other = [
      'pytorch_model.bin',
      'pytorch_model.bin.index.json',
      'tf_model.h5',
      'flax_model.msgpack'
    ].filter(has);
    problems.push(
      `it has no model.safetensors${other.length ? ` (only ${other.join(', ')})` : ''}; deni reads ${SUPPORTED_WEIGHTS.join(' or ')} ` +
        '(convert with transformers: AutoModel.from_pretrained(repo).save_pretrained(dir, safe_serialization=True), then use the folder)'
    );
  }
  if (!has('tokenizer.json')) {
    const other = [
      'vocab.txt',
      'spiece.model',
      'sentencepiece.bpe.model',
      'vocab.json'
    ].filter(has);
    problems.push(
      `it has no tokenizer.json${other.length ? ` (only ${other.join(', ')})` : ''}; deni needs the fast-tokenizer file ` +
        '(write one with transformers: AutoTokenizer.from_pretrained(repo).save_pretrained(dir), then use the folder)'
    );
  }
  if (problems.length > 0) {
    throw new HubError(`model ${repo} cannot be used: ${problems.join('; ')}.`);
  }
  return [
    'config.json',
    'tokenizer.json',
    weights as string,
    ...OPTIONAL.filter(has)
  ];
}

/** The shard files a model.safetensors.index.json names (its weight_map values), sorted. */
export function shardsOf(indexFile: string): string[] {
  const index = JSON.parse(readFileSync(indexFile, 'utf8')) as {
    weight_map?: Record<string, string>;
  };
  if (!index.weight_map) {
    throw new HubError(`${indexFile}: no weight_map`);
  }
  return [...new Set(Object.values(index.weight_map))].sort();
}

/**
 * Resolves a model repository at a revision (default main) into the standard cache: the commit
 * and file list from `/api/models/{repo}/revision/{revision}`, then each file. A snapshot already
 * in the cache (downloaded by Python too) is used without network access.
 */
export function resolveModelRepo(
  repo: string,
  revision: string | undefined,
  fetchHint: string,
  opts: IHubOptions
): Promise<IResolution> {
  return resolveRepo(
    {
      type: 'model',
      repo,
      revision: revision ?? 'main',
      name: 'model',
      fetchHint,
      plan: async rev => {
        const info = await getJson<{
          sha?: string;
          siblings?: { rfilename: string }[];
        }>(
          'model',
          repo,
          `/api/models/${repo}/revision/${encodeURIComponent(rev)}`,
          opts,
          rev
        );
        return {
          files: chooseModelFiles(
            repo,
            (info.siblings ?? []).map(s => s.rfilename)
          )
        };
      },
      fromSnapshot: has => {
        const weights = has('model.safetensors')
          ? 'model.safetensors'
          : has('model.safetensors.index.json')
            ? 'model.safetensors.index.json'
            : undefined;
        return has('config.json') && has('tokenizer.json') && weights
          ? ['config.json', 'tokenizer.json', weights, ...OPTIONAL.filter(has)]
          : undefined;
      },
      more: local => {
        try {
          return shardsOf(local('model.safetensors.index.json'));
        } catch {
          return [];
        }
      }
    },
    opts
  );
}
