import * as tf from '@tensorflow/tfjs-core';
import type { IEncodedTexts } from '../text';
import type { IEncodedBatch } from './types';

/**
 * Tensors for forward() from encodeBatch output. Segment ids are kept only when some are
 * non-zero, so the paper's single-text inputs carry none.
 */
export function batchTensors(enc: IEncodedTexts): IEncodedBatch {
  const shape: [number, number] = [enc.batch, enc.seqLen];
  const out: IEncodedBatch = {
    inputIds: tf.tensor2d(enc.ids, shape, 'int32'),
    attentionMask: tf.tensor2d(enc.mask, shape, 'int32')
  };
  if (enc.typeIds.some(t => t !== 0)) {
    out.tokenTypeIds = tf.tensor2d(enc.typeIds, shape, 'int32');
  }
  return out;
}
