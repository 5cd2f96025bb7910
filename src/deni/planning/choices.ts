import { statSync } from 'node:fs';
import path from 'node:path';
import { cachedHubDir, listDatasets } from '../data';
import { listModels } from '../model';

/** A data set the widget's picker offers (what `deni datasets --json` lists). */
export interface IDatasetChoice {
  id: string;
  name: string;
  /** `builtin`: offline in a package; `hub`: a paper set from the Hugging Face Hub. */
  source: string;
  classes: number;
  /** Labelled samples (hub sets: as documented). */
  size: number;
  maxLength: number;
  /** `offline` (built-in), `cached` (hub set fetched here) or `download` (needs the Hub once). */
  availability: 'offline' | 'cached' | 'download';
}

/** A model the widget's picker offers (what `deni models --json` lists). */
export interface IModelChoice {
  name: string;
  repo: string;
  description: string;
  cached: boolean;
  dir: string;
  /** The Hub commit of the cached snapshot (absent for prepared folders). */
  commit?: string;
  /** Bytes of model.safetensors when cached. */
  sizeBytes?: number;
}

/** Every named data set with where it is available (built-in, cached, needs a download). */
export function datasetChoices(): IDatasetChoice[] {
  return listDatasets().map(c => ({
    id: c.id,
    name: c.name,
    source: c.source,
    classes: c.classes.length,
    size: c.size,
    maxLength: c.maxLength,
    availability:
      c.source !== 'hub'
        ? 'offline'
        : cachedHubDir(c.id)
          ? 'cached'
          : 'download'
  }));
}

/** Every built-in model, whether it is cached here and the size of its weights. */
export function modelChoices(): IModelChoice[] {
  return listModels().map(m => {
    let sizeBytes: number | undefined;
    if (m.cached) {
      try {
        sizeBytes = statSync(path.join(m.dir, 'model.safetensors')).size;
      } catch {
        sizeBytes = undefined;
      }
    }
    return {
      name: m.name,
      repo: m.repo,
      description: m.description,
      cached: m.cached,
      dir: m.dir,
      ...(m.commit ? { commit: m.commit } : {}),
      ...(sizeBytes !== undefined ? { sizeBytes } : {})
    };
  });
}
