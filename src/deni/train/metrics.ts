import type { IMetrics } from './types';

/**
 * Accuracy, per-class F1 and macro-F1 (x100) over all `numClasses` classes; a class with no
 * true and no predicted sample gets F1 0 (scikit-learn's zero_division=0).
 */
export function classificationMetrics(
  labels: ArrayLike<number>,
  predictions: ArrayLike<number>,
  numClasses: number
): IMetrics {
  if (labels.length !== predictions.length) {
    throw new RangeError(
      `metrics need as many predictions as labels, got ${predictions.length} and ${labels.length}`
    );
  }
  if (labels.length === 0) {
    throw new RangeError('metrics need at least one test sample');
  }
  const tp = new Array<number>(numClasses).fill(0);
  const fp = new Array<number>(numClasses).fill(0);
  const fn = new Array<number>(numClasses).fill(0);
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    const p = predictions[i];
    if (y === p) {
      correct += 1;
      tp[y] += 1;
    } else {
      fp[p] += 1;
      fn[y] += 1;
    }
  }
  const perClassF1 = tp.map((t, c) => {
    const d = 2 * t + fp[c] + fn[c];
    return d === 0 ? 0 : (2 * t) / d;
  });
  const macroF1 = (100 * perClassF1.reduce((s, f) => s + f, 0)) / numClasses;
  return { macroF1, accuracy: (100 * correct) / labels.length, perClassF1 };
}

/**
 * Hard majority vote of several models' predictions (one array per model, same length);
 * ties go to the lowest class index (PAPER.md).
 */
export function majorityVote(
  memberPredictions: ReadonlyArray<ArrayLike<number>>,
  numClasses: number
): number[] {
  if (memberPredictions.length === 0) {
    throw new RangeError('majority vote needs at least one member');
  }
  const n = memberPredictions[0].length;
  for (const p of memberPredictions) {
    if (p.length !== n) {
      throw new RangeError(
        `majority vote members disagree in length: ${p.length} vs ${n}`
      );
    }
  }
  const out = new Array<number>(n);
  const counts = new Array<number>(numClasses);
  for (let i = 0; i < n; i++) {
    counts.fill(0);
    for (const p of memberPredictions) {
      counts[p[i]] += 1;
    }
    let best = 0;
    for (let c = 1; c < numClasses; c++) {
      if (counts[c] > counts[best]) {
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}
