import * as tf from '@tensorflow/tfjs-core';
import { ensureGradients } from '../backend/gradients';

/*
 * Operations with hand-written gradients. tfjs-wasm runs matmuls with a transpose flag ~10x
 * slower than plain ones and lacks UnsortedSegmentSum (the built-in gather gradient), so the
 * gradients below use explicit transposes + plain matmuls and a scatter for embeddings.
 */

// Custom ops are useless without tfjs's own gradients for everything around them.
ensureGradients();

type GradFn = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[];

// tf.customGrad with typed inputs: `fn` gets the inputs and the save function.
function withGrad(
  fn: (
    args: tf.Tensor[],
    save: tf.GradSaveFunc
  ) => { value: tf.Tensor; gradFunc: GradFn },
  ...inputs: tf.Tensor[]
): tf.Tensor {
  const g = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const { value, gradFunc } = fn(args.slice(0, -1) as tf.Tensor[], save);
    // tfjs frees a custom gradient's intermediates (transposes) only when the whole backward
    // pass ends; a tidy per gradient frees them at once (BERT-base's peak memory fits in wasm's
    // 4 GB only this way).
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => gradFunc(dy, saved))
    };
  });
  return g(...inputs);
}

// Plain tensors declared frozen (a PEFT backbone). Weak, so marking never keeps a tensor alive.
const frozenTensors = new WeakSet<tf.Tensor>();

/**
 * Declares plain tensors frozen, like a tf.Variable with `trainable = false`: the custom ops skip
 * their weight gradients. PEFT marks its shared backbone so LoRA/IA3/UniPELT do not pay for
 * backbone weight gradients. Unlike wrapping each tensor in a non-trainable tf.Variable, this
 * neither counts the backbone's bytes twice in tf.memory() nor adds variables that need
 * disposing. A marked tensor can no longer be a gradient target of these ops (tf.grads with it
 * as an input fails loudly); train a copy (`tf.variable(t)`) instead.
 */
export function markFrozen(tensors: Iterable<tf.Tensor>): void {
  for (const t of tensors) {
    if (!(t instanceof tf.Variable)) {
      frozenTensors.add(t);
    }
  }
}

/**
 * False for a tf.Variable marked non-trainable and for plain tensors passed to `markFrozen`
 * (frozen weights skip their gradient); true otherwise.
 */
export function isTrainable(t: tf.Tensor): boolean {
  if (frozenTensors.has(t)) {
    return false;
  }
  return !(t instanceof tf.Variable) || t.trainable;
}

/**
 * y = x @ W^T for torch-layout W [out, in] and x [n, in]. Gradients: dx = dy @ W,
 * dW = dy^T @ x, both as plain matmuls; dW is skipped for frozen W.
 */
export function matMulWT(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  if (!isTrainable(w)) {
    // A frozen w (non-trainable variable or marked backbone tensor) is made outside the pass
    // and outlives it, so capturing it is safe.
    return withGrad(([xi], save) => {
      save([]);
      return {
        value: tf.matMul(xi as tf.Tensor2D, tf.transpose(w)),
        gradFunc: dy => [tf.matMul(dy as tf.Tensor2D, w)]
      };
    }, x) as tf.Tensor2D;
  }
  return withGrad(
    ([xi, wi], save) => {
      save([xi, wi]);
      return {
        value: tf.matMul(xi as tf.Tensor2D, tf.transpose(wi as tf.Tensor2D)),
        gradFunc: (dy, saved) => {
          const [xs, ws] = saved as tf.Tensor2D[];
          return [
            tf.matMul(dy as tf.Tensor2D, ws),
            tf.matMul(tf.transpose(dy as tf.Tensor2D), xs)
          ];
        }
      };
    },
    x,
    w
  ) as tf.Tensor2D;
}

/*
 * Batched matmul as a grouped (depthwise) convolution. tfjs-wasm runs rank-3 matmuls in a scalar
 * loop (~3 GFLOP/s; only rank-2 ones reach XNNPACK), but its depthwise convolution is XNNPACK's
 * threaded grouped GEMM: with one group per batch entry c, input x[0, m, k, c] = a[c, m, k] and
 * filter f[0, k, c, n] = b[c, k, n], a 1 x K kernel over a width-K input ('valid') yields
 * y[0, m, 0, c * N + n] = sum_k a[c, m, k] b[c, k, n]. Measured 4-5x faster for attention's
 * [96, 50, 32] x [96, 32, 50]. Other back-ends keep tf.matMul.
 */

// aT[m, k, c] (a's batch axis last) times b viewed as f[k, c, n]: returns [c, m, n].
function groupedMatMul(aLast: tf.Tensor3D, bMid: tf.Tensor3D): tf.Tensor3D {
  const [m, k, c] = aLast.shape;
  const n = bMid.shape[2];
  const y = tf.depthwiseConv2d(
    tf.reshape(aLast, [1, m, k, c]) as tf.Tensor4D,
    tf.reshape(bMid, [1, k, c, n]) as tf.Tensor4D,
    1,
    'valid'
  );
  return tf.transpose(tf.reshape(y, [m, c, n]), [1, 0, 2]);
}

const SAME = [0, 1, 2];
const SWAP_LAST = [0, 2, 1];

function permute(t: tf.Tensor3D, perm: number[]): tf.Tensor3D {
  return perm.every((p, i) => p === i) ? t : tf.transpose(t, perm);
}

// a [c, m, k] @ b [c, k, n], with each operand given as a permutation of a stored tensor so
// that the gradients cost one transpose per operand.
function bmm(
  a: tf.Tensor3D,
  aPerm: number[],
  b: tf.Tensor3D,
  bPerm: number[]
): tf.Tensor3D {
  if (tf.getBackend() !== 'wasm') {
    return tf.matMul(permute(a, aPerm), permute(b, bPerm));
  }
  // Compose "permute into [c, m, k]" with "[c, m, k] -> [m, k, c]" (and [k, c, n] for b).
  const aLast = [aPerm[1], aPerm[2], aPerm[0]];
  const bMid = [bPerm[1], bPerm[0], bPerm[2]];
  return groupedMatMul(permute(a, aLast), permute(b, bMid));
}

/** Batched a @ b for rank-3 tensors; gradients are batched matmuls too (no transpose flags). */
export function batchMatMul(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  return withGrad(
    ([ai, bi], save) => {
      save([ai, bi]);
      return {
        value: bmm(ai as tf.Tensor3D, SAME, bi as tf.Tensor3D, SAME),
        gradFunc: (dy, saved) => {
          const [as, bs] = saved as tf.Tensor3D[];
          const d = dy as tf.Tensor3D;
          return [bmm(d, SAME, bs, SWAP_LAST), bmm(as, SWAP_LAST, d, SAME)];
        }
      };
    },
    a,
    b
  ) as tf.Tensor3D;
}

// tfjs-wasm's GatherV2 costs ~5.7 ms for any 400-row lookup (measured on tables of 2 to 30522
// rows); GatherNd gives the same rows in ~0.04 ms.
function gatherRowsND(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  return tf.gatherND(table, tf.reshape(ids, [-1, 1])) as tf.Tensor2D;
}

/**
 * Rows `ids` (int32 [n]) of `table` [rows, dim]. Its gradient scatters (summing repeats) into a
 * dense [rows, dim] tensor instead of tfjs's UnsortedSegmentSum.
 */
export function gatherRows(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  if (!isTrainable(table)) {
    return gatherRowsND(table, ids);
  }
  // ids go through the custom op as an input (and are saved): tensors captured by closure
  // are disposed when the forward pass's tidy scope ends, before the backward pass runs.
  const shape = table.shape;
  return withGrad(
    ([t, i], save) => {
      save([i]);
      return {
        value: gatherRowsND(t as tf.Tensor2D, i as tf.Tensor1D),
        gradFunc: (dy, saved) => [
          tf.scatterND(tf.reshape(saved[0], [-1, 1]), dy, shape),
          tf.zerosLike(saved[0])
        ]
      };
    },
    table,
    ids
  ) as tf.Tensor2D;
}

/** LayerNorm over the last axis (biased variance, like torch). */
export function layerNorm(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  eps: number
): tf.Tensor {
  const mean = tf.mean(x, -1, true);
  const centred = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centred), -1, true);
  return tf.add(
    tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, eps))), gamma),
    beta
  );
}

/** The activations of HF configs: exact erf GELU, tanh GELU (`gelu_new`), ReLU. */
export function activation(
  name: 'gelu' | 'gelu_new' | 'relu',
  x: tf.Tensor
): tf.Tensor {
  if (name === 'relu') {
    return tf.relu(x);
  }
  if (name === 'gelu') {
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
  }
  const inner = tf.mul(
    tf.add(x, tf.mul(tf.mul(tf.mul(x, x), x), 0.044715)),
    Math.sqrt(2 / Math.PI)
  );
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}
