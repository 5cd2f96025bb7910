import { describe, expect, it } from 'vitest';
import { Rng } from '../random';
import { bootstrapMeanStd } from './bootstrap';
import { quantile } from './descriptive';
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
