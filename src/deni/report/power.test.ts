import { describe, expect, it } from 'vitest';
import { Rng } from '../random';
import { brownForsythe } from './hypothesis';
import {
  brownForsytheTwo,
  detectableRatio,
  fTestPower,
  NORMAL_MODEL,
  pilotModel,
  runsNeeded,
  simulatePower
} from './power';

/** Fewest n (equal groups) at which the closed-form F test reaches `power`. */
function fTestRuns(ratio: number, power: number): number {
  let n = 2;
  while (fTestPower(ratio, n, n) < power) {
    n++;
  }
  return n;
}

describe('power of variance comparisons', () => {
  it('closed-form F-test power matches known values', () => {
    // At ratio -> 1 the two-sided test rejects with probability alpha.
    expect(fTestPower(1.000001, 10, 10)).toBeCloseTo(0.05, 4);
    // n = 20 per group, sd ratio 0.5: scipy.stats.f gives 0.8375 (cdf(lo / 0.25) + sf(hi / 0.25)).
    expect(fTestPower(0.5, 20, 20)).toBeCloseTo(0.8375, 3);
  });

  it('the simulation reproduces the closed-form F-test power on normal data', () => {
    // Same simulator, F statistic: any error in the draws, the scaling or the counting shows here.
    // 20000 simulations: standard error <= 0.0035, so 4 SE = 0.014 bounds a correct simulator.
    for (const [ratio, n1, n2] of [
      [0.5, 10, 10],
      [0.7, 30, 30],
      [2, 15, 12]
    ] as const) {
      const sim = simulatePower(ratio, n1, n2, NORMAL_MODEL, {
        simulations: 20000,
        test: 'f-test'
      });
      const exact = fTestPower(ratio, n1, n2);
      expect(Math.abs(sim.power - exact)).toBeLessThan(4 * 0.0035);
    }
  });

  it("Brown-Forsythe's power is close to but below the F test's on normal data", () => {
    // Under normality F is the most powerful variance test, so BF must not beat it beyond Monte
    // Carlo error. How far below: BF compares mean absolute deviations from the median, whose
    // asymptotic efficiency against the variance for normal data is 0.876 (Fisher's classic
    // result), so BF needs about 1 / 0.876 = 1.14 x the runs of F for the same power, a bit more
    // at small n where median centring and the F(1, N - 2) reference cost extra (Conover, Johnson
    // and Johnson 1981 report BF conservative at small n). Hence: runs needed by BF between 1.0
    // and 1.45 x those of the F test.
    for (const ratio of [0.5, 0.7]) {
      const bf = runsNeeded(ratio, NORMAL_MODEL, { simulations: 4000 });
      const f = fTestRuns(ratio, 0.8);
      expect(bf.runs).not.toBeNull();
      const share = (bf.runs ?? 0) / f;
      expect(share).toBeGreaterThanOrEqual(1);
      expect(share).toBeLessThan(1.45);
    }
    for (const [ratio, n] of [
      [0.5, 20],
      [0.8, 100]
    ] as const) {
      const bf = simulatePower(ratio, n, n, NORMAL_MODEL, {
        simulations: 10000
      });
      const f = fTestPower(ratio, n, n);
      expect(bf.power).toBeLessThan(f + 4 * bf.standardError);
      // And close: at least the F test's power with 0.8 x the runs (efficiency 0.876 minus slack).
      const m = Math.round(0.8 * n);
      expect(bf.power).toBeGreaterThan(fTestPower(ratio, m, m) - 0.03);
    }
  });

  it('rejects at about alpha when the stds are equal (BF is slightly conservative)', () => {
    const sim = simulatePower(1 + 1e-9, 15, 15, NORMAL_MODEL, {
      simulations: 20000
    });
    expect(sim.power).toBeLessThan(0.05 + 4 * 0.0016);
    expect(sim.power).toBeGreaterThan(0.025);
  });

  it('brownForsytheTwo is the report test', () => {
    const rng = new Rng(3);
    for (const [na, nb] of [
      [5, 5],
      [6, 9],
      [20, 13]
    ]) {
      const a = Array.from({ length: na }, () => rng.normal() * 2);
      const b = Array.from({ length: nb }, () => rng.normal());
      const ref = brownForsythe(a, b);
      const fast = brownForsytheTwo(
        Float64Array.from(a),
        na,
        Float64Array.from(b),
        nb
      );
      expect(fast).toBeCloseTo(ref?.statistic ?? NaN, 10);
    }
  });

  it('runsNeeded is deterministic, monotone in the effect and bounded', () => {
    const a = runsNeeded(0.5, NORMAL_MODEL, { simulations: 1000, seed: 1 });
    const b = runsNeeded(0.5, NORMAL_MODEL, { simulations: 1000, seed: 1 });
    expect(a).toEqual(b);
    const c = runsNeeded(0.3, NORMAL_MODEL, { simulations: 1000, seed: 1 });
    expect(c.runs ?? Infinity).toBeLessThan(a.runs ?? 0);
    expect(a.power).toBeGreaterThanOrEqual(0.8);
    const tooSmall = runsNeeded(0.97, NORMAL_MODEL, {
      simulations: 500,
      maxRuns: 50
    });
    expect(tooSmall.runs).toBeNull();
    expect(tooSmall.power).toBeLessThan(0.8);
    expect(() => runsNeeded(1)).toThrow(/other than 1/);
    expect(() => runsNeeded(0.5, NORMAL_MODEL, { power: 1.5 })).toThrow(
      /power must be in/
    );
    expect(() => runsNeeded(0.5, NORMAL_MODEL, { simulations: 1e9 })).toThrow(
      /simulations/
    );
  });

  it('a heavy-tailed pilot needs more runs than the normal assumption', () => {
    // A pilot with failed runs (two scores near chance among good ones) as in real sweeps: the
    // absolute deviations are noisier, so detecting the same ratio takes more runs.
    const pilot = pilotModel(
      [[85, 86, 84, 87, 85.5, 84.5, 86.5, 50, 85, 52]],
      'synthetic'
    );
    const normal = runsNeeded(0.5, NORMAL_MODEL, { simulations: 1000 });
    const heavy = runsNeeded(0.5, pilot, { simulations: 1000 });
    expect(heavy.runs ?? Infinity).toBeGreaterThan(normal.runs ?? 0);
    expect(heavy.assumption).toMatch(/pilot: 10 default runs of synthetic/);
    expect(() => pilotModel([[80]], 'one run')).toThrow(/at least two runs/);
  });

  it('detectableRatio inverts the power curve', () => {
    const r = detectableRatio(20, 20, NORMAL_MODEL, { simulations: 2000 });
    expect(r).not.toBeNull();
    const at = (x: number) =>
      simulatePower(x, 20, 20, NORMAL_MODEL, { simulations: 2000 }).power;
    expect(at(r ?? 0)).toBeGreaterThanOrEqual(0.8);
    expect(at((r ?? 0) * 1.02)).toBeLessThan(0.8);
    // More runs detect a smaller difference (a ratio closer to 1).
    const r40 = detectableRatio(40, 40, NORMAL_MODEL, { simulations: 2000 });
    expect(r40 ?? 0).toBeGreaterThan(r ?? 1);
    // Two runs per group never reach 80 % power.
    expect(detectableRatio(2, 2, NORMAL_MODEL, { simulations: 500 })).toBe(
      null
    );
  });
});
