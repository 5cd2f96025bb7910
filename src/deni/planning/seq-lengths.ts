import { loadDataset, paperSplit } from '../data';
import { resolveModel } from '../model';
import { deriveSeeds, hashToUint32, Rng } from '../random';
import type { DatasetRef } from '../contract/types';
import { encodeBatch, loadTokenizer } from '../text';

/** Padded lengths the trainer will actually see (batches are trimmed to their longest row). */
export interface IEffectiveLengths {
  /** Mean over shuffled training batches of the longest row's tokens. */
  train: number;
  /** Mean over the test set's sequential evaluation batches of the longest row's tokens. */
  eval: number;
  /** Test samples of the split (forward passes per model at evaluation). */
  testSize: number;
  /** Training pool after the class-balanced cap (what all-data trains on). */
  poolSamples: number;
}

/** What the lengths depend on. */
export interface ILengthsRequest {
  dataset: DatasetRef;
  model: string;
  maxLength: number;
  samples: number;
  testSamples?: number;
  batchSize: number;
  /** Evaluation batch (the strategies' default, 32). */
  evalBatchSize?: number;
  /** Sweep seed (split and label choice are fixed per sweep: run 0's seeds stand for all). */
  seed: number;
}

/** Mean of the longest length per batch, for batches in `order`. */
function meanBatchMax(
  lengths: readonly number[],
  order: readonly number[],
  batch: number
): number {
  let total = 0;
  let count = 0;
  for (let i = 0; i < order.length; i += batch) {
    let max = 1;
    for (let j = i; j < Math.min(order.length, i + batch); j++) {
      max = Math.max(max, lengths[order[j]]);
    }
    total += max;
    count++;
  }
  return count > 0 ? total / count : 1;
}

/**
 * Effective sequence lengths of a sweep's training and evaluation batches: the paper split of the
 * data set (the sweep's split and label seeds), tokenised at maxLength by the model's tokenizer,
 * the training set shuffled 20 times (seeded) into batches. A step's time follows these lengths,
 * not maxLength: short sentences padded to 128 would make the estimate several times too high.
 */
export async function effectiveLengths(
  req: ILengthsRequest
): Promise<IEffectiveLengths> {
  const dataset = await loadDataset(req.dataset);
  const seeds = deriveSeeds(req.seed, 0);
  const split = paperSplit(dataset, {
    splitRng: new Rng(seeds.split),
    labelsRng: new Rng(seeds.labels),
    samples: req.samples,
    testSamples: req.testSamples
  });
  const tokenizer = await loadTokenizer(await resolveModel(req.model));
  const lengthsOf = (texts: string[]): number[] => {
    const enc = encodeBatch(tokenizer, texts, undefined, req.maxLength);
    const out: number[] = [];
    for (let r = 0; r < texts.length; r++) {
      let len = 0;
      for (let j = 0; j < enc.seqLen; j++) {
        if (enc.mask[r * enc.seqLen + j] !== 0) {
          len = j + 1;
        }
      }
      out.push(len);
    }
    return out;
  };
  const train = lengthsOf(split.train.map(e => e.text));
  const test = lengthsOf(split.test.map(e => e.text));
  const rng = new Rng(hashToUint32('deni/cost/effective-lengths'));
  let trainMean = 0;
  const shuffles = 20;
  for (let s = 0; s < shuffles; s++) {
    trainMean += meanBatchMax(
      train,
      rng.permutation(train.length),
      req.batchSize
    );
  }
  const pool = paperSplit(dataset, {
    splitRng: new Rng(seeds.split),
    labelsRng: new Rng(seeds.labels),
    samples: req.samples,
    testSamples: req.testSamples,
    allData: true
  });
  return {
    testSize: split.test.length,
    poolSamples: pool.train.length,
    train: trainMean / shuffles,
    eval: meanBatchMax(
      test,
      test.map((_, i) => i),
      req.evalBatchSize ?? 32
    )
  };
}
