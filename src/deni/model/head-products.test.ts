import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../backend';
import { Rng } from '../random';
import { headContext, headScores } from './head-products';
import { maxAbsDiff } from './testing/fixtures';

function rand(rng: Rng, shape: number[]): tf.Tensor {
  return tf.tensor(rng.normalArray(shape.reduce((a, b) => a * b, 1)), shape);
}

// The reference: heads permuted into their own tensors, products as tf.matMul (on cpu).
function heads(x: tf.Tensor, b: number, nh: number): tf.Tensor3D {
  const [rows, hidden] = x.shape;
  const s = rows / b;
  const hd = hidden / nh;
  return tf.reshape(tf.transpose(tf.reshape(x, [b, s, nh, hd]), [0, 2, 1, 3]), [
    b * nh,
    s,
    hd
  ]);
}
function merge(c: tf.Tensor, b: number, nh: number): tf.Tensor {
  const [, s, hd] = c.shape;
  return tf.reshape(tf.transpose(tf.reshape(c, [b, nh, s, hd]), [0, 2, 1, 3]), [
    b * s,
    nh * hd
  ]);
}
// Attention of queries, keys and values [b * s, nh * hd] for b sequences and nh heads.
type Attention = (
  q: tf.Tensor,
  k: tf.Tensor,
  v: tf.Tensor,
  b: number,
  nh: number,
  alpha: number
) => tf.Tensor;

const attentionRef: Attention = (q, k, v, b, nh, alpha) => {
  const s = q.shape[0] / b;
  const scores = tf.mul(
    tf.matMul(heads(q, b, nh), heads(k, b, nh), false, true),
    alpha
  );
  const probs = tf.softmax(tf.reshape(scores, [b, nh, s, s]));
  return merge(
    tf.matMul(tf.reshape(probs, [b * nh, s, s]), heads(v, b, nh)),
    b,
    nh
  );
};
const attentionFused: Attention = (q, k, v, b, nh, alpha) => {
  const probs = tf.softmax(
    headScores(q as tf.Tensor2D, k as tf.Tensor2D, b, nh, alpha)
  ) as tf.Tensor4D;
  return headContext(probs, v as tf.Tensor2D, nh);
};

describe('per-head attention products on wasm (fused head_matmul)', () => {
  // Widths cover the kernel's full tiles, single vectors and 1-3 float tails; row counts its
  // 4-row blocks and single rows.
  for (const [b, s, nh, hd] of [
    [2, 5, 3, 4],
    [3, 7, 2, 6],
    [1, 13, 4, 9],
    [2, 50, 2, 32],
    [1, 1, 1, 1]
  ]) {
    it(`equal tf.matMul of permuted heads and its gradients, b=${b} s=${s} heads=${nh} width=${hd}`, async () => {
      const run = async (
        backend: 'cpu' | 'wasm',
        attention: Attention
      ): Promise<Float32Array[]> => {
        await initBackend(backend);
        const rng = new Rng(21);
        const [q, k, v] = [0, 1, 2].map(() => rand(rng, [b * s, nh * hd]));
        const up = rand(rng, [b * s, nh * hd]);
        const alpha = 1 / Math.sqrt(hd);
        const value = attention(q, k, v, b, nh, alpha);
        const grads = tf.grads((x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) =>
          tf.sum(tf.mul(attention(x, y, z, b, nh, alpha), up))
        )([q, k, v]);
        return [value, ...grads].map(t => t.dataSync() as Float32Array);
      };
      const reference = await run('cpu', attentionRef);
      const fused = await run('wasm', attentionFused);
      for (let i = 0; i < 4; i++) {
        expect(maxAbsDiff(reference[i], fused[i])).toBeLessThan(2e-5);
      }
    });
  }

  it('rejects views that leave the tensor', async () => {
    await initBackend('wasm');
    const q = tf.zeros([10, 6]) as tf.Tensor2D;
    expect(() => headScores(q, q, 3, 2, 1)).toThrow(
      /not 3 sequences of 2 heads/
    );
  });
});
