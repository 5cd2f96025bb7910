import jStat from 'jstat';
import { mean, median, sampleVariance } from './descriptive';

/** Result of a two-sided hypothesis test. */
export interface ITestResult {
  statistic: number;
  /** Two-sided p-value. */
  p: number;
  /** Degrees of freedom: [numerator, denominator] for F tests, one value for t tests. */
  df: number[];
}

/**
 * Levene's test of equal variances with median centring (the Brown-Forsythe variant; scipy's
 * `levene(..., center='median')`). Robust to the skewed, failure-prone F1 distributions of
 * fine-tuning, which is why the paper-style report uses it rather than an F test of variances.
 * Returns null where the statistic is undefined: fewer than two groups, a group with no values,
 * fewer observations than groups + 1, or no spread around any group median at all.
 */
export function brownForsythe(
  ...groups: readonly number[][]
): ITestResult | null {
  const k = groups.length;
  if (k < 2 || groups.some(g => g.length === 0)) {
    return null;
  }
  const total = groups.reduce((n, g) => n + g.length, 0);
  if (total <= k) {
    return null;
  }
  const z = groups.map(g => {
    const m = median(g);
    return g.map(v => Math.abs(v - m));
  });
  const zMeans = z.map(zi => mean(zi));
  const zGrand =
    z.reduce((s, zi) => s + zi.reduce((a, b) => a + b, 0), 0) / total;
  let between = 0;
  let within = 0;
  for (let i = 0; i < k; i++) {
    between += z[i].length * (zMeans[i] - zGrand) ** 2;
    for (const v of z[i]) {
      within += (v - zMeans[i]) ** 2;
    }
  }
  if (within === 0) {
    return null;
  }
  const df1 = k - 1;
  const df2 = total - k;
  const w = (df2 / df1) * (between / within);
  return { statistic: w, p: fSurvival(w, df1, df2), df: [df1, df2] };
}

/**
 * Welch's t-test of equal means without assuming equal variances (scipy's
 * `ttest_ind(a, b, equal_var=False)`), statistic = mean(a) - mean(b) over its standard error.
 * Returns null with fewer than two values in a group or zero variance in both.
 */
export function welchTTest(
  a: readonly number[],
  b: readonly number[]
): ITestResult | null {
  if (a.length < 2 || b.length < 2) {
    return null;
  }
  const va = sampleVariance(a) / a.length;
  const vb = sampleVariance(b) / b.length;
  const se2 = va + vb;
  if (se2 === 0) {
    return null;
  }
  const t = (mean(a) - mean(b)) / Math.sqrt(se2);
  const df =
    (se2 * se2) / ((va * va) / (a.length - 1) + (vb * vb) / (b.length - 1));
  return { statistic: t, p: tTwoSided(t, df), df: [df] };
}

/**
 * P(F > x) for the F distribution with (df1, df2) degrees of freedom, as the regularised incomplete
 * beta I_{df2 / (df2 + df1 x)}(df2 / 2, df1 / 2): computing the upper tail directly keeps small
 * p-values accurate where 1 - cdf would cancel to 0 (relative error below 1e-6 against scipy).
 */
export function fSurvival(x: number, df1: number, df2: number): number {
  if (!(x > 0)) {
    return 1;
  }
  if (x === Infinity) {
    return 0;
  }
  return clamp01(jStat.ibeta(df2 / (df2 + df1 * x), df2 / 2, df1 / 2));
}

/**
 * Two-sided p-value of a t statistic with `df` (possibly fractional) degrees of freedom, as
 * I_{df / (df + t^2)}(df / 2, 1 / 2), accurate in the tails for the same reason as fSurvival.
 */
export function tTwoSided(t: number, df: number): number {
  if (Number.isNaN(t)) {
    return NaN;
  }
  if (!Number.isFinite(t)) {
    return 0;
  }
  return clamp01(jStat.ibeta(df / (df + t * t), df / 2, 0.5));
}

function clamp01(p: number): number {
  return Math.min(1, Math.max(0, p));
}
