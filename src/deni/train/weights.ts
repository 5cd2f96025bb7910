import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random';

/** Trainable tensors of one model by name. */
export type ParamMap = Map<string, tf.Tensor>;

/** Snapshot copies of a set of tensors (the caller owns them). */
export function cloneParams(params: ReadonlyMap<string, tf.Tensor>): ParamMap {
  return new Map([...params].map(([n, t]) => [n, tf.clone(t)]));
}

/** Frees every tensor of a map. */
export function disposeParams(params: ReadonlyMap<string, tf.Tensor>): void {
  for (const t of params.values()) {
    t.dispose();
  }
}

/** Uniform average of every tensor over several maps with the same names (DENI, SWA). */
export function averageParams(
  maps: ReadonlyArray<ReadonlyMap<string, tf.Tensor>>
): ParamMap {
  if (maps.length === 0) {
    throw new RangeError('cannot average zero models');
  }
  const out: ParamMap = new Map();
  for (const name of maps[0].keys()) {
    out.set(
      name,
      tf.tidy(() => {
        const parts = maps.map(m => {
          const t = m.get(name);
          if (!t) {
            throw new Error(`cannot average: a model lacks tensor '${name}'`);
          }
          return t;
        });
        return tf.div(tf.addN(parts), parts.length);
      })
    );
  }
  return out;
}

/** Assigns `values` to the variables of the same name (values are not disposed). */
export function assignParams(
  target: ReadonlyMap<string, tf.Variable>,
  values: ReadonlyMap<string, tf.Tensor>
): void {
  for (const [name, v] of target) {
    const x = values.get(name);
    if (!x) {
      throw new Error(`cannot assign: no value for trainable tensor '${name}'`);
    }
    v.assign(x);
  }
}

/**
 * Standard deviation of all elements of a tensor, with PyTorch's default (unbiased, n - 1)
 * estimator as the reference code uses `torch.std`; 0 for single-element tensors.
 */
export async function tensorStd(t: tf.Tensor): Promise<number> {
  if (t.size < 2) {
    return 0;
  }
  const v = tf.tidy(() => tf.moments(tf.reshape(t, [-1])).variance);
  const variance = (await v.data())[0];
  v.dispose();
  return Math.sqrt((variance * t.size) / (t.size - 1));
}

/**
 * Adds Gaussian noise with std `multiplier x std(W)` to each variable W named in `targets`, in
 * the order given, drawing from `rng` (the run's own noise stream). Returns the std used per
 * tensor.
 */
export async function addWeightNoise(
  params: ReadonlyMap<string, tf.Variable>,
  targets: readonly string[],
  multiplier: number,
  rng: Rng
): Promise<Map<string, number>> {
  const used = new Map<string, number>();
  for (const name of targets) {
    const w = params.get(name);
    if (!w) {
      throw new Error(
        `noise target '${name}' is not a trainable tensor (trainable: ${[...params.keys()].join(', ')})`
      );
    }
    const std = multiplier * (await tensorStd(w));
    const noise = rng.normalArray(w.size, 0, std);
    const next = tf.tidy(() => tf.add(w, tf.tensor(noise, w.shape, 'float32')));
    w.assign(next);
    next.dispose();
    used.set(name, std);
  }
  return used;
}
