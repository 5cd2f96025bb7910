import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../random';
import { bootstrapMeanStd, bootstrapStdRatio } from './bootstrap';
import { populationStd, quantile } from './descriptive';
import { computeStats } from './stats';
import { syntheticGroup } from './synthetic';
import { brownForsythe, fSurvival, tTwoSided } from './hypothesis';
import { signFlipTest } from './paired';

const repoRoot = path.resolve(__dirname, '../../..');
const python = path.resolve(repoRoot, '.venv/bin/python');
const script = path.resolve(repoRoot, 'reference/report_check.py');

/** Runs reference/report_check.py on a request and parses its JSON answer. */
function reference(request: unknown): Record<string, unknown> {
  const out = spawnSync(python, [script], {
    input: JSON.stringify(request),
    encoding: 'utf8'
  });
  if (out.status !== 0) {
    throw new Error(`report_check.py failed (${out.status}): ${out.stderr}`);
  }
  return JSON.parse(out.stdout) as Record<string, unknown>;
}

interface IPairRef {
  mean: number;
  std: number;
  sample_std: number;
  min: number;
  max: number;
  levene_stat: number;
  levene_p: number;
  welch_t: number;
  welch_p: number;
  welch_df: number;
}

/** Seeded F1-like samples: a normal bulk plus occasional chance-level failures. */
function sample(
  seed: number,
  n: number,
  mean: number,
  std: number,
  failRate = 0
): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () =>
    rng.uniform() < failRate
      ? 50 * rng.uniform()
      : Math.min(100, mean + std * rng.normal())
  );
}

const relClose = (actual: number, expected: number, rel: number) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(
    rel * Math.max(1, Math.abs(expected))
  );

/** p-values: relative error below 1e-6 (jstat's incomplete beta), even deep in the tails. */
const pClose = (actual: number, expected: number) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(
    1e-6 * expected + 1e-15
  );

describe.skipIf(!existsSync(python))('statistics against numpy / scipy', () => {
  const pairs: [number[], number[]][] = [
    [sample(1, 20, 85, 1.2), sample(2, 20, 84, 2.5, 0.1)],
    [sample(3, 20, 91.5, 0.4), sample(4, 20, 91, 0.45)],
    [sample(5, 7, 60, 8), sample(6, 13, 55, 3, 0.2)],
    [
      [1, 2, 3, 4, 10],
      [2, 2, 3, 3, 3, 4]
    ],
    [sample(7, 20, 99.7, 0.1), sample(8, 20, 70, 12, 0.3)]
  ];
  const fPoints: [number, number, number][] = [
    [0.5, 1, 38],
    [3, 1, 38],
    [12.5, 1, 18],
    [0.01, 2, 5],
    [40, 3, 30],
    [200, 1, 38],
    [80, 1, 57.3]
  ];
  const tPoints: [number, number][] = [
    [2.0, 7.5],
    [-0.3, 37.9],
    [5.2, 19.2],
    [1e-4, 3],
    [9, 21.3],
    [15, 9.7],
    [-40, 38]
  ];
  const qs = [0, 0.025, 0.1, 0.5, 0.9, 0.975, 0.99, 1];
  const bootValues = sample(9, 20, 85, 2, 0.1);
  const ratioValues = sample(13, 20, 85, 1.2);
  const ratioReference = sample(14, 15, 84, 2.5, 0.1);
  // Paired runs (x_i, y_i): F1-like normal data of 6, 10 and 15 pairs, integer data full of
  // exact ties, and decimals whose tying patterns differ from the observed sum by rounding only.
  const signFlipPairs: [number[], number[]][] = [
    [sample(15, 6, 85, 1), sample(16, 6, 84.5, 1)],
    [sample(17, 10, 90.4, 0.4), sample(18, 10, 88.8, 0.5)],
    [sample(19, 15, 65, 0.8), sample(20, 15, 65.1, 0.8, 0.1)],
    [
      [3, 1, 4, 1, 5, 9, 2, 6, 5, 3],
      [2, 7, 1, 8, 2, 8, 1, 8, 2, 8]
    ],
    [
      [0.5, -0.1, 0.1, -0.2, 0.2, -0.6, 0.2, 0.4, 0.6],
      [0, 0, 0, 0, 0, 0, 0, 0, 0]
    ]
  ];
  const ref = reference({
    sign_flip: signFlipPairs.map(([x, y]) => ({ x, y })),
    pairs,
    groups: [
      [sample(10, 10, 80, 1), sample(11, 12, 80, 2), sample(12, 9, 81, 3)]
    ],
    quantiles: { values: bootValues, qs },
    f_sf: fPoints,
    t_two: tPoints,
    bootstrap: [
      { values: bootValues, resamples: 20000, confidence: 0.95, seed: 1 }
    ],
    std_ratio: [
      {
        values: ratioValues,
        reference: ratioReference,
        resamples: 20000,
        confidence: 0.95,
        seed: 1
      }
    ]
  });

  it('mean, std (ddof 0 and 1), min, max, Levene (median) and Welch match per group', () => {
    const refs = ref.pairs as IPairRef[];
    pairs.forEach(([a, b], i) => {
      const results = [
        ...syntheticGroup(b, { strategy: 'default', dataset: `d${i}` }),
        ...syntheticGroup(a, { strategy: 'deni', dataset: `d${i}` })
      ];
      const s = computeStats(results, { rng: new Rng(1), resamples: 10 })[1];
      const r = refs[i];
      relClose(s.mean, r.mean, 1e-13);
      relClose(s.std, r.std, 1e-12);
      relClose(s.sampleStd, r.sample_std, 1e-12);
      expect(s.min).toBe(r.min);
      expect(s.max).toBe(r.max);
      relClose(s.varianceStat as number, r.levene_stat, 1e-10);
      pClose(s.varianceP as number, r.levene_p);
      relClose(s.meanStat as number, r.welch_t, 1e-10);
      relClose(s.meanDf as number, r.welch_df, 1e-10);
      pClose(s.meanP as number, r.welch_p);
    });
  });

  it('sign-flip p matches scipy.stats.permutation_test (permutation_type="samples", exact)', () => {
    const refs = ref.sign_flip as { statistic: number; p: number }[];
    signFlipPairs.forEach(([x, y], i) => {
      const ours = signFlipTest(x.map((v, j) => v - y[j]));
      expect(ours.exact).toBe(true);
      relClose(ours.mean, refs[i].statistic, 1e-12);
      // Both count patterns: the same rational number, so equal up to the last bit.
      expect(ours.p).toBeCloseTo(refs[i].p, 14);
    });
    // The cases span small and large p (a test that always said 1 or 0 would fail here).
    expect(Math.min(...refs.map(r => r.p))).toBeLessThan(0.01);
    expect(Math.max(...refs.map(r => r.p))).toBeGreaterThan(0.3);
  });

  it('Brown-Forsythe over three groups matches levene(center="median")', () => {
    const [g] = ref.groups as { stat: number; p: number }[];
    const r = brownForsythe(
      sample(10, 10, 80, 1),
      sample(11, 12, 80, 2),
      sample(12, 9, 81, 3)
    );
    relClose(r?.statistic as number, g.stat, 1e-10);
    pClose(r?.p as number, g.p);
  });

  it('F and t tails (jstat) match scipy', () => {
    const f = ref.f_sf as number[];
    fPoints.forEach(([x, d1, d2], i) =>
      relClose(fSurvival(x, d1, d2), f[i], 1e-8)
    );
    const t = ref.t_two as number[];
    tPoints.forEach(([x, df], i) => relClose(tTwoSided(x, df), t[i], 1e-8));
  });

  it('quantiles match numpy.percentile', () => {
    const q = ref.quantiles as number[];
    qs.forEach((x, i) => relClose(quantile(bootValues, x), q[i], 1e-13));
  });

  it('bootstrap percentile intervals agree with scipy.stats.bootstrap within Monte-Carlo error', () => {
    const [b] = ref.bootstrap as { mean_ci: number[]; std_ci: number[] }[];
    const ours = bootstrapMeanStd(bootValues, new Rng(1), 20000, 0.95);
    // Different generators: allow a few Monte-Carlo standard errors of a quantile of 20000 draws.
    const sd = Math.sqrt(
      bootValues.reduce((s, v) => s + (v - 85) ** 2, 0) / bootValues.length
    );
    const tol = 0.06 * sd;
    expect(Math.abs(ours.meanCI[0] - b.mean_ci[0])).toBeLessThan(tol);
    expect(Math.abs(ours.meanCI[1] - b.mean_ci[1])).toBeLessThan(tol);
    expect(Math.abs(ours.stdCI[0] - b.std_ci[0])).toBeLessThan(tol);
    expect(Math.abs(ours.stdCI[1] - b.std_ci[1])).toBeLessThan(tol);
  });

  it('bootstrap interval of the std ratio agrees with scipy.stats.bootstrap (paired=False)', () => {
    const [[low, high]] = ref.std_ratio as [number, number][];
    const ours = bootstrapStdRatio(
      ratioValues,
      ratioReference,
      new Rng(1),
      20000,
      0.95
    );
    // Different generators: the bounds of 20000 resamples move by about 1 % between seeds (the
    // upper one more); 5 % of the bound is several Monte-Carlo standard errors.
    const [ourLow, ourHigh] = ours.ci as [number, number];
    expect(Math.abs(ourLow - low)).toBeLessThan(0.05 * low);
    expect(Math.abs(ourHigh - high)).toBeLessThan(0.05 * high);
    const point = populationStd(ratioValues) / populationStd(ratioReference);
    expect(low).toBeLessThan(point);
    expect(high).toBeGreaterThan(point);
  });
});
