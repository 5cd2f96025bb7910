import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random';
import { tensorStd } from '../train';

/**
 * Input-noise transform for one forward pass: adds Gaussian noise with std
 * `multiplier x std(embeddings)` (std over the whole batch tensor, unbiased like torch.std) to
 * the word embeddings. The noise scale is treated as a constant in the backward pass
 * (gradient = identity), as with noise added to a detached tensor in PyTorch.
 */
export function inputNoise(
  multiplier: number,
  rng: Rng
): (emb: tf.Tensor) => tf.Tensor {
  return (emb: tf.Tensor): tf.Tensor => {
    const n = emb.size;
    const z = tf.tensor(rng.normalArray(n), emb.shape, 'float32');
    const op = tf.customGrad(
      (...inputs: Array<tf.Tensor | ((save: tf.Tensor[]) => void)>) => {
        const x = inputs[0] as tf.Tensor;
        const variance = tf.moments(tf.reshape(x, [-1])).variance;
        const std = tf.sqrt(tf.mul(variance, n > 1 ? n / (n - 1) : 0));
        return {
          value: tf.add(x, tf.mul(z, tf.mul(std, multiplier))),
          gradFunc: (dy: tf.Tensor) => dy
        };
      }
    );
    return op(emb);
  };
}

/**
 * The authors' input noise for one forward pass: N(0, std^2) added to the pooled output (std =
 * sqrt(s2), not scaled by the tensor, not annealed), drawn from the noise stream.
 */
export function pooledNoise(
  std: number,
  rng: Rng
): (pooled: tf.Tensor) => tf.Tensor {
  return (pooled: tf.Tensor): tf.Tensor =>
    tf.add(
      pooled,
      tf.tensor(rng.normalArray(pooled.size, 0, std), pooled.shape, 'float32')
    );
}

/**
 * Mixout (Lee et al. 2020) of a weight towards `target` with probability p: each element is
 * swapped for its target value with probability p (mask from `rng`, the dropout stream), then
 * rescaled so the expectation is the weight itself: ((1-M) W + (M - p) target) / (1 - p).
 */
export function mixout(
  w: tf.Tensor,
  target: tf.Tensor,
  p: number,
  rng: Rng
): tf.Tensor {
  const threshold = p * 4294967296;
  const m = new Float32Array(w.size);
  for (let i = 0; i < m.length; i++) {
    m[i] = rng.nextUint32() < threshold ? 1 : 0;
  }
  return tf.tidy(() => {
    const mask = tf.tensor(m, w.shape, 'float32');
    return tf.div(
      tf.add(tf.mul(w, tf.sub(1, mask)), tf.mul(target, tf.sub(mask, p))),
      1 - p
    );
  });
}

/**
 * NoisyTune (Wu et al. 2022): adds uniform noise U(-lambda/2, lambda/2) x std(W) to every
 * tensor named, once, from the noise stream.
 */
export async function addUniformNoise(
  params: ReadonlyMap<string, tf.Variable>,
  names: readonly string[],
  lambda: number,
  rng: Rng
): Promise<void> {
  for (const name of names) {
    const w = params.get(name);
    if (!w) {
      throw new Error(`prior noise: '${name}' is not a trainable tensor`);
    }
    const std = await tensorStd(w);
    const u = rng.uniformArray(w.size, -lambda / 2, lambda / 2);
    const next = tf.tidy(() =>
      tf.add(w, tf.mul(tf.tensor(u, w.shape, 'float32'), std))
    );
    w.assign(next);
    next.dispose();
  }
}
