import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  hubCacheDir,
  hubEndpoint,
  type IHubOptions,
  peekResolution,
  repoFolder,
  resolveModelRepo,
  SUPPORTED_WEIGHTS
} from '../hub';
import type { IHubPin } from '../hub';
import { checkRepoId } from '../data/repo-id';

/** A named model the registry knows. */
export interface IModelEntry {
  name: string;
  /** Hugging Face repository the files come from. */
  repo: string;
  description: string;
}

/** Built-in names; `minilm-l6` is the default and is prepared offline by scripts/prepare-models.sh. */
export const MODELS: readonly IModelEntry[] = [
  {
    name: 'minilm-l6',
    repo: 'sentence-transformers/all-MiniLM-L6-v2',
    description:
      'all-MiniLM-L6-v2 (BERT, 6 layers, hidden 384, 22M parameters); the default'
  },
  {
    name: 'bert-base-uncased',
    repo: 'google-bert/bert-base-uncased',
    description: 'BERT base uncased (110M)'
  },
  {
    name: 'roberta-base',
    repo: 'FacebookAI/roberta-base',
    description: 'RoBERTa base (125M)'
  },
  {
    name: 'albert-base-v2',
    repo: 'albert/albert-base-v2',
    description: 'ALBERT base v2 (12M, shared layers)'
  }
];

/** The default model name. */
export const DEFAULT_MODEL = 'minilm-l6';

/** Files a model folder must hold (weights: model.safetensors or a sharded index, see WEIGHT_FILES). */
export const REQUIRED_FILES = [
  'config.json',
  'model.safetensors',
  'tokenizer.json'
] as const;

/** Safetensors weights deni reads: one file, or an index naming shards (sharded checkpoints). */
export const WEIGHT_FILES = [
  'model.safetensors',
  'model.safetensors.index.json'
] as const;

/**
 * Folder of models prepared outside the Hub cache ($DENI_CACHE, else
 * ~/.cache/jupyterlab-deni/models): `scripts/prepare-models.sh` puts minilm-l6 there offline.
 */
export function cacheDir(): string {
  return (
    process.env.DENI_CACHE ||
    path.join(os.homedir(), '.cache', 'jupyterlab-deni', 'models')
  );
}

/** Base URL of the Hugging Face Hub ($HF_ENDPOINT; see src/deni/hub). */
export function hfEndpoint(): string {
  return hubEndpoint();
}

/** What a model folder lacks (config, tokenizer, safetensors weights); empty when complete. */
export function missingModelFiles(dir: string): string[] {
  const missing: string[] = [];
  for (const f of ['config.json', 'tokenizer.json']) {
    if (!existsSync(path.join(dir, f))) {
      missing.push(f);
    }
  }
  if (!WEIGHT_FILES.some(f => existsSync(path.join(dir, f)))) {
    missing.push(WEIGHT_FILES.join(' or '));
  }
  return missing;
}

/** True when `dir` holds config.json, tokenizer.json and safetensors weights. */
export function isModelDir(dir: string): boolean {
  return missingModelFiles(dir).length === 0;
}

/** A named model's folder outside the Hub cache (prepared offline), when complete. */
function preparedFolder(name: string): string | undefined {
  const dir = path.join(cacheDir(), name);
  return MODELS.some(m => m.name === name) && isModelDir(dir) ? dir : undefined;
}

/** One row of `deni models`: a name, where it lives, whether it is ready offline and at which commit. */
export interface IModelListing extends IModelEntry {
  dir: string;
  cached: boolean;
  /** Commit of the Hub snapshot in the cache (undefined for a prepared folder or when not cached). */
  commit?: string;
}

/** The built-in models and whether each is in the cache (for `deni models`). */
export function listModels(opts: IHubOptions = {}): IModelListing[] {
  return MODELS.map(m => {
    const prepared = preparedFolder(m.name);
    if (prepared) {
      return { ...m, dir: prepared, cached: true };
    }
    const r = peekResolution('model', m.repo, 'main', 'model', opts);
    const dir = r
      ? path.join(
          repoFolder(hubCacheDir(opts), 'model', m.repo),
          'snapshots',
          r.commit
        )
      : repoFolder(hubCacheDir(opts), 'model', m.repo);
    return { ...m, dir, cached: r !== undefined, commit: r?.commit };
  });
}

/** A model resolved to a folder, and the Hub commit and file checksums it came from. */
export interface IResolvedModel {
  dir: string;
  /** Set for models from the Hub: what a run's key records. */
  hub?: IHubPin;
}

/** Options of resolveModel: the Hub settings (see src/deni/hub) and a revision. */
export interface IModelOptions extends IHubOptions {
  /** Branch, tag or commit; default: the commit recorded on first download, else main. */
  revision?: string;
}

/**
 * Resolves a model id to a folder holding config.json, tokenizer.json and safetensors weights:
 * a built-in name (see MODELS; a folder prepared by scripts/prepare-models.sh wins), `hf:<owner>/<repo>`,
 * or a folder path. Names and hf: ids come from the standard Hub cache, downloaded on first use
 * (once, under a lock; see src/deni/hub) and reused at the same commit afterwards.
 */
export async function resolveModelPinned(
  id: string = DEFAULT_MODEL,
  opts: IModelOptions = {}
): Promise<IResolvedModel> {
  const named = MODELS.find(m => m.name === id);
  if (named || id.startsWith('hf:')) {
    const prepared =
      named && !opts.revision ? preparedFolder(named.name) : undefined;
    if (prepared) {
      return { dir: prepared };
    }
    const repo = named ? named.repo : id.slice(3);
    checkRepoId(repo, `Model id '${id}'`, true);
    const hint =
      `run \`deni models --fetch ${id}\` (or \`hf download ${repo}\`) on a machine with internet and copy its ` +
      `Hub cache folder (models--${repo.replace('/', '--')}) into this one's (HF_HUB_CACHE / HF_HOME), or pass a ` +
      'folder holding config.json, tokenizer.json and model.safetensors as the model' +
      (id === DEFAULT_MODEL
        ? "; the default minilm-l6 is prepared offline by 'bash scripts/prepare-models.sh'"
        : '');
    const r = await resolveModelRepo(repo, opts.revision, hint, opts);
    const dir = path.join(
      repoFolder(hubCacheDir(opts), 'model', repo),
      'snapshots',
      r.commit
    );
    return {
      dir,
      hub: {
        repo,
        commit: r.commit,
        files: Object.fromEntries(r.files.map(f => [f.path, f.sha256]))
      }
    };
  }
  const dir = path.resolve(id);
  if (existsSync(dir)) {
    const missing = missingModelFiles(dir);
    if (missing.length > 0) {
      const hasBin = existsSync(path.join(dir, 'pytorch_model.bin'));
      throw new Error(
        `Model folder ${dir} lacks ${missing.join(', ')}` +
          (hasBin && missing.some(m => m.includes('safetensors'))
            ? ` (it has pytorch_model.bin; deni reads ${SUPPORTED_WEIGHTS.join(' or ')}: save it with transformers' save_pretrained(dir, safe_serialization=True))`
            : '')
      );
    }
    return { dir };
  }
  throw new Error(
    `Unknown model '${id}': use one of ${MODELS.map(m => m.name).join(', ')}, hf:<owner>/<repo>, or a folder path`
  );
}

/** resolveModelPinned's folder (a log callback receives download lines). */
export async function resolveModel(
  id: string = DEFAULT_MODEL,
  log?: (line: string) => void,
  opts: IModelOptions = {}
): Promise<string> {
  return (await resolveModelPinned(id, { onLog: log, ...opts })).dir;
}
