import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random';

/**
 * Inverted dropout whose mask comes from the run's dropout generator (never tf.randomUniform's
 * global seed), so the same seed gives the same masks on every back-end. One 32-bit draw per
 * element: kept when the draw is >= rate * 2^32.
 */
export function seededDropout(
  rng: Rng
): (x: tf.Tensor, rate: number) => tf.Tensor {
  return (x: tf.Tensor, rate: number): tf.Tensor => {
    if (!(rate >= 0 && rate < 1)) {
      throw new RangeError(`dropout rate must be in [0, 1), got ${rate}`);
    }
    if (rate === 0) {
      return x;
    }
    const mask = dropoutMask(rng, x.size, rate);
    return tf.tidy(() => tf.mul(x, tf.tensor(mask, x.shape, 'float32')));
  };
}

/** Mask values: 0 for dropped elements, 1 / (1 - rate) for kept ones. */
export function dropoutMask(rng: Rng, n: number, rate: number): Float32Array {
  const threshold = rate * 4294967296;
  const keep = 1 / (1 - rate);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = rng.nextUint32() >= threshold ? keep : 0;
  }
  return out;
}
