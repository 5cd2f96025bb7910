import * as tf from '@tensorflow/tfjs-core';
import { matMulWT } from '../model';
import type { IAdapterHooks } from '../model/types';
import type { ITensorSpec } from './init';
import type { IHookOptions } from './types';

/** Reads a tensor by name (trainable params first, then the frozen backbone). */
export type TensorGetter = (name: string) => tf.Tensor;

/**
 * What one tuning method does to a backbone, before anything is allocated: which backbone
 * tensors become trainable copies, which new tensors are created (and how they start), and the
 * hooks that use them.
 */
export interface IMethodPlan {
  /** Backbone tensor names that train (as trainable copies; the backbone is never modified). */
  trainableBackbone: string[];
  /** New adapter tensors, in the order their initial values are drawn. */
  newTensors: ITensorSpec[];
  /** Hooks for one forward pass; undefined when the method needs none (full fine-tuning). */
  hooks(get: TensorGetter, opts: IHookOptions): IAdapterHooks | undefined;
}

/**
 * `x` [..., in] times the torch-layout weight `w` [out, in] (+ `b`): [..., out]. Goes through the
 * model's matMulWT: tfjs-wasm's transposed matmuls (and their gradients) are several times slower.
 */
export function linear(x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor): tf.Tensor {
  const inDim = x.shape[x.rank - 1];
  const flat = x.rank === 2 ? x : tf.reshape(x, [-1, inDim]);
  let y: tf.Tensor = matMulWT(flat as tf.Tensor2D, w as tf.Tensor2D);
  if (b) {
    y = tf.add(y, b);
  }
  return x.rank === 2
    ? y
    : tf.reshape(y, [...x.shape.slice(0, -1), w.shape[0]]);
}

/** Applies the forward's dropout when training and a rate is set; identity otherwise. */
export function maybeDropout(
  x: tf.Tensor,
  rate: number,
  opts: IHookOptions
): tf.Tensor {
  return opts.training && rate > 0 && opts.dropout ? opts.dropout(x, rate) : x;
}

/**
 * UniPELT gate as AdapterHub computes it: sigmoid(x W^T + b) averaged over each sample's
 * sequence (padding positions included, as in adapters): [batch, outputs]. `x` is
 * [batch, seq, hidden], or [batch * seq, hidden] with `batchSize` given.
 */
export function sequenceGate(
  x: tf.Tensor,
  w: tf.Tensor,
  b: tf.Tensor,
  batchSize: number | undefined
): tf.Tensor2D {
  let x3 = x;
  if (x.rank === 2) {
    const rows = x.shape[0] ?? 0;
    if (!batchSize || rows % batchSize !== 0) {
      throw new Error(
        `UniPELT gates need the batch size for a [batch * seq, hidden] input of ${rows} rows; ` +
          `pass hooks({ batchSize }) (got ${String(batchSize)})`
      );
    }
    x3 = tf.reshape(x, [batchSize, rows / batchSize, x.shape[1] ?? 0]);
  } else if (x.rank !== 3) {
    throw new Error(
      `UniPELT gates need [batch, seq, hidden] or [batch * seq, hidden], got [${x.shape.join(', ')}]`
    );
  }
  return tf.mean(tf.sigmoid(linear(x3, w, b)), 1) as tf.Tensor2D;
}
