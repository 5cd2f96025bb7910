import { describe, expect, it } from 'vitest';
import { Rng } from '../random';
import {
  pairByRun,
  SIGN_FLIP_DRAWS,
  signFlipTest,
  winsTiesLosses
} from './paired';

/** p by brute force: every sign pattern, each sum from scratch, exact (integer) values only. */
function bruteForceP(diffs: readonly number[]): number {
  const n = diffs.length;
  const observed = Math.abs(diffs.reduce((a, b) => a + b, 0));
  let hits = 0;
  for (let mask = 0; mask < 2 ** n; mask++) {
    let s = 0;
    for (let j = 0; j < n; j++) {
      s += mask & (1 << j) ? -diffs[j] : diffs[j];
    }
    if (Math.abs(s) >= observed) {
      hits++;
    }
  }
  return hits / 2 ** n;
}

describe('sign-flip permutation test', () => {
  it('gives hand-enumerated exact p-values', () => {
    // +-1 +-2 +-3: sums 6 4 2 0 0 -2 -4 -6; |sum| >= 6 twice of 8.
    expect(signFlipTest([1, 2, 3])).toEqual({
      mean: 2,
      p: 0.25,
      exact: true,
      patterns: 8
    });
    // +-2 +-2 +-1: 5 3 1 -1 1 -1 -3 -5 -> 2 of 8 reach 5; observed 1 is reached by 6 of 8.
    expect(signFlipTest([2, 2, 1]).p).toBe(0.25);
    expect(signFlipTest([2, -2, 1]).p).toBe(1);
    // A zero difference doubles the patterns, not the share.
    expect(signFlipTest([1, 2, 3, 0])).toMatchObject({ p: 0.25, patterns: 16 });
    // Mean 0: every pattern reaches it.
    expect(signFlipTest([1, -1]).p).toBe(1);
    // One pair: its two patterns both reach |d|.
    expect(signFlipTest([0.7]).p).toBe(1);
    // Eight pairs all one way: only the two all-same-sign patterns, 2 / 256.
    expect(signFlipTest([1, 2, 3, 4, 5, 6, 7, 8]).p).toBe(2 / 256);
  });

  it('agrees with brute force over every pattern on integer data, odd and even sizes', () => {
    const rng = new Rng(11);
    for (const n of [1, 2, 5, 9, 12]) {
      const diffs = Array.from({ length: n }, () => rng.int(21) - 10);
      expect(signFlipTest(diffs).p).toBe(bruteForceP(diffs));
    }
  });

  it('counts patterns that tie the observed sum in exact arithmetic despite rounding', () => {
    // Exact (rational) enumeration: 14 of 16 patterns reach |0.3|. In floating point two of them
    // land a rounding error below the observed sum; without the tolerance p would be 12 / 16.
    expect(signFlipTest([0.5, -0.1, 0.1, -0.2]).p).toBe(14 / 16);
    expect(signFlipTest([0.2, -0.6, 0.2, 0.4, 0.6]).p).toBe(18 / 32);
  });

  it('is exact up to 20 pairs and a seeded Monte Carlo estimate beyond', () => {
    const rng = new Rng(3);
    const diffs = Array.from({ length: 22 }, (_, i) => rng.normal() + 0.1 * i);
    const exact = signFlipTest(diffs, { exactMax: 22 });
    expect(exact).toMatchObject({ exact: true, patterns: 2 ** 22 });
    const mc = signFlipTest(diffs, { rng: new Rng(1) });
    expect(mc).toMatchObject({ exact: false, patterns: SIGN_FLIP_DRAWS });
    // Within four standard errors of the exact value.
    const se = Math.sqrt((exact.p * (1 - exact.p)) / SIGN_FLIP_DRAWS);
    expect(Math.abs(mc.p - exact.p)).toBeLessThan(4 * se + 1e-5);
    // Seeded: the same generator state gives the same estimate, another seed another one.
    expect(signFlipTest(diffs, { rng: new Rng(1) }).p).toBe(mc.p);
    expect(signFlipTest(diffs, { rng: new Rng(2) }).p).not.toBe(mc.p);
    expect(signFlipTest(diffs.slice(0, 20)).exact).toBe(true);
    expect(() => signFlipTest(diffs)).toThrow(/22 pairs .* pass an rng/);
  });

  it('never gives a Monte Carlo p of 0', () => {
    const diffs = Array.from({ length: 40 }, () => 1);
    const mc = signFlipTest(diffs, { rng: new Rng(1), draws: 200 });
    expect(mc.p).toBe(1 / 201);
  });

  it('rejects no differences and non-finite ones', () => {
    expect(() => signFlipTest([])).toThrow(/no differences/);
    expect(() => signFlipTest([1, NaN])).toThrow(/finite/);
    expect(() => signFlipTest([1], { exactMax: 31 })).toThrow(/exactMax/);
  });
});

describe('pairing by run index', () => {
  const run = (r: number, value: number, failed = false) => ({
    run: r,
    value,
    failed
  });

  it('pairs indices present and not failed on both sides, in run order', () => {
    const a = [run(3, 10), run(0, 5), run(1, 7, true), run(2, 8), run(4, 1)];
    const b = [run(0, 4), run(1, 6), run(2, 9, true), run(3, 10)];
    expect(pairByRun(a, b)).toEqual({ runs: [0, 3], diffs: [1, 0] });
  });

  it('leaves out an index present twice on one side', () => {
    const a = [run(0, 5), run(0, 6), run(1, 3)];
    const b = [run(0, 4), run(1, 1)];
    expect(pairByRun(a, b)).toEqual({ runs: [1], diffs: [2] });
  });

  it('counts wins, exact ties and losses', () => {
    expect(winsTiesLosses([0.5, 0, -1e-9, 2, 0])).toEqual({
      wins: 2,
      ties: 2,
      losses: 1
    });
  });
});
