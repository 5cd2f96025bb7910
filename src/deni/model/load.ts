import * as tf from '@tensorflow/tfjs-core';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { shardsOf, SUPPORTED_WEIGHTS } from '../hub';
import { type ITokenizer, loadTokenizer } from '../text';
import { parseConfig } from './config';
import { resolveModel } from './registry';
import { readSafetensors, type ISafeTensor } from './safetensors';
import { expectedShapes, poolerNames } from './shapes';
import type { IEncoderConfig, WeightMap } from './types';

const PREFIXES = ['bert.', 'roberta.', 'albert.'];

/** HF name without the model prefix, with legacy LayerNorm gamma/beta renamed as transformers does. */
export function canonicalName(name: string): string {
  let n = name;
  for (const p of PREFIXES) {
    if (n.startsWith(p)) {
      n = n.slice(p.length);
      break;
    }
  }
  return n.replace(/\.gamma$/, '.weight').replace(/\.beta$/, '.bias');
}

/**
 * Builds the backbone WeightMap from raw tensors: strips prefixes, ignores tensors the encoder
 * does not use (MLM heads, position_ids buffers), and fails on a missing tensor or a shape
 * mismatch naming the tensor and both shapes. A missing pooler is allowed (initHead adds one).
 */
export function weightsFromTensors(
  config: IEncoderConfig,
  tensors: Map<string, ISafeTensor>,
  source = 'checkpoint'
): WeightMap {
  const expected = expectedShapes(config);
  const byName = new Map<string, ISafeTensor>();
  for (const [name, t] of tensors) {
    byName.set(canonicalName(name), t);
  }
  const optional = new Set(poolerNames(config));
  const weights: WeightMap = new Map();
  for (const [name, shape] of expected) {
    const t = byName.get(name);
    if (!t) {
      if (optional.has(name)) {
        continue;
      }
      throw new Error(
        `${source}: missing tensor '${name}' (expected shape [${shape.join(', ')}])`
      );
    }
    if (
      t.shape.length !== shape.length ||
      t.shape.some((d, i) => d !== shape[i])
    ) {
      throw new Error(
        `${source}: tensor '${name}' has shape [${t.shape.join(', ')}] but the config needs [${shape.join(', ')}]`
      );
    }
    if (!(t.data instanceof Float32Array)) {
      throw new Error(
        `${source}: tensor '${name}' has integer dtype ${t.dtype}; expected a float tensor`
      );
    }
    weights.set(name, tf.tensor(t.data, shape, 'float32'));
  }
  return weights;
}

/** A loaded checkpoint: architecture, backbone weights (no head) and tokenizer. */
export interface ILoadedModel {
  dir: string;
  config: IEncoderConfig;
  weights: WeightMap;
  tokenizer: ITokenizer;
}

/** Reads the config of a model folder without loading weights. */
export async function loadConfig(dir: string): Promise<IEncoderConfig> {
  const file = path.join(dir, 'config.json');
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new Error(`Cannot read ${file}: ${(e as Error).message}`);
  }
  return parseConfig(json, file);
}

/**
 * Loads config.json, model.safetensors (F32/F16/BF16, converted to float32 tensors on the
 * current back-end) and tokenizer.json from a folder (see resolveModel for names).
 */
export async function loadModel(dir: string): Promise<ILoadedModel> {
  const config = await loadConfig(dir);
  const { tensors, source } = await readWeights(dir);
  const weights = weightsFromTensors(config, tensors, source);
  const tokenizer = await loadTokenizer(dir);
  return { dir, config, weights, tokenizer };
}

/**
 * The raw tensors of a model folder: model.safetensors, or the shards a
 * model.safetensors.index.json names (sharded checkpoints), merged.
 */
export async function readWeights(
  dir: string
): Promise<{ tensors: Map<string, ISafeTensor>; source: string }> {
  const single = path.join(dir, 'model.safetensors');
  if (existsSync(single)) {
    return { tensors: (await readSafetensors(single)).tensors, source: single };
  }
  const index = path.join(dir, 'model.safetensors.index.json');
  if (!existsSync(index)) {
    throw new Error(
      `${dir} holds no model.safetensors and no model.safetensors.index.json; deni reads ${SUPPORTED_WEIGHTS.join(' or ')}` +
        (existsSync(path.join(dir, 'pytorch_model.bin'))
          ? " (this folder has pytorch_model.bin: save it with transformers' save_pretrained(dir, safe_serialization=True))"
          : '')
    );
  }
  const tensors = new Map<string, ISafeTensor>();
  for (const shard of shardsOf(index)) {
    const file = path.join(dir, shard);
    if (!existsSync(file)) {
      throw new Error(
        `${index} names the shard ${shard}, which is missing from ${dir}`
      );
    }
    for (const [name, t] of (await readSafetensors(file)).tensors) {
      tensors.set(name, t);
    }
  }
  return { tensors, source: index };
}

/** resolveModel + loadModel: a built-in name, `hf:<repo>` or a folder path, loaded. */
export async function openModel(
  id: string,
  log?: (line: string) => void
): Promise<ILoadedModel> {
  return loadModel(await resolveModel(id, log));
}
