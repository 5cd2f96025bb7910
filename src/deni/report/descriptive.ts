import jStat from 'jstat';

/**
 * Descriptive statistics over plain number arrays. Means, medians and standard deviations come
 * from jstat; the quantile is our own because jStat.percentile skips the interpolation in the last
 * interval (it returns the second-largest value for k close to 1).
 */

/** Arithmetic mean; throws on an empty array. */
export function mean(values: readonly number[]): number {
  requireValues(values, 'mean');
  return jStat.mean(values as number[]);
}

/** Population standard deviation (ddof 0, as the paper and numpy's default). */
export function populationStd(values: readonly number[]): number {
  requireValues(values, 'populationStd');
  return jStat.stdev(values as number[], false);
}

/** Sample standard deviation (ddof 1); 0 for a single value (it is undefined there). */
export function sampleStd(values: readonly number[]): number {
  requireValues(values, 'sampleStd');
  return values.length < 2 ? 0 : jStat.stdev(values as number[], true);
}

/** Sample variance (ddof 1); 0 for a single value. */
export function sampleVariance(values: readonly number[]): number {
  requireValues(values, 'sampleVariance');
  return values.length < 2 ? 0 : jStat.variance(values as number[], true);
}

/** Median (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  requireValues(values, 'median');
  return jStat.median(values as number[]);
}

/**
 * Quantile `q` in [0, 1] by linear interpolation between order statistics (Hyndman-Fan type 7,
 * numpy's default `linear` method).
 */
export function quantile(values: readonly number[], q: number): number {
  requireValues(values, 'quantile');
  if (!(q >= 0 && q <= 1)) {
    throw new RangeError(`quantile needs q in [0, 1], got ${q}`);
  }
  return quantileSorted(Float64Array.from(values).sort(), q);
}

/** Type-7 quantile of an already ascending-sorted array. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

function requireValues(values: readonly number[], what: string): void {
  if (values.length === 0) {
    throw new RangeError(`${what} of an empty list of values is undefined`);
  }
}
