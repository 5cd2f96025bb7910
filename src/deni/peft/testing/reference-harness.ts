import * as tf from '@tensorflow/tfjs-core';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  loadConfig,
  readSafetensors,
  serializeSafetensors,
  weightsFromTensors
} from '../../model';
import type {
  Architecture,
  IEncoderConfig,
  WeightMap
} from '../../model/types';
import { Rng } from '../../random';
import { runModel } from '../forward';
import type { IModelState } from '../types';

/**
 * Test helpers shared by the reference tests (peft, AdapterHub): tiny transformers checkpoints
 * made by reference/peft_check.py, fixed inputs, and tensors exchanged as safetensors files.
 */
export const repoRoot = path.resolve(__dirname, '../../../..');
export const venvPython = path.resolve(repoRoot, '.venv/bin/python');
export const peftScript = path.resolve(repoRoot, 'reference/peft_check.py');
export const tinyModelRoot = path.resolve(
  repoRoot,
  'fixtures/models/peft-tiny'
);

/** Creates fixtures/models/peft-tiny/{bert,roberta,albert} once (seeded transformers models). */
export function ensureTinyModels(): void {
  if (!existsSync(path.join(tinyModelRoot, 'albert', 'model.safetensors'))) {
    execFileSync(venvPython, [peftScript, 'make-models', tinyModelRoot], {
      stdio: 'pipe'
    });
  }
}

/** Config and backbone of one tiny checkpoint. */
export async function loadTiny(
  arch: Architecture
): Promise<{ config: IEncoderConfig; backbone: WeightMap; dir: string }> {
  const dir = path.join(tinyModelRoot, arch);
  const config = await loadConfig(dir);
  const file = path.join(dir, 'model.safetensors');
  const backbone = weightsFromTensors(
    config,
    (await readSafetensors(file)).tensors,
    file
  );
  return { config, backbone, dir };
}

/** Two sequences of 7 tokens, the second padded after 5. */
export function tinyInputs(config: IEncoderConfig): {
  inputIds: number[][];
  attentionMask: number[][];
} {
  const pad = config.padTokenId;
  return {
    inputIds: [
      [5, 17, 42, 8, 91, 23, 6],
      [5, 33, 12, 77, 6, pad, pad]
    ],
    attentionMask: [
      [1, 1, 1, 1, 1, 1, 1],
      [1, 1, 1, 1, 1, 0, 0]
    ]
  };
}

/** Int32 batch tensors of `tinyInputs`. */
export function batchOf(inputs: {
  inputIds: number[][];
  attentionMask: number[][];
}) {
  return {
    inputIds: tf.tensor2d(inputs.inputIds, undefined, 'int32'),
    attentionMask: tf.tensor2d(inputs.attentionMask, undefined, 'int32')
  };
}

/** Adds N(0, std) from `rng` to every trainable tensor (LoRA B too, so every adapter matters). */
export function perturb(state: IModelState, rng: Rng, std: number): void {
  for (const v of state.trainable.values()) {
    tf.tidy(() =>
      v.assign(tf.add(v, tf.tensor(rng.normalArray(v.size, 0, std), v.shape)))
    );
  }
}

/** Writes tensors to a safetensors file. */
export async function writeTensors(
  file: string,
  m: ReadonlyMap<string, tf.Tensor>
): Promise<void> {
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [k, v] of m) {
    out.set(k, { shape: v.shape, data: (await v.data()) as Float32Array });
  }
  writeFileSync(file, serializeSafetensors(out));
}

/** Runs the state on the inputs and writes `lastHidden` and `pooled` to `file`. */
export async function writeOutputs(
  state: IModelState,
  inputs: { inputIds: number[][]; attentionMask: number[][] },
  file: string
): Promise<void> {
  const out = runModel(state, batchOf(inputs), { training: false });
  await writeTensors(
    file,
    new Map<string, tf.Tensor>([
      ['lastHidden', out.lastHidden],
      ['pooled', out.pooled]
    ])
  );
}

/** Max abs difference between `a` and tensor `key` of a safetensors file. */
export async function maxDiffTo(
  a: tf.Tensor,
  file: string,
  key: string
): Promise<number> {
  const ref = (await readSafetensors(file)).tensors.get(key);
  if (!ref) {
    throw new Error(`${file} has no tensor ${key}`);
  }
  const x = (await a.data()) as Float32Array;
  if (x.length !== ref.data.length) {
    throw new Error(
      `${key}: ${x.length} values here, ${ref.data.length} in ${file}`
    );
  }
  let m = 0;
  x.forEach((v, i) => {
    m = Math.max(m, Math.abs(v - ref.data[i]));
  });
  return m;
}

/** Runs a reference script and parses the JSON of its last stdout line. */
export function runReference<T>(python: string, args: string[]): T {
  const stdout = execFileSync(python, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe']
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as T;
}
