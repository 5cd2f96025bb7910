import type { Rng } from '../random';

/**
 * Paired comparison of two strategies by run index. Run i of every strategy of a sweep uses the
 * same seeds (split, labels, data order, init, dropout: random/seeds.ts derives them from the sweep
 * seed and the run index only), so run i of a strategy and run i of default differ by the strategy
 * alone and their macro-F1 difference is one paired observation. No Node built-ins and no jstat:
 * the generator is passed in (a type import only).
 */

/** One run of a group, as far as pairing needs it. */
export interface IPairable {
  run: number;
  value: number;
  failed: boolean;
}

/** Runs matched by index and their differences (value - reference), in run order. */
export interface IPairing {
  runs: number[];
  diffs: number[];
}

/**
 * Pairs `values` with `reference` by run index: a pair for every index present once and not
 * failed on both sides. An index present twice on one side is left out, since nothing says which
 * of the two runs belongs to the pair.
 */
export function pairByRun(
  values: readonly IPairable[],
  reference: readonly IPairable[]
): IPairing {
  const once = (list: readonly IPairable[]): Map<number, IPairable> => {
    const seen = new Map<number, IPairable | null>();
    for (const r of list) {
      seen.set(r.run, seen.has(r.run) ? null : r);
    }
    const out = new Map<number, IPairable>();
    for (const [run, r] of seen) {
      if (r && !r.failed) {
        out.set(run, r);
      }
    }
    return out;
  };
  const own = once(values);
  const ref = once(reference);
  const runs = [...own.keys()]
    .filter(run => ref.has(run))
    .sort((a, b) => a - b);
  return {
    runs,
    diffs: runs.map(run => own.get(run)!.value - ref.get(run)!.value)
  };
}

/** How many differences are above, at and below zero. */
export interface IWinsTiesLosses {
  wins: number;
  ties: number;
  losses: number;
}

/** Wins (difference > 0), ties (exactly 0: the same macro-F1) and losses (< 0). */
export function winsTiesLosses(diffs: readonly number[]): IWinsTiesLosses {
  let wins = 0;
  let ties = 0;
  let losses = 0;
  for (const d of diffs) {
    if (d > 0) {
      wins++;
    } else if (d < 0) {
      losses++;
    } else {
      ties++;
    }
  }
  return { wins, ties, losses };
}

/** Largest number of pairs for which signFlipTest enumerates every sign pattern by default. */
export const SIGN_FLIP_EXACT_MAX = 20;

/** Random sign patterns of signFlipTest beyond SIGN_FLIP_EXACT_MAX pairs (default). */
export const SIGN_FLIP_DRAWS = 100_000;

/** Options of signFlipTest. */
export interface ISignFlipOptions {
  /** Enumerate all 2^n patterns up to this many pairs (default 20; at most 30). */
  exactMax?: number;
  /** Random patterns beyond exactMax (default 100000). */
  draws?: number;
  /** Generator of the random patterns; needed only beyond exactMax. */
  rng?: Rng;
}

/** Result of signFlipTest. */
export interface ISignFlipResult {
  /** Mean of the differences. */
  mean: number;
  /** Two-sided p-value of the mean. */
  p: number;
  /** True when every sign pattern was enumerated, false for a Monte Carlo estimate. */
  exact: boolean;
  /** Sign patterns behind p: 2^n when exact, else the random draws. */
  patterns: number;
}

/**
 * Two-sided sign-flip permutation test of the mean of paired differences (H0: each difference is
 * symmetric about 0, i.e. the two members of a pair are exchangeable). The null distribution is the
 * mean under every assignment of signs to the differences; p is the share of assignments whose
 * |mean| reaches the observed |mean|, the observed one included. The same test as scipy's
 * `permutation_test((x, y), mean of x - y, permutation_type='samples')` (whose two-sided p, twice
 * the smaller tail, equals this one because the sign-flip null is symmetric).
 *
 * Up to `exactMax` pairs every one of the 2^n patterns is enumerated (exact p, at least 2^-n).
 * Beyond that, `draws` random patterns from `rng` give the estimate (1 + hits) / (1 + draws),
 * which counts the observed pattern too and so is never 0 (a valid p-value at any draw count).
 * Sums that tie the observed one up to 1e-12 of sum |d| count as reaching it: patterns equal in
 * exact arithmetic (equal magnitudes, zeros) must not fall either side by a rounding error.
 */
export function signFlipTest(
  diffs: readonly number[],
  options: ISignFlipOptions = {}
): ISignFlipResult {
  const n = diffs.length;
  if (n === 0) {
    throw new RangeError('sign-flip test of no differences is undefined');
  }
  if (!diffs.every(Number.isFinite)) {
    throw new RangeError('sign-flip test: every difference must be finite');
  }
  const exactMax = options.exactMax ?? SIGN_FLIP_EXACT_MAX;
  if (!Number.isInteger(exactMax) || exactMax < 0 || exactMax > 30) {
    throw new RangeError(
      `sign-flip exactMax must be an integer in [0, 30], got ${exactMax}`
    );
  }
  const scale = diffs.reduce((s, d) => s + Math.abs(d), 0);
  const tol = 1e-12 * scale;
  if (n <= exactMax) {
    return exactSignFlip(diffs, tol);
  }
  const draws = options.draws ?? SIGN_FLIP_DRAWS;
  if (!Number.isInteger(draws) || draws < 1) {
    throw new RangeError(
      `sign-flip draws must be a positive integer, got ${draws}`
    );
  }
  const rng = options.rng;
  if (!rng) {
    throw new RangeError(
      `sign-flip test of ${n} pairs (more than ${exactMax}) draws random patterns: pass an rng`
    );
  }
  const observed = sumOf(diffs);
  const threshold = Math.abs(observed) - tol;
  let hits = 0;
  for (let r = 0; r < draws; r++) {
    let s = 0;
    let bits = 0;
    for (let j = 0; j < n; j++) {
      // 32 signs per draw from the generator.
      if (j % 32 === 0) {
        bits = rng.nextUint32();
      }
      s += (bits >>> (j % 32)) & 1 ? -diffs[j] : diffs[j];
    }
    if (Math.abs(s) >= threshold) {
      hits++;
    }
  }
  return {
    mean: observed / n,
    p: (1 + hits) / (1 + draws),
    exact: false,
    patterns: draws
  };
}

/**
 * Every sign pattern: the sums of each half's 2^h patterns, then all their pairwise sums (2^n
 * additions, one rounding each, instead of n per pattern).
 */
function exactSignFlip(diffs: readonly number[], tol: number): ISignFlipResult {
  const n = diffs.length;
  const half = n >> 1;
  const low = halfSums(diffs.slice(0, half));
  const high = halfSums(diffs.slice(half));
  // Index 0 of each half is its all-plus pattern: the observed sum.
  const observed = low[0] + high[0];
  const threshold = Math.abs(observed) - tol;
  let hits = 0;
  for (let i = 0; i < low.length; i++) {
    const a = low[i];
    for (let j = 0; j < high.length; j++) {
      if (Math.abs(a + high[j]) >= threshold) {
        hits++;
      }
    }
  }
  const patterns = low.length * high.length;
  return { mean: observed / n, p: hits / patterns, exact: true, patterns };
}

/** Sum of every sign pattern of `values`; pattern 0 is all plus. */
function halfSums(values: readonly number[]): Float64Array {
  const out = new Float64Array(2 ** values.length);
  let filled = 1;
  for (const v of values) {
    for (let i = 0; i < filled; i++) {
      out[filled + i] = out[i] - v;
      out[i] += v;
    }
    filled *= 2;
  }
  return out;
}

function sumOf(values: readonly number[]): number {
  let s = 0;
  for (const v of values) {
    s += v;
  }
  return s;
}
