import type { IDataset } from './types';

/**
 * Throws a readable error when a split leaves no test sample (a tiny data file, or a label
 * budget that takes every sample), naming the data set and the split sizes; without it the run
 * fails later with "metrics need at least one test sample".
 */
export function assertTestSamples(
  label: string,
  dataset: Pick<IDataset, 'examples'>,
  split: { train: unknown[]; test: unknown[] }
): void {
  if (split.test.length > 0) {
    return;
  }
  throw new RangeError(
    `data set ${label}: no test samples after the split (${dataset.examples.length} samples: ${split.train.length} train, 0 test); ` +
      'metrics need at least one test sample: use a larger data set or a smaller label budget (budget.samples)'
  );
}
