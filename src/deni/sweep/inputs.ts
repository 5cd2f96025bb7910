/**
 * Resolving a sweep's Hugging Face Hub inputs once, in the sweep process, before any worker
 * starts: every Hub data set and model is resolved to a commit and downloaded into the standard
 * cache (under a cross-process lock, see src/deni/hub), and the commit and file checksums become
 * part of every run's key. Workers then read the cache at exactly that commit.
 */
import type { IHubOptions } from '../hub';
import type { DatasetRef, IInputPin, ISweepSpec } from '../contract/types';

/** The pins of a sweep's Hub inputs, by data set id and model id as the spec writes them. */
export interface ISweepInputs {
  datasets: Map<string, IInputPin>;
  models: Map<string, IInputPin>;
}

function asList<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

/**
 * Resolves and downloads the sweep's Hub data sets and models (revisions from `spec.revisions`,
 * else the commit recorded on first download). Built-in sets, local files and prepared model
 * folders need nothing and get no pin.
 */
export async function resolveSweepInputs(
  spec: ISweepSpec,
  opts: IHubOptions = {}
): Promise<ISweepInputs> {
  const { fetchHubDataset, parseDatasetSpec } = await import('../data');
  const { MODELS, resolveModelPinned } = await import('../model');
  const out: ISweepInputs = { datasets: new Map(), models: new Map() };
  for (const ref of asList<DatasetRef>(spec.dataset)) {
    if (typeof ref !== 'string' || out.datasets.has(ref)) {
      continue;
    }
    let parsed;
    try {
      parsed = parseDatasetSpec(ref);
    } catch {
      // An unknown id fails each run with the data module's message, as before.
      continue;
    }
    if (parsed.kind !== 'hub') {
      continue;
    }
    const r = await fetchHubDataset(parsed.id, {
      ...opts,
      revision: spec.revisions?.[ref]
    });
    out.datasets.set(ref, {
      repo: r.repo,
      config: r.extra.config,
      commit: r.commit,
      files: Object.fromEntries(r.files.map(f => [f.path, f.sha256]))
    });
  }
  for (const id of asList(spec.model)) {
    // Local folders and unknown ids need nothing from the Hub (an unknown id fails each run).
    if (
      out.models.has(id) ||
      !(MODELS.some(m => m.name === id) || id.startsWith('hf:'))
    ) {
      continue;
    }
    const r = await resolveModelPinned(id, {
      ...opts,
      revision: spec.revisions?.[id]
    });
    if (r.hub) {
      out.models.set(id, r.hub);
    }
  }
  return out;
}
