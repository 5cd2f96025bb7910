import { describe, expect, it } from 'vitest';
import { hashToUint32, Rng } from '../random';
import { groupId } from './groups';
import { bootstrapMeanStd, bootstrapStdRatio } from './bootstrap';
import { populationStd, quantile } from './descriptive';
import { computeStats, isFailedRun } from './stats';
import { syntheticGroup, syntheticResult } from './synthetic';
import { brownForsythe, welchTTest } from './hypothesis';

const rng = () => new Rng(7);

describe('descriptive statistics', () => {
  it('gives hand-computed mean, population and sample std, min, max', () => {
    const [s] = computeStats(syntheticGroup([1, 2, 3, 4]), {
      rng: rng(),
      resamples: 200
    });
    expect(s.mean).toBe(2.5);
    expect(s.std).toBeCloseTo(Math.sqrt(1.25), 14);
    expect(s.sampleStd).toBeCloseTo(Math.sqrt(5 / 3), 14);
    expect(s.min).toBe(1);
    expect(s.max).toBe(4);
    expect(s.runs).toBe(4);
  });

  it('interpolates quantiles linearly, including the last interval', () => {
    expect(quantile([3, 1, 2], 0.5)).toBe(2);
    expect(quantile([3, 1, 2], 0.99)).toBeCloseTo(2.98, 12);
    expect(quantile([3, 1, 2], 1)).toBe(3);
    expect(quantile([5], 0.3)).toBe(5);
    expect(() => quantile([], 0.5)).toThrow(/empty/);
  });
});

describe('failed runs', () => {
  it('counts macro-F1 below 100 / classes as failed', () => {
    const results = [
      ...syntheticGroup([49.9, 50, 80], { classes: 2 }),
      ...syntheticGroup([16.6, 16.7, 90], { classes: 6, dataset: 'trec' })
    ];
    expect(results.map(isFailedRun)).toEqual([
      true,
      false,
      false,
      true,
      false,
      false
    ]);
    const stats = computeStats(results, { rng: rng(), resamples: 100 });
    expect(stats.map(s => s.failed)).toEqual([1, 1]);
    expect(stats[1].classes).toBe(6);
    expect(stats[1].failThreshold).toBeCloseTo(100 / 6, 12);
  });

  it('rejects groups whose runs disagree on the number of classes', () => {
    const results = [
      syntheticResult({ macroF1: 50, classes: 2, run: 0 }),
      syntheticResult({ macroF1: 50, classes: 3, run: 1 })
    ];
    expect(() => computeStats(results, { rng: rng() })).toThrow(
      /perClassF1 lengths 2, 3/
    );
  });
});

describe('tests against default', () => {
  it('Welch t-test matches a hand computation and scipy', () => {
    const r = welchTTest([1, 2, 3], [4, 5, 6]);
    expect(r?.statistic).toBeCloseTo(-3 / Math.sqrt(2 / 3), 12);
    expect(r?.df[0]).toBeCloseTo(4, 12);
    // scipy.stats.ttest_ind([1,2,3], [4,5,6], equal_var=False).pvalue
    expect(r?.p).toBeCloseTo(0.021311641128756713, 9);
  });

  it('Brown-Forsythe matches a hand computation and scipy', () => {
    const r = brownForsythe([1, 2, 3, 4, 10], [2, 2, 3, 3, 3, 4]);
    // z = |y - median|: [2,1,0,1,7] (mean 2.2) and [1,1,0,0,0,1] (mean 0.5), grand mean 14/11
    const between = 5 * (2.2 - 14 / 11) ** 2 + 6 * (0.5 - 14 / 11) ** 2;
    const within = 30.8 + 1.5;
    expect(r?.statistic).toBeCloseTo((9 * between) / within, 12);
    expect(r?.df).toEqual([1, 9]);
    // scipy.stats.levene(a, b, center='median').pvalue
    expect(r?.p).toBeCloseTo(0.1724966743096283, 9);
  });

  it('is undefined without spread or with too few runs', () => {
    expect(welchTTest([1], [2, 3])).toBeNull();
    expect(welchTTest([2, 2], [2, 2])).toBeNull();
    expect(brownForsythe([1, 1], [2, 2])).toBeNull();
    expect(brownForsythe([1, 2])).toBeNull();
  });

  it('attaches p-values, differences and relative cost to every non-default group', () => {
    const results = [
      ...syntheticGroup([1, 2, 3], { strategy: 'default', modelSteps: 100 }),
      ...syntheticGroup([4, 5, 6], { strategy: 'ensemble', modelSteps: 1000 }),
      ...syntheticGroup([5, 5.5, 6], { strategy: 'deni', modelSteps: 370 })
    ];
    const [def, ens, deni] = computeStats(results, {
      rng: rng(),
      resamples: 100
    });
    expect(def.strategy).toBe('default');
    expect(def.meanP).toBeUndefined();
    expect(def.varianceP).toBeUndefined();
    expect(def.costVsDefault).toBe(1);
    expect(def.costVsEnsemble).toBeCloseTo(0.1, 12);
    expect(ens.meanP).toBeCloseTo(0.021311641128756713, 9);
    expect(ens.meanStat).toBeCloseTo(3 / Math.sqrt(2 / 3), 12);
    expect(ens.meanDiff).toBeCloseTo(3, 12);
    expect(ens.stdVsDefault).toBeCloseTo(1, 12);
    expect(ens.costVsDefault).toBe(10);
    expect(deni.costVsDefault).toBeCloseTo(3.7, 12);
    expect(deni.costVsEnsemble).toBeCloseTo(0.37, 12);
    expect(deni.stdVsDefault).toBeCloseTo(0.5, 12);
  });

  it('compares only within the same configuration', () => {
    const results = [
      ...syntheticGroup([1, 2, 3], { strategy: 'default', dataset: 'a' }),
      ...syntheticGroup([4, 5, 6], { strategy: 'deni', dataset: 'b' })
    ];
    const stats = computeStats(results, { rng: rng(), resamples: 50 });
    expect(stats[1].meanP).toBeUndefined();
    expect(stats[1].costVsDefault).toBeUndefined();
  });
});

describe('wall time against default and ensemble', () => {
  it("divides mean wall seconds by default's and ensemble's in the same configuration", () => {
    const walls = (strategy: string, seconds: number[], dataset = 'sst2') =>
      seconds.map((wallSeconds, run) =>
        syntheticResult({
          strategy,
          dataset,
          run,
          macroF1: 80 + run,
          wallSeconds
        })
      );
    const stats = computeStats(
      [
        ...walls('default', [10, 14]),
        ...walls('ensemble', [60, 66]),
        ...walls('deni', [30, 33, 36]),
        ...walls('deni', [5, 7], 'trec'),
        ...walls('default', [2, 2], 'trec')
      ],
      { rng: rng(), resamples: 20 }
    );
    const [def, ens, deni, trecDefault, trecDeni] = stats;
    expect(def.wallVsDefault).toBe(1);
    expect(def.wallVsEnsemble).toBeCloseTo(12 / 63, 14);
    expect(ens.wallVsDefault).toBeCloseTo(63 / 12, 14);
    expect(ens.wallVsEnsemble).toBe(1);
    expect(deni.wallVsDefault).toBeCloseTo(33 / 12, 14);
    expect(deni.wallVsEnsemble).toBeCloseTo(33 / 63, 14);
    // trec has no ensemble group: only the ratio to trec's own default.
    expect(trecDefault.wallVsDefault).toBe(1);
    expect(trecDeni.wallVsDefault).toBeCloseTo(3, 14);
    expect(trecDeni.wallVsEnsemble).toBeUndefined();
  });

  it('leaves the ratios out where a side has no measured wall time', () => {
    const stats = computeStats(
      [
        ...syntheticGroup([1, 2], { strategy: 'default', wallSeconds: 0 }),
        ...syntheticGroup([3, 4], { strategy: 'ensemble', wallSeconds: 8 }),
        ...syntheticGroup([5, 6], { strategy: 'deni', wallSeconds: 0 })
      ],
      { rng: rng(), resamples: 20 }
    );
    expect(stats.map(s => s.wallVsDefault)).toEqual([
      undefined,
      undefined,
      undefined
    ]);
    expect(stats.map(s => s.wallVsEnsemble)).toEqual([undefined, 1, undefined]);
  });
});

describe('grouping', () => {
  it('orders strategies as the paper and ignores the input order', () => {
    const results = [
      ...syntheticGroup([5, 6, 7], { strategy: 'deni' }),
      ...syntheticGroup([1, 2, 9], {
        strategy: { name: 'deni', params: { s2: 0.1, K: 5 } }
      }),
      ...syntheticGroup([3, 4, 5], { strategy: 'default' }),
      ...syntheticGroup([4, 4, 6], { strategy: 'swa' })
    ];
    const a = computeStats(results, { rng: new Rng(3), resamples: 300 });
    const b = computeStats([...results].reverse(), {
      rng: new Rng(3),
      resamples: 300
    });
    expect(a.map(s => s.strategy)).toEqual([
      'default',
      'swa',
      'deni',
      'deni(K=5, s2=0.1)'
    ]);
    expect(b).toEqual(a);
    expect(a[3].strategyParams).toEqual({ s2: 0.1, K: 5 });
  });

  it('names the bad result', () => {
    const bad = syntheticResult({ macroF1: 50 });
    bad.macroF1 = 150;
    expect(() => computeStats([bad], { rng: rng() })).toThrow(
      /results\[0\].*macroF1.*\[0, 100\].*150/
    );
    const twice = syntheticResult({ macroF1: 50 });
    expect(() => computeStats([twice, twice], { rng: rng() })).toThrow(
      /second result for run key/
    );
  });
});

describe('bootstrap', () => {
  const values = [81.2, 83.5, 79.9, 84.1, 82.2, 50.3, 83.0, 82.8, 81.7, 84.4];

  it('is deterministic for the same seed and differs for another', () => {
    const a = bootstrapMeanStd(values, new Rng(11));
    const b = bootstrapMeanStd(values, new Rng(11));
    const c = bootstrapMeanStd(values, new Rng(12));
    expect(a).toEqual(b);
    expect(c.meanCI).not.toEqual(a.meanCI);
    expect(a.resamples).toBe(2000);
    expect(a.confidence).toBe(0.95);
  });

  it('brackets the estimates and stays inside the data range', () => {
    const { meanCI, stdCI } = bootstrapMeanStd(values, new Rng(1));
    const m = values.reduce((x, y) => x + y) / values.length;
    expect(meanCI[0]).toBeLessThan(m);
    expect(meanCI[1]).toBeGreaterThan(m);
    expect(meanCI[0]).toBeGreaterThanOrEqual(Math.min(...values));
    expect(stdCI[0]).toBeGreaterThanOrEqual(0);
    expect(stdCI[1]).toBeGreaterThan(stdCI[0]);
  });

  it('gives a point interval for constant values and narrows with lower confidence', () => {
    expect(bootstrapMeanStd([3, 3, 3], new Rng(1), 100).meanCI).toEqual([3, 3]);
    const wide = bootstrapMeanStd(values, new Rng(1), 2000, 0.99);
    const narrow = bootstrapMeanStd(values, new Rng(1), 2000, 0.5);
    expect(wide.meanCI[1] - wide.meanCI[0]).toBeGreaterThan(
      narrow.meanCI[1] - narrow.meanCI[0]
    );
    expect(() => bootstrapMeanStd(values, new Rng(1), 0)).toThrow(/resamples/);
    expect(() => bootstrapMeanStd(values, new Rng(1), 10, 1)).toThrow(
      /confidence/
    );
  });

  it('gives a group the same interval whatever other groups are present', () => {
    const mine = syntheticGroup(values, { strategy: 'deni' });
    const other = syntheticGroup([1, 2, 3], { strategy: 'default' });
    const alone = computeStats(mine, { rng: new Rng(5) });
    const withOther = computeStats([...other, ...mine], { rng: new Rng(5) });
    expect(withOther[1].meanCI).toEqual(alone[0].meanCI);
    expect(withOther[1].stdCI).toEqual(alone[0].stdCI);
  });
});

/**
 * Exact bootstrap distribution of std(a*) / std(b*) for tiny samples: every one of the n^n draws
 * of each sample, equally likely, independent; draws of b without spread are left out (counted).
 */
function exactRatioDistribution(
  a: number[],
  b: number[]
): { atoms: [number, number][]; droppedShare: number } {
  const draws = (values: number[]): number[][] => {
    let out: number[][] = [[]];
    for (let i = 0; i < values.length; i++) {
      out = out.flatMap(d => values.map(v => [...d, v]));
    }
    return out;
  };
  const stdOf = (d: number[]) => (new Set(d).size === 1 ? 0 : populationStd(d));
  const aStds = draws(a).map(stdOf);
  const bDraws = draws(b);
  const bStds = bDraws.filter(d => new Set(d).size > 1).map(stdOf);
  const weights = new Map<number, number>();
  for (const x of aStds) {
    for (const y of bStds) {
      // Round so equal ratios reached by different draws form one atom.
      const r = Number((x / y).toPrecision(12));
      weights.set(r, (weights.get(r) ?? 0) + 1);
    }
  }
  const total = aStds.length * bStds.length;
  const atoms = [...weights.entries()]
    .sort((x, y) => x[0] - y[0])
    .map(([r, w]): [number, number] => [r, w / total]);
  return { atoms, droppedShare: 1 - bStds.length / bDraws.length };
}

/** The atom where the exact CDF crosses q, and how far q lies from the atom's CDF edges. */
function atomAt(
  atoms: [number, number][],
  q: number
): { value: number; margin: number } {
  let below = 0;
  for (const [value, p] of atoms) {
    if (below + p > q) {
      return { value, margin: Math.min(q - below, below + p - q) };
    }
    below += p;
  }
  throw new Error('q beyond the distribution');
}

describe('bootstrap of the std ratio to default', () => {
  it('matches the exact bootstrap distribution of two tiny samples', () => {
    // Independent check: enumerate all 3^3 x 4^4 equally likely draw pairs. At confidence 0.6 both
    // bounds fall inside a probability atom with margin, so with 100000 rounds the percentile
    // bounds must be those atoms (a wrong std, paired draws or a lost drop would move them). The
    // sizes differ, so the sample std (ddof 1) would not cancel in the ratio.
    const a = [1, 4, 7];
    const b = [2, 3, 4, 5];
    const confidence = 0.6;
    const resamples = 100000;
    const { atoms, droppedShare } = exactRatioDistribution(a, b);
    const lo = atomAt(atoms, 0.2);
    const hi = atomAt(atoms, 0.8);
    const se = Math.sqrt((0.2 * 0.8) / resamples);
    expect(lo.margin).toBeGreaterThan(8 * se);
    expect(hi.margin).toBeGreaterThan(8 * se);
    expect(lo.value).toBeCloseTo(2 / Math.sqrt(3), 10);
    expect(hi.value).toBeCloseTo(4 * Math.sqrt(2 / 3), 10);
    expect(droppedShare).toBe(4 / 256);
    const boot = bootstrapStdRatio(a, b, new Rng(3), resamples, confidence);
    expect(boot.ci?.[0]).toBeCloseTo(lo.value, 10);
    expect(boot.ci?.[1]).toBeCloseTo(hi.value, 10);
    // Dropped rounds follow Binomial(resamples, 4 / 256): within 5 standard errors.
    const expected = resamples * droppedShare;
    const sd = Math.sqrt(expected * (1 - droppedShare));
    expect(Math.abs(boot.dropped - expected)).toBeLessThan(5 * sd);
    expect(boot.resamples).toBe(resamples);
    expect(boot.confidence).toBe(confidence);
  });

  it('brackets the point ratio, is deterministic and depends on the seed', () => {
    const deni = [83.1, 84.0, 82.7, 83.8, 84.4, 83.3, 82.9, 84.1, 83.6, 83.0];
    const def = [81.2, 83.5, 79.9, 84.1, 82.2, 78.3, 83.0, 85.8, 81.7, 84.4];
    const point = populationStd(deni) / populationStd(def);
    const a = bootstrapStdRatio(deni, def, new Rng(11));
    const b = bootstrapStdRatio(deni, def, new Rng(11));
    const c = bootstrapStdRatio(deni, def, new Rng(12));
    expect(a).toEqual(b);
    expect(c.ci).not.toEqual(a.ci);
    const [low, high] = a.ci as [number, number];
    expect(low).toBeGreaterThan(0);
    expect(low).toBeLessThan(point);
    expect(high).toBeGreaterThan(point);
    expect(a.dropped).toBe(0);
    expect(() => bootstrapStdRatio(deni, [], new Rng(1))).toThrow(/empty/);
    expect(() => bootstrapStdRatio(deni, def, new Rng(1), 0)).toThrow(
      /resamples/
    );
  });

  it('drops default draws without spread and gives null when they pass the lower tail', () => {
    // 4 distinct default runs: 4 / 256 = 1.6 % of rounds dropped, under the 2.5 % tail: an interval.
    const few = bootstrapStdRatio([1, 2, 4], [1, 2, 3, 4], new Rng(5), 4000);
    expect(few.dropped).toBeGreaterThan(0);
    expect(few.dropped).toBeLessThanOrEqual(100);
    expect(few.ci).not.toBeNull();
    // 3 distinct default runs: 1 / 9 of the rounds (about 11 %) dropped: no interval.
    const three = bootstrapStdRatio([1, 2, 4], [1, 2, 3], new Rng(5), 4000);
    expect(three.dropped).toBeGreaterThan(100);
    expect(three.ci).toBeNull();
    // A group without spread has ratio exactly 0 in every round, not a rounding residue.
    const flat = bootstrapStdRatio(
      [0.1, 0.1, 0.1],
      [1, 2, 3, 4, 5],
      new Rng(5)
    );
    expect(flat.ci).toEqual([0, 0]);
  });

  it('is attached to non-default groups and leaves the mean and std intervals unchanged', () => {
    const def = [81.2, 83.5, 79.9, 84.1, 82.2, 78.3, 83.0, 85.8];
    const deni = [83.1, 84.0, 82.7, 83.8, 84.4, 83.3, 82.9, 84.1];
    const results = [
      ...syntheticGroup(def, { strategy: 'default' }),
      ...syntheticGroup(deni, { strategy: 'deni' })
    ];
    const [d, s] = computeStats(results, { rng: new Rng(5), resamples: 500 });
    expect(d.stdRatioCI).toBeUndefined();
    expect(d.stdRatioDropped).toBeUndefined();
    const [low, high] = s.stdRatioCI as [number, number];
    expect(low).toBeLessThan(s.stdVsDefault as number);
    expect(high).toBeGreaterThan(s.stdVsDefault as number);
    expect(s.stdRatioDropped).toBe(0);
    // The group's mean and std intervals are the ones of its own stream alone.
    const alone = computeStats(syntheticGroup(deni, { strategy: 'deni' }), {
      rng: new Rng(5),
      resamples: 500
    });
    expect(s.meanCI).toEqual(alone[0].meanCI);
    expect(s.stdCI).toEqual(alone[0].stdCI);
    expect(alone[0].stdRatioCI).toBeUndefined();
    // ... and still the stream reports had before the ratio interval: its own seed, used only by it.
    const base = new Rng(5).nextUint32();
    const id = groupId({ ...s, strategyName: 'deni' });
    const own = bootstrapMeanStd(
      deni,
      new Rng(hashToUint32(`deni/report/bootstrap/${base}/${id}`)),
      500
    );
    expect([s.meanCI, s.stdCI]).toEqual([own.meanCI, own.stdCI]);
    // Same seed, same interval; another seed, another one.
    const again = computeStats(results, { rng: new Rng(5), resamples: 500 });
    const other = computeStats(results, { rng: new Rng(6), resamples: 500 });
    expect(again[1].stdRatioCI).toEqual(s.stdRatioCI);
    expect(other[1].stdRatioCI).not.toEqual(s.stdRatioCI);
  });

  it('is absent, like the point ratio, when default has no spread', () => {
    // 0.1 three times: jstat's std is a rounding residue (1e-17), not 0.
    const results = [
      ...syntheticGroup([0.1, 0.1, 0.1], { strategy: 'default' }),
      ...syntheticGroup([1, 2, 3], { strategy: 'deni' })
    ];
    const [, s] = computeStats(results, { rng: rng(), resamples: 100 });
    expect(s.stdVsDefault).toBeUndefined();
    expect(s.stdRatioCI).toBeUndefined();
    expect(s.meanP).toBeDefined();
  });
});

describe('paired comparison with default by run index', () => {
  const runs = (
    strategy: string,
    values: [run: number, f1: number][],
    dataset = 'sst2'
  ) =>
    values.map(([run, macroF1]) =>
      syntheticResult({ strategy, run, macroF1, dataset })
    );

  it('pairs runs present and not failed in both, with its own bootstrap stream', () => {
    // Two classes: below 50 is a failed run.
    const results = [
      ...runs('default', [
        [0, 80],
        [1, 82],
        [2, 30],
        [3, 84],
        [4, 81],
        [6, 79]
      ]),
      ...runs('deni', [
        [0, 83],
        [1, 81],
        [2, 85],
        [3, 84],
        [4, 40],
        [5, 86],
        [6, 82.5]
      ])
    ];
    const [def, deni] = computeStats(results, {
      rng: new Rng(5),
      resamples: 300
    });
    expect(def.paired).toBeUndefined();
    // Pairs: runs 0, 1, 3, 6 (run 2: default failed; 4: deni failed; 5: no default run).
    const diffs = [3, -1, 0, 3.5];
    const p = deni.paired as NonNullable<typeof deni.paired>;
    expect(p).toMatchObject({
      pairs: 4,
      wins: 2,
      ties: 1,
      losses: 1,
      exact: true,
      patterns: 16
    });
    expect(p.meanDiff).toBeCloseTo(5.5 / 4, 12);
    // |sum| 5.5 is reached by +-(3, -1, 0, 3.5) and +-(3, +1, 0, 3.5), each with 0 either way.
    expect(p.p).toBe(8 / 16);
    // The interval is the seeded bootstrap of the mean of the differences, on its own stream.
    const base = new Rng(5).nextUint32();
    const id = groupId({ ...deni, strategyName: 'deni' });
    const own = bootstrapMeanStd(
      diffs,
      new Rng(hashToUint32(`deni/report/bootstrap-paired/${base}/${id}`)),
      300
    );
    expect(p.ci).toEqual(own.meanCI);
    expect(p.ci[0]).toBeLessThan(p.meanDiff);
    expect(p.ci[1]).toBeGreaterThan(p.meanDiff);
  });

  it('leaves every other interval as it was: each has its own stream', () => {
    const def = [81.2, 83.5, 79.9, 84.1, 82.2, 78.3, 83.0, 85.8];
    const deni = [83.1, 84.0, 82.7, 83.8, 84.4, 83.3, 82.9, 84.1];
    const results = [
      ...syntheticGroup(def, { strategy: 'default' }),
      ...syntheticGroup(deni, { strategy: 'deni' })
    ];
    const [, s] = computeStats(results, { rng: new Rng(5), resamples: 500 });
    expect(s.paired?.pairs).toBe(8);
    const base = new Rng(5).nextUint32();
    const id = groupId({ ...s, strategyName: 'deni' });
    const stream = (name: string) =>
      new Rng(hashToUint32(`deni/report/${name}/${base}/${id}`));
    const own = bootstrapMeanStd(deni, stream('bootstrap'), 500);
    expect([s.meanCI, s.stdCI]).toEqual([own.meanCI, own.stdCI]);
    const ratio = bootstrapStdRatio(
      deni,
      def,
      stream('bootstrap-std-ratio'),
      500
    );
    expect(s.stdRatioCI).toEqual(ratio.ci);
  });

  it('is absent without a default group, without pairs, and across configurations', () => {
    const results = [
      ...runs('default', [[0, 80]], 'a'),
      ...runs('deni', [[1, 81]], 'a'),
      ...runs('deni', [[0, 81]], 'b'),
      ...runs('default', [[0, 30]], 'c'),
      ...runs('deni', [[0, 81]], 'c')
    ];
    const stats = computeStats(results, { rng: rng(), resamples: 50 });
    expect(stats.map(s => s.paired)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined
    ]);
  });
});
