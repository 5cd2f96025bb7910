import { describe, expect, it } from 'vitest';
import type { StrategyName } from '../contract/types';
import {
  formatCostTable,
  formatPlan,
  getStrategy,
  listStrategies,
  planCostTable
} from './index';
import {
  MAX_SCHEDULE_EVENTS,
  niCycles,
  ScheduleTooLargeError
} from './schedule';
import { noisySteps } from './noise-schedule';

const PAPER = { samples: 1000, epochs: 10, batchSize: 8 };

describe('DENI plan (PAPER.md constants, T = 1250)', () => {
  it('pins every event: two NI cycles in 30-60 %, DE at 90 %, vote of 10', () => {
    const plan = getStrategy('deni').plan({ ...PAPER, testSamples: 400 });
    expect(plan.totalSteps).toBe(1250);
    expect(plan.events).toEqual([
      { step: 375, kind: 'copies', models: 9 },
      {
        step: 375,
        kind: 'noise',
        multiplier: Math.sqrt(0.15 / 375),
        models: 9
      },
      { step: 500, kind: 'average', models: 10 },
      { step: 625, kind: 'copies', models: 9 },
      {
        step: 625,
        kind: 'noise',
        multiplier: Math.sqrt(0.15 / 625),
        models: 9
      },
      { step: 750, kind: 'average', models: 10 },
      { step: 1125, kind: 'copies', models: 9 },
      { step: 1125, kind: 'noise', multiplier: Math.sqrt(0.15), models: 9 },
      { step: 1125, kind: 'ensemble-start', models: 10 },
      { step: 1250, kind: 'end', models: 10 }
    ]);
    // 1250 main steps + 2 cycles x 125 x 9 copies + 125 x 9 DE copies
    expect(plan.cost.modelSteps).toBe(4625);
    expect(plan.cost.relativeToDefault).toBeCloseTo(3.7, 10);
    expect(plan.cost.relativeToEnsemble).toBeCloseTo(0.37, 10);
    expect(plan.cost.testForwardPasses).toBe(4000);
    expect(plan.prediction).toBe('vote');
  });

  it('splits into the DE and NI ablations', () => {
    const de = getStrategy('de').plan(PAPER);
    expect(de.events.map(e => [e.step, e.kind])).toEqual([
      [1125, 'copies'],
      [1125, 'noise'],
      [1125, 'ensemble-start'],
      [1250, 'end']
    ]);
    expect(de.cost.modelSteps).toBe(1250 + 125 * 9);
    const ni = getStrategy('ni').plan(PAPER);
    expect(
      ni.events.filter(e => e.kind === 'average').map(e => e.step)
    ).toEqual([500, 750]);
    expect(ni.events.at(-1)).toEqual({ step: 1250, kind: 'end', models: 1 });
    expect(ni.cost.modelSteps).toBe(1250 + 2 * 125 * 9);
    expect(ni.prediction).toBe('main');
  });

  it('follows overrides of K, s2, the window and the cycle', () => {
    const p = getStrategy('deni').plan({
      ...PAPER,
      params: { K: 4, s2: 0.5, cycle: 50, gap: 100, niStart: 0.2, niEnd: 0.5 }
    });
    const opens = p.events.filter(e => e.kind === 'copies').map(e => e.step);
    // window [250, 625): open at 250, close 300; next open at 400, close 450; next 550 -> 600
    expect(opens).toEqual([250, 400, 550, 1125]);
    expect(p.events.find(e => e.kind === 'noise')?.multiplier).toBeCloseTo(
      Math.sqrt(0.5 / 250),
      12
    );
    expect(p.cost.modelSteps).toBe(1250 + 3 * 50 * 3 + 125 * 3);
  });
});

describe('baseline plans', () => {
  it('ensemble trains K full runs and votes', () => {
    const p = getStrategy('ensemble').plan({ ...PAPER, testSamples: 10 });
    expect(p.members).toBe(10);
    expect(p.cost.modelSteps).toBe(12500);
    expect(p.cost.relativeToEnsemble).toBe(1);
    expect(p.cost.testForwardPasses).toBe(100);
  });

  it('best practices: 2x the steps, AdamW, 10 % warm-up', () => {
    const p = getStrategy('best-practices').plan(PAPER);
    expect(p.totalSteps).toBe(2500);
    expect(p.cost.relativeToDefault).toBe(2);
    expect(p.optimizer.kind).toBe('adamw');
    expect(p.optimizer.weightDecay).toBe(0); // the authors' effective value
    expect(p.warmupSteps).toBe(250);
  });

  it('augment: k paraphrases per sample, 12 epochs', () => {
    const k1 = getStrategy('augment').plan(PAPER);
    expect(k1.trainSamples).toBe(2000);
    expect(k1.epochs).toBe(12);
    expect(k1.totalSteps).toBe(3000);
    expect(
      getStrategy('augment').plan({ ...PAPER, params: { k: 2 } }).trainSamples
    ).toBe(3000);
    expect(getStrategy('augment').dataNeeds({ k: 2 })).toEqual({
      augment: 2,
      allData: false
    });
    const da = getStrategy('deni-augment').plan(PAPER);
    expect(da.trainSamples).toBe(2000);
    expect(da.epochs).toBe(10);
  });

  it('all data ignores the budget and needs the pool size', () => {
    expect(() => getStrategy('all-data').plan(PAPER)).toThrow(/pool/);
    const p = getStrategy('all-data').plan({ ...PAPER, poolSamples: 6000 });
    expect(p.trainSamples).toBe(6000);
    expect(p.cost.relativeToDefault).toBe(6);
    expect(getStrategy('all-data').dataNeeds()).toEqual({
      augment: 0,
      allData: true,
      allDataCap: 55000
    });
  });

  it('noise baselines: every 27th step in [30 %, 90 %); input N(0, s2), weight annealed', () => {
    for (const name of ['input-noise', 'weight-noise'] as const) {
      const p = getStrategy(name).plan(PAPER);
      const noisy = p.events.filter(e => e.kind === name);
      expect(noisy.map(e => e.step)).toEqual(
        Array.from({ length: 28 }, (_, i) => 375 + 27 * i)
      );
      expect(noisy[0].multiplier).toBeCloseTo(
        name === 'input-noise' ? Math.sqrt(0.15) : Math.sqrt(0.15 / 375),
        12
      );
      expect(p.cost.modelSteps).toBe(1250);
    }
  });

  it('SWA averages from 25 % every step; EMA every step; mixout drops head dropout', () => {
    expect(getStrategy('swa').plan(PAPER).events[0]).toEqual({
      step: 313,
      kind: 'swa-update',
      until: 1250,
      every: 1,
      models: 1
    });
    expect(getStrategy('ema').plan(PAPER).prediction).toBe('ema');
    expect(getStrategy('mixout').plan(PAPER).headDropout).toBe(0);
    expect(getStrategy('mixout').resolveParams()).toEqual({ p: 0.9 });
    expect(getStrategy('prior-noise').plan(PAPER).events[0]).toEqual({
      step: 0,
      kind: 'prior-noise',
      multiplier: Math.sqrt(0.15),
      models: 1
    });
  });
});

describe('registry and parameters', () => {
  it('holds one strategy per StrategyName', () => {
    const names: StrategyName[] = [
      'default',
      'ensemble',
      'input-noise',
      'weight-noise',
      'swa',
      'mixout',
      'best-practices',
      'augment',
      'all-data',
      'de',
      'ni',
      'deni',
      'deni-augment',
      'ema',
      'prior-noise'
    ];
    expect(
      listStrategies()
        .map(s => s.name)
        .sort()
    ).toEqual([...names].sort());
    expect(() => getStrategy('denni')).toThrow(
      /unknown strategy 'denni' \(valid: default/
    );
  });

  it('rejects unknown and bad parameters with a clear message', () => {
    const deni = getStrategy('deni');
    expect(() => deni.resolveParams({ k: 3 })).toThrow(
      /strategy 'deni' has no parameter 'k' \(valid: K, s2/
    );
    expect(() => deni.resolveParams({ K: 1 })).toThrow(
      /'K' must be in \[2, 100\], got 1/
    );
    expect(() => deni.resolveParams({ K: 2.5 })).toThrow(/integer/);
    expect(() => deni.resolveParams({ s2: 0 })).toThrow(/'s2' must be > 0/);
    expect(() => deni.resolveParams({ s2: 'big' })).toThrow(
      /finite number, got "big"/
    );
    expect(() => getStrategy('default').resolveParams({ K: 3 })).toThrow(
      /valid: none/
    );
    expect(() => getStrategy('ema').resolveParams({ warmup: 1 })).toThrow(
      /true or false/
    );
    expect(() => deni.plan({ samples: 16, epochs: 1, batchSize: 8 })).toThrow(
      /no delayed-ensemble step fits T = 2/
    );
  });
});

describe('formatPlan', () => {
  it('prints the schedule and the cost columns', () => {
    const text = formatPlan(
      getStrategy('deni').plan(PAPER),
      getStrategy('deni').description
    );
    expect(text).toContain('T = 1250 optimiser steps');
    expect(text).toMatch(/step\s+375\s+copies\s+9 copies/);
    expect(text).toMatch(
      /step\s+1125\s+noise\s+Gaussian noise, std = 0\.3873 x std\(W\)/
    );
    expect(text).toContain(
      '4625 model-steps (3.70 x default, 37.0 % of an ensemble of 10)'
    );
  });
});

describe('planned cost table', () => {
  it('compares every strategy with default and ensemble', () => {
    const rows = planCostTable({ ...PAPER, poolSamples: 5000 });
    expect(rows).toHaveLength(15);
    const by = new Map(rows.map(r => [r.strategy, r]));
    expect(by.get('default')?.relativeToEnsemble).toBeCloseTo(0.1, 12);
    expect(by.get('deni')?.relativeToEnsemble).toBeCloseTo(0.37, 12);
    expect(by.get('ensemble')?.passesPerTestSample).toBe(10);
    expect(planCostTable(PAPER).map(r => r.strategy)).not.toContain('all-data');
    const text = formatCostTable(rows);
    expect(text.split('\n')).toHaveLength(16);
    expect(text).toMatch(/deni\s+1250\s+4625\s+3\.70\s+37\.0\s+10/);
  });
});

describe('plans for huge budgets inside the schema (#21)', () => {
  const HUGE = { samples: 10_000_000, epochs: 1000, batchSize: 1 };

  it('answers every strategy in bounded memory: a plan, or a clear error naming T', () => {
    for (const { name } of listStrategies()) {
      if (name === 'all-data') {
        continue;
      }
      try {
        const plan = getStrategy(name).plan({ ...HUGE, testSamples: 400 });
        expect(plan.totalSteps).toBeGreaterThanOrEqual(10_000_000_000);
        expect(plan.events.length).toBeLessThanOrEqual(MAX_SCHEDULE_EVENTS);
      } catch (err) {
        expect(err).toBeInstanceOf(ScheduleTooLargeError);
        expect((err as Error).message).toMatch(
          /T = [\d,]+ steps .*raise the batch size/
        );
      }
    }
  });

  it('computes the noise baselines steps in closed form (same as the authors step-by-step rule)', () => {
    // The authors' loop: noisy once more than `clean` clean steps have passed since the last one.
    const byLoop = (start: number, end: number, clean: number, T: number) => {
      const out: number[] = [];
      let cleanSince = Infinity;
      for (let t = Math.max(1, Math.floor(start * T)); t < end * T; t++) {
        if (cleanSince > clean) {
          out.push(t);
          cleanSince = 0;
        } else {
          cleanSince += 1;
        }
      }
      return out;
    };
    for (const T of [1, 7, 20, 250, 1250, 1251]) {
      for (const [start, end, clean] of [
        [0.3, 0.9, 25],
        [0, 1, 0],
        [0.25, 0.5, 3]
      ]) {
        expect(noisySteps({ start, end, clean, s2: 0.15 }, T)).toEqual(
          byLoop(start, end, clean, T)
        );
      }
    }
  });

  it('computes noisy-interpolation cycles in closed form (same as the step-by-step rule)', () => {
    const o = { start: 0.3, end: 0.6, cycle: 125, gap: 1, limit: 1125 };
    expect(niCycles(1250, o)).toEqual([
      { open: 375, close: 500 },
      { open: 501, close: 626 },
      { open: 627, close: 752 }
    ]);
  });
});
