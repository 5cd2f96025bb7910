import type { Rng } from '../random';
import type { IDataset, IExample, ISplit, ISplitOptions } from './types';

/** PAPER.md: all-data baseline caps the training split at 55,000 samples, class-balanced. */
export const ALL_DATA_CAP = 55_000;

/** PAPER.md: 20 % of the pooled data is the test split. */
export const TEST_FRACTION = 0.2;

/**
 * Collapses identical texts into one sample so that no text can land in both splits. A text seen
 * with different labels keeps its most frequent label (ties: lowest class index).
 * Returns the unique samples in first-occurrence order.
 */
export function dedupeTexts(
  examples: IExample[],
  labels: string[],
  warnings: string[]
): IExample[] {
  const byText = new Map<string, number[]>();
  const order: string[] = [];
  for (const ex of examples) {
    let counts = byText.get(ex.text);
    if (!counts) {
      counts = new Array<number>(labels.length).fill(0);
      byText.set(ex.text, counts);
      order.push(ex.text);
    }
    counts[ex.label]++;
  }
  let conflicting = 0;
  const out: IExample[] = [];
  for (const text of order) {
    const counts = byText.get(text) as number[];
    let best = 0;
    let kinds = 0;
    for (let c = 0; c < counts.length; c++) {
      if (counts[c] > 0) {
        kinds++;
      }
      if (counts[c] > counts[best]) {
        best = c;
      }
    }
    if (kinds > 1) {
      conflicting++;
    }
    out.push({ text, label: best });
  }
  const merged = examples.length - out.length;
  if (merged > 0) {
    warnings.push(
      `${merged} duplicate text(s) merged before splitting so the test split never shares a text with training` +
        (conflicting > 0
          ? `; ${conflicting} text(s) had conflicting labels and kept their most frequent label`
          : '')
    );
  }
  return out;
}

/** Indices of each class, in data order. */
function byClass(examples: IExample[], classes: number): number[][] {
  const groups: number[][] = Array.from({ length: classes }, () => []);
  examples.forEach((ex, i) => groups[ex.label].push(i));
  return groups;
}

/**
 * Per-class counts summing to `total`, proportional to `sizes` (largest remainder; ties to the
 * lower class index), never above a class's size.
 */
export function proportionalCounts(sizes: number[], total: number): number[] {
  const all = sizes.reduce((s, n) => s + n, 0);
  if (total >= all) {
    return sizes.slice();
  }
  const exact = sizes.map(n => (n * total) / all);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((s, n) => s + n, 0);
  const byRemainder = exact
    .map((x, c) => ({ c, r: x - Math.floor(x) }))
    .sort((a, b) => b.r - a.r || a.c - b.c);
  for (const { c } of byRemainder) {
    if (left === 0) {
      break;
    }
    if (counts[c] < sizes[c]) {
      counts[c]++;
      left--;
    }
  }
  return counts;
}

/** Draws up to `perClass` samples of every class with `rng`; returns indices sorted by data order. */
function balancedDraw(
  groups: number[][],
  perClass: number,
  rng: Rng,
  labels: string[],
  warnings: string[],
  what: string,
  setName: string
): number[] {
  const chosen: number[] = [];
  groups.forEach((idx, c) => {
    const pool = rng.shuffle(idx.slice());
    if (pool.length < perClass) {
      warnings.push(
        `${setName}: class "${labels[c]}" has only ${pool.length} training sample(s), fewer than the ${perClass} per class that the ${what} asks; all ${pool.length} are used`
      );
    }
    // Loops, not push(...xs): spreading a large class overflows the call stack.
    for (const i of pool.slice(0, perClass)) {
      chosen.push(i);
    }
  });
  return chosen.sort((a, b) => a - b);
}

/**
 * The paper's data protocol (PAPER.md "Data"): identical texts merged, a stratified 80/20 split
 * drawn with the split generator, then a class-balanced labelled subset of ceil(samples / classes)
 * per class drawn with the labels generator (all of a class if fewer, with a warning naming it).
 * All-data mode keeps the whole 80 % up to a class-balanced cap. Both splits come back in data
 * order; the trainer shuffles with its own order generator.
 */
export function paperSplit(dataset: IDataset, opts: ISplitOptions): ISplit {
  const classes = dataset.labels.length;
  if (classes < 2) {
    throw new Error(
      `data set "${dataset.id}" has ${classes} class(es); classification needs at least 2`
    );
  }
  const samples = opts.samples;
  if (!opts.allData && (!Number.isInteger(samples) || samples < classes)) {
    throw new RangeError(
      `label budget (samples) must be an integer >= the number of classes (${classes}) of "${dataset.id}", got ${String(samples)}`
    );
  }
  const testFraction = opts.testFraction ?? TEST_FRACTION;
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new RangeError(
      `test fraction must be in (0, 1), got ${testFraction}`
    );
  }
  if (
    opts.testSamples !== undefined &&
    (!Number.isInteger(opts.testSamples) || opts.testSamples < 1)
  ) {
    throw new RangeError(
      `testSamples must be a positive integer, got ${String(opts.testSamples)}`
    );
  }
  const warnings: string[] = [];
  for (const ex of dataset.examples) {
    if (!Number.isInteger(ex.label) || ex.label < 0 || ex.label >= classes) {
      throw new RangeError(
        `data set "${dataset.id}" has a sample with label ${String(ex.label)}; valid labels are 0..${classes - 1}`
      );
    }
  }
  const unique = dedupeTexts(dataset.examples, dataset.labels, warnings);
  const groups = byClass(unique, classes);

  // Stratified split: every class contributes round(n * fraction) samples to the test split.
  const trainIdx: number[] = [];
  let testIdx: number[] = [];
  const testGroups: number[][] = [];
  groups.forEach((idx, c) => {
    const shuffled = opts.splitRng.shuffle(idx.slice());
    const nTest = Math.round(shuffled.length * testFraction);
    if (idx.length > 0 && (nTest === 0 || nTest === idx.length)) {
      warnings.push(
        `class "${dataset.labels[c]}" has ${idx.length} sample(s): too few to appear in both splits`
      );
    }
    if (idx.length === 0) {
      warnings.push(`class "${dataset.labels[c]}" has no samples`);
    }
    testGroups.push(shuffled.slice(0, nTest));
    for (const i of shuffled.slice(nTest)) {
      trainIdx.push(i);
    }
  });
  testIdx = testGroups.flat();

  if (opts.testSamples !== undefined && opts.testSamples < testIdx.length) {
    // A fork keeps the full split identical whether or not the test split is capped.
    const capRng = opts.splitRng.fork('test-cap');
    const counts = proportionalCounts(
      testGroups.map(g => g.length),
      opts.testSamples
    );
    testIdx = testGroups.flatMap((g, c) =>
      capRng.shuffle(g.slice()).slice(0, counts[c])
    );
  }
  testIdx.sort((a, b) => a - b);

  const trainGroups = byClass(
    trainIdx.map(i => unique[i]),
    classes
  ).map(g => g.map(j => trainIdx[j]));
  let chosen: number[];
  if (opts.allData) {
    const cap = opts.allDataCap ?? ALL_DATA_CAP;
    if (trainIdx.length <= cap) {
      chosen = trainIdx.slice().sort((a, b) => a - b);
    } else {
      chosen = balancedDraw(
        trainGroups,
        Math.ceil(cap / classes),
        opts.labelsRng,
        dataset.labels,
        warnings,
        `all-data cap of ${cap}`,
        dataset.id
      );
    }
  } else {
    chosen = balancedDraw(
      trainGroups,
      Math.ceil(samples / classes),
      opts.labelsRng,
      dataset.labels,
      warnings,
      `label budget of ${samples}`,
      dataset.id
    );
  }
  return {
    train: chosen.map(i => unique[i]),
    test: testIdx.map(i => unique[i]),
    warnings
  };
}
