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
    return fn(args.slice(0, -1) as tf.Tensor[], save);
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

/** Batched a @ b for rank-3 tensors; gradients with explicit transposes (no flags). */
export function batchMatMul(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  return withGrad(
    ([ai, bi], save) => {
      save([ai, bi]);
      return {
        value: tf.matMul(ai as tf.Tensor3D, bi as tf.Tensor3D),
        gradFunc: (dy, saved) => {
          const [as, bs] = saved as tf.Tensor3D[];
          const d = dy as tf.Tensor3D;
          return [
            tf.matMul(d, tf.transpose(bs, [0, 2, 1])),
            tf.matMul(tf.transpose(as, [0, 2, 1]), d)
          ];
        }
      };
    },
    a,
    b
  ) as tf.Tensor3D;
}

/**
 * Rows `ids` (int32 [n]) of `table` [rows, dim]. Its gradient scatters (summing repeats) into a
 * dense [rows, dim] tensor instead of tfjs's UnsortedSegmentSum.
 */
export function gatherRows(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  if (!isTrainable(table)) {
    return tf.gather(table, ids);
  }
  // ids go through the custom op as an input (and are saved): tensors captured by closure
  // are disposed when the forward pass's tidy scope ends, before the backward pass runs.
  const shape = table.shape;
  return withGrad(
    ([t, i], save) => {
      save([i]);
      return {
        value: tf.gather(t, i),
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
