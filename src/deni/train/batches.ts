import * as tf from '@tensorflow/tfjs-core';
import type { IEncodedBatch } from '../model/types';
import type { Rng } from '../random';
import type { ITokenisedSet } from './types';

/** Optimiser steps of a run: epochs x ceil(samples / batch) (PAPER.md's T). */
export function totalSteps(
  samples: number,
  epochs: number,
  batchSize: number
): number {
  for (const [name, v] of [
    ['samples', samples],
    ['epochs', epochs],
    ['batch size', batchSize]
  ] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`${name} must be an integer >= 1, got ${v}`);
    }
  }
  return epochs * Math.ceil(samples / batchSize);
}

/**
 * The sample indices of every optimiser step, in order: one fresh permutation from the order
 * generator per epoch, cut into batches (the last one of an epoch may be smaller). Computed
 * up front, so every model of a run (main, copies) sees the same batches.
 */
export function batchOrder(
  orderRng: Rng,
  samples: number,
  epochs: number,
  batchSize: number
): number[][] {
  totalSteps(samples, epochs, batchSize);
  const out: number[][] = [];
  for (let e = 0; e < epochs; e++) {
    const perm = orderRng.permutation(samples);
    for (let i = 0; i < samples; i += batchSize) {
      out.push(perm.slice(i, i + batchSize));
    }
  }
  return out;
}

/** Consecutive index batches over a whole set (evaluation order). */
export function sequentialBatches(size: number, batchSize: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < size; i += batchSize) {
    out.push(
      Array.from({ length: Math.min(batchSize, size - i) }, (_, j) => i + j)
    );
  }
  return out;
}

/**
 * Tensors of the rows `indices` of a set, trimmed to the longest attention mask among them
 * (padding beyond it changes nothing but costs time). The caller disposes them.
 */
export function makeBatch(
  set: ITokenisedSet,
  indices: readonly number[]
): { batch: IEncodedBatch; labels: tf.Tensor1D } {
  const { seqLen } = set;
  let len = 1;
  for (const r of indices) {
    for (let j = seqLen - 1; j >= len; j--) {
      if (set.mask[r * seqLen + j] !== 0) {
        len = j + 1;
        break;
      }
    }
  }
  const ids = new Int32Array(indices.length * len);
  const mask = new Int32Array(indices.length * len);
  const labels = new Int32Array(indices.length);
  indices.forEach((r, i) => {
    ids.set(set.ids.subarray(r * seqLen, r * seqLen + len), i * len);
    mask.set(set.mask.subarray(r * seqLen, r * seqLen + len), i * len);
    labels[i] = set.labels[r];
  });
  return {
    batch: {
      inputIds: tf.tensor2d(ids, [indices.length, len], 'int32'),
      attentionMask: tf.tensor2d(mask, [indices.length, len], 'int32')
    },
    labels: tf.tensor1d(labels, 'int32')
  };
}

/** Frees a batch made by makeBatch. */
export function disposeBatch(b: {
  batch: IEncodedBatch;
  labels: tf.Tensor1D;
}): void {
  b.batch.inputIds.dispose();
  b.batch.attentionMask.dispose();
  b.labels.dispose();
}

/** Rows of a set (a training subset for all-data caps, test caps, ...). */
export function subset(
  set: ITokenisedSet,
  rows: readonly number[]
): ITokenisedSet {
  const { seqLen } = set;
  const ids = new Int32Array(rows.length * seqLen);
  const mask = new Int32Array(rows.length * seqLen);
  const labels = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    ids.set(set.ids.subarray(r * seqLen, (r + 1) * seqLen), i * seqLen);
    mask.set(set.mask.subarray(r * seqLen, (r + 1) * seqLen), i * seqLen);
    labels[i] = set.labels[r];
  });
  return {
    size: rows.length,
    seqLen,
    ids,
    mask,
    labels,
    numClasses: set.numClasses
  };
}
