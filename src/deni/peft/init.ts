import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random';

/**
 * How a new tensor starts. The schemes are the PyTorch/peft/adapters ones:
 * `kaimingUniform` is `nn.init.kaiming_uniform_(w, a=sqrt(5))`, i.e. U(-1/sqrt(fanIn), 1/sqrt(fanIn)),
 * the default of `nn.Linear` weights and of peft's LoRA A; `linearBias` is `nn.Linear`'s default
 * bias init, U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
 */
export type InitScheme =
  | { kind: 'zeros' }
  | { kind: 'ones' }
  | { kind: 'normal'; std: number }
  | { kind: 'uniform'; bound: number };

/** A new trainable tensor: name, shape, init. */
export interface ITensorSpec {
  name: string;
  shape: number[];
  init: InitScheme;
}

/** U(-1/sqrt(fanIn), 1/sqrt(fanIn)): kaiming_uniform_(a=sqrt(5)) and nn.Linear's bias default. */
export function kaimingUniform(fanIn: number): InitScheme {
  return { kind: 'uniform', bound: 1 / Math.sqrt(fanIn) };
}

/** Draws the values of `spec` from `rng` (zeros and ones draw nothing). */
export function initValues(spec: ITensorSpec, rng: Rng): Float32Array {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const init = spec.init;
  switch (init.kind) {
    case 'zeros':
      return new Float32Array(n);
    case 'ones':
      return new Float32Array(n).fill(1);
    case 'normal':
      return rng.normalArray(n, 0, init.std);
    case 'uniform':
      return rng.uniformArray(n, -init.bound, init.bound);
  }
}

/** A float32 tensor holding `spec`'s initial values. */
export function initTensor(spec: ITensorSpec, rng: Rng): tf.Tensor {
  return tf.tensor(initValues(spec, rng), spec.shape, 'float32');
}
