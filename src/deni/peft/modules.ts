import { poolerNames } from '../model';
import type { IEncoderConfig, WeightMap } from '../model/types';
import type { IModuleSelector } from './types';

/** Where the per-layer pieces of an encoder live, by HF module path. */
export interface ILayerLayout {
  /** Distinct transformer-layer modules (ALBERT: one shared module for every layer). */
  count: number;
  /** Module index used by layer `layer` of the forward pass. */
  moduleOf(layer: number): number;
  /** Self-attention module of layer module `m` (where prefix gates live). */
  attention(m: number): string;
  /** LayerNorm after the feed-forward block of layer module `m`. */
  ffnLayerNorm(m: number): string;
  /** Where the bottleneck adapter of layer module `m` is named. */
  adapter(m: number): string;
}

const ALBERT_LAYER = 'encoder.albert_layer_groups.0.albert_layers.0';

/**
 * Layer layout of an architecture. ALBERT is supported with one layer group of one inner layer
 * (albert-base-v2 and every released ALBERT): its weights, and therefore its adapters, are shared
 * by every layer, as in peft and AdapterHub.
 */
export function layerLayout(
  config: IEncoderConfig,
  backbone: WeightMap
): ILayerLayout {
  if (config.architecture === 'albert') {
    for (const name of backbone.keys()) {
      if (
        name.startsWith('encoder.albert_layer_groups.') &&
        !name.startsWith(`${ALBERT_LAYER}.`)
      ) {
        throw new Error(
          'ALBERT with several layer groups or inner layers is not supported by src/deni/peft ' +
            `(found ${name}; expected every layer tensor under ${ALBERT_LAYER})`
        );
      }
    }
    return {
      count: 1,
      moduleOf: () => 0,
      attention: () => `${ALBERT_LAYER}.attention`,
      ffnLayerNorm: () => `${ALBERT_LAYER}.full_layer_layer_norm`,
      adapter: () => `${ALBERT_LAYER}.adapter`
    };
  }
  return {
    count: config.numHiddenLayers,
    moduleOf: layer => layer,
    attention: m => `encoder.layer.${m}.attention.self`,
    ffnLayerNorm: m => `encoder.layer.${m}.output.LayerNorm`,
    adapter: m => `encoder.layer.${m}.output.adapter`
  };
}

/**
 * Linear modules of the encoder, by HF module path, in checkpoint order: every rank-2
 * `encoder.*.weight`. Embeddings, the pooler and any head are not encoder modules.
 */
export function encoderLinearModules(backbone: WeightMap): string[] {
  const out: string[] = [];
  for (const [name, t] of backbone) {
    if (
      name.startsWith('encoder.') &&
      name.endsWith('.weight') &&
      t.rank === 2
    ) {
      out.push(name.slice(0, -'.weight'.length));
    }
  }
  return out;
}

/** peft's rule: `module` equals `key` or ends with `.key`. */
export function matchesSuffix(module: string, key: string): boolean {
  return module === key || module.endsWith(`.${key}`);
}

/** Modules chosen by a selector (see IModuleSelector); throws when none match. */
export function selectModules(
  modules: string[],
  selector: IModuleSelector,
  what: string
): string[] {
  const chosen = modules.filter(
    m =>
      selector.targets.some(t => matchesSuffix(m, t)) &&
      !(selector.exclude ?? []).some(e => matchesSuffix(m, e))
  );
  if (chosen.length === 0) {
    throw new Error(
      `${what}: target modules ${JSON.stringify(selector.targets)} match no linear module of ` +
        `the encoder (first modules: ${modules.slice(0, 6).join(', ')})`
    );
  }
  return chosen;
}

/** Input and output sizes of linear module `module` ([out, in] torch layout). */
export function linearDims(
  backbone: WeightMap,
  module: string
): { out: number; in: number } {
  const w = backbone.get(`${module}.weight`);
  if (!w || w.rank !== 2) {
    throw new Error(
      `linear module ${module} has no rank-2 weight ${module}.weight in the backbone`
    );
  }
  return { out: w.shape[0] ?? 0, in: w.shape[1] ?? 0 };
}

/**
 * Head tensor names: the classifier; for RoBERTa its pooler (part of the HF RoBERTa head) when
 * `trainRobertaPooler`; and any pooler the checkpoint lacks (initHead draws it fresh, and a random
 * pooler must train).
 */
export function headNames(
  config: IEncoderConfig,
  backbone: WeightMap,
  trainRobertaPooler: boolean
): string[] {
  const names = ['classifier.weight', 'classifier.bias'];
  const pooler = poolerNames(config);
  const missing = pooler.some(n => !backbone.has(n));
  if ((config.architecture === 'roberta' && trainRobertaPooler) || missing) {
    names.push(...pooler);
  }
  return names;
}
