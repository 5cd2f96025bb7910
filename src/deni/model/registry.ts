import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
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

/** Files a model folder must hold. */
export const REQUIRED_FILES = [
  'config.json',
  'model.safetensors',
  'tokenizer.json'
] as const;
/** Files downloaded when the repository has them. */
const OPTIONAL_FILES = ['tokenizer_config.json'];

/** Cache folder for downloaded models: $DENI_CACHE, else ~/.cache/jupyterlab-deni/models. */
export function cacheDir(): string {
  return (
    process.env.DENI_CACHE ||
    path.join(os.homedir(), '.cache', 'jupyterlab-deni', 'models')
  );
}

/** Base URL of the Hugging Face Hub: $DENI_HF_ENDPOINT, else https://huggingface.co. */
export function hfEndpoint(): string {
  return (process.env.DENI_HF_ENDPOINT || 'https://huggingface.co').replace(
    /\/+$/,
    ''
  );
}

/** True when `dir` holds every required model file. */
export function isModelDir(dir: string): boolean {
  return REQUIRED_FILES.every(f => existsSync(path.join(dir, f)));
}

function cacheFolderOf(id: string, repo: string): string {
  const named = MODELS.find(m => m.name === id);
  return path.join(
    cacheDir(),
    named ? named.name : `hf--${repo.replace(/\//g, '--')}`
  );
}

/** One row of `deni models`: a name, where it lives and whether it is ready offline. */
export interface IModelListing extends IModelEntry {
  dir: string;
  cached: boolean;
}

/** The built-in models and whether each is in the cache (for `deni models`). */
export function listModels(): IModelListing[] {
  return MODELS.map(m => {
    const dir = cacheFolderOf(m.name, m.repo);
    return { ...m, dir, cached: isModelDir(dir) };
  });
}

async function fetchFile(
  url: string,
  dest: string,
  optional: boolean
): Promise<boolean> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'follow' });
  } catch (e) {
    const cause =
      (e as { cause?: { message?: string } }).cause?.message ??
      (e as Error).message;
    throw new Error(`network error fetching ${url}: ${cause}`);
  }
  if (res.status === 404 && optional) {
    return false;
  }
  if (!res.ok) {
    throw new Error(`HTTP ${res.status} ${res.statusText} fetching ${url}`);
  }
  await writeFile(dest, new Uint8Array(await res.arrayBuffer()));
  return true;
}

/**
 * Downloads a Hub repository's model files into `dir` (via a temporary folder renamed at the
 * end, so an interrupted download never looks complete).
 */
export async function downloadModel(
  repo: string,
  dir: string,
  log?: (line: string) => void
): Promise<void> {
  const tmp = `${dir}.partial-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const base = `${hfEndpoint()}/${repo}/resolve/main`;
  try {
    for (const file of REQUIRED_FILES) {
      log?.(`downloading ${base}/${file}`);
      await fetchFile(`${base}/${file}`, path.join(tmp, file), false);
    }
    for (const file of OPTIONAL_FILES) {
      await fetchFile(`${base}/${file}`, path.join(tmp, file), true);
    }
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw new Error(
      `Cannot download model '${repo}' from ${hfEndpoint()}: ${(e as Error).message}. ` +
        `Without internet, put a folder holding ${REQUIRED_FILES.join(', ')} at ${dir} ` +
        "(or pass the folder's path as the model), or pre-fetch on a connected machine and copy " +
        `${cacheDir()}; the default minilm-l6 is prepared offline by 'bash scripts/prepare-models.sh'.`
    );
  }
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.dirname(dir), { recursive: true });
  await rename(tmp, dir);
}

/**
 * Resolves a model id to a local folder holding config.json, model.safetensors and
 * tokenizer.json: a built-in name (see MODELS), `hf:<owner>/<repo>`, or a folder path.
 * Names and hf: ids are served from the cache, downloaded on first use.
 */
export async function resolveModel(
  id: string = DEFAULT_MODEL,
  log?: (line: string) => void
): Promise<string> {
  const named = MODELS.find(m => m.name === id);
  if (named || id.startsWith('hf:')) {
    const repo = named ? named.repo : id.slice(3);
    checkRepoId(repo, `Model id '${id}'`, true);
    const dir = cacheFolderOf(id, repo);
    if (!isModelDir(dir)) {
      await downloadModel(repo, dir, log);
    }
    return dir;
  }
  const dir = path.resolve(id);
  if (existsSync(dir)) {
    if (!isModelDir(dir)) {
      const missing = REQUIRED_FILES.filter(
        f => !existsSync(path.join(dir, f))
      );
      throw new Error(`Model folder ${dir} lacks ${missing.join(', ')}`);
    }
    return dir;
  }
  throw new Error(
    `Unknown model '${id}': use one of ${MODELS.map(m => m.name).join(', ')}, hf:<owner>/<repo>, or a folder path`
  );
}
