import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random';
import { poolerNames } from './shapes';
import type { IEncoderConfig, WeightMap } from './types';

/**
 * A fresh classifier head like PyTorch's `nn.Linear` default (PAPER.md; the authors' head is an
 * `nn.Linear`): weight and bias uniform in +-1/sqrt(hidden), weight in torch layout
 * [classes, hidden] drawn first, then the bias, from `rng` (the run's init factor).
 * When `existing` lacks the pooler (some checkpoints ship without one) it is drawn too, after
 * the classifier, so the classifier draw does not depend on the checkpoint.
 */
export function initHead(
  config: IEncoderConfig,
  numClasses: number,
  rng: Rng,
  existing?: WeightMap
): WeightMap {
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new Error(
      `initHead: numClasses must be an integer >= 2, got ${numClasses}`
    );
  }
  const h = config.hiddenSize;
  const std = config.initializerRange;
  const out: WeightMap = new Map();
  const bound = 1 / Math.sqrt(h);
  out.set(
    'classifier.weight',
    tf.tensor2d(rng.uniformArray(numClasses * h, -bound, bound), [
      numClasses,
      h
    ])
  );
  out.set(
    'classifier.bias',
    tf.tensor1d(rng.uniformArray(numClasses, -bound, bound))
  );
  const [pw, pb] = poolerNames(config);
  if (existing && !existing.has(pw)) {
    out.set(pw, tf.tensor2d(rng.normalArray(h * h, 0, std), [h, h]));
    out.set(pb, tf.zeros([h]));
  }
  return out;
}
