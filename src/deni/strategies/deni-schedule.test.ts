import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { deriveSeeds, Rng } from '../random';
import { CostMeter } from '../train';
import { createTinyModel, makeToySet } from '../train/testing/tiny-model';
import { formatPlan, getStrategy } from './index';
import type { ParamValue } from './types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const PAPER = { samples: 1000, epochs: 10, batchSize: 8 };
const SMALL = { samples: 200, epochs: 10, batchSize: 8 }; // T = 25: cycle = gap = round(2.5) = 30

describe("DENI's schedule: paper | relative (issue #17)", () => {
  it('relative at T = 250: two NI cycles and DE at the paper fractions, with its multipliers', () => {
    const paper = getStrategy('deni').plan(PAPER);
    const rel = getStrategy('deni').plan({
      ...SMALL,
      params: { schedule: 'relative' }
    });
    expect(rel.totalSteps).toBe(250);
    // Every event at the same fraction of T, with the same multiplier.
    expect(rel.events.map(e => ({ ...e, step: e.step / 250 }))).toEqual(
      paper.events.map(e => ({ ...e, step: e.step / 1250 }))
    );
    expect(rel.params.cycle).toBe(25);
    expect(rel.params.gap).toBe(25);
    expect(rel.cost.relativeToEnsemble).toBeCloseTo(0.37, 10);
    const text = formatPlan(rel);
    expect(text).toMatch(
      /schedule relative .*T = 250.*NI cycle 25 steps, gap 25 steps, noise sqrt\(s2 \/ \(t x 1250 \/ 250\)\)/
    );
    expect(text).toMatch(/step {5}75 {2}noise .*std = 0\.02 x std\(W\)/);
    expect(text).toMatch(/step {4}125 {2}noise .*std = 0\.01549 x std\(W\)/);
  });

  it('at T = 1250 both schedules give identical plans (parameters aside)', () => {
    for (const name of ['deni', 'ni', 'de', 'deni-augment']) {
      // deni-augment doubles the samples (k = 1): 500 labelled give T = 1250 too
      const budget =
        name === 'deni-augment' ? { ...PAPER, samples: 500 } : PAPER;
      const a = getStrategy(name).plan({
        ...budget,
        params: { schedule: 'paper' }
      });
      expect(a.totalSteps).toBe(1250);
      const b = getStrategy(name).plan({
        ...budget,
        params: { schedule: 'relative' }
      });
      expect(b.events).toEqual(a.events);
      expect(b.cost).toEqual(a.cost);
      expect({ ...b.params, schedule: 'paper' }).toEqual(a.params);
    }
  });

  it('paper stays the default and keeps its absolute constants', () => {
    const small = getStrategy('deni').plan({
      samples: 400,
      epochs: 10,
      batchSize: 8
    });
    // T = 500: first cycle opens at 150 and closes at 275; the second would close after 300 (60 %)
    expect(small.params.schedule).toBe('paper');
    expect(
      small.events.filter(e => e.kind === 'average').map(e => e.step)
    ).toEqual([275]);
    expect(small.events[1].multiplier).toBe(Math.sqrt(0.15 / 150));
  });

  it('explicit cycle and gap override the relative constants', () => {
    const p = getStrategy('ni').plan({
      ...SMALL,
      params: { schedule: 'relative', cycle: 10, gap: 40 }
    });
    expect(p.params.cycle).toBe(10);
    expect(p.params.gap).toBe(40);
    // window [75, 150): open 75 (>= 40 after 0), close 85; next open 125 (40 after 85), close 135
    expect(p.events.filter(e => e.kind === 'copies').map(e => e.step)).toEqual([
      75, 125
    ]);
    expect(p.events[1].multiplier).toBe(Math.sqrt(0.15 / 375));
  });

  it('a schedule with no NI cycle or no DE step is an error naming T and the constants', () => {
    expect(() =>
      getStrategy('deni').plan({ samples: 200, epochs: 10, batchSize: 8 })
    ).toThrow(
      /strategy 'deni' \(schedule paper\): no noisy-interpolation cycle fits T = 250: a cycle of 125 steps must open in steps \[75, 150\) .*at least 125 steps \(gap\).*end by step 225.*use schedule: relative/
    );
    expect(() =>
      getStrategy('ni').plan({
        samples: 8,
        epochs: 2,
        batchSize: 8,
        params: { schedule: 'relative' }
      })
    ).toThrow(
      /strategy 'ni' \(schedule relative\): no noisy-interpolation cycle fits T = 2/
    );
    expect(() =>
      getStrategy('de').plan({
        samples: 8,
        epochs: 1,
        batchSize: 8,
        params: { schedule: 'relative' }
      })
    ).toThrow(
      /strategy 'de' \(schedule relative\): no delayed-ensemble step fits T = 1: it starts at step 1 = round\(deStart 0.9 x T\)/
    );
    expect(() =>
      getStrategy('deni').plan({ ...SMALL, params: { schedule: 'fast' } })
    ).toThrow(
      /parameter 'schedule' must be one of paper, relative, got "fast"/
    );
  });
});

describe('relative schedule on a tiny model', () => {
  // 40 samples, batch 8, 250 epochs: T = 1250, where both schedules must give the same bits.
  const TRAIN = makeToySet(new Rng(1), 40, 3);
  const TEST = makeToySet(new Rng(2), 30, 3);
  const run = async (
    params: Record<string, ParamValue>,
    epochs: number,
    name = 'deni'
  ) => {
    const meter = new CostMeter();
    const out = await getStrategy(name).run({
      params,
      train: TRAIN,
      test: TEST,
      samples: 40,
      epochs,
      batchSize: 8,
      learningRate: 0.01,
      seeds: deriveSeeds(5, 0),
      createModel: r => createTinyModel({ numClasses: 3, mode: 'full' }, r),
      meter
    });
    return { out, meter };
  };

  it('logs exactly its plan at a small T (plan == log)', async () => {
    for (const name of ['ni', 'de']) {
      const { out, meter } = await run({ K: 3, schedule: 'relative' }, 5, name);
      expect(out.events).toEqual(out.plan.events);
      expect(meter.modelSteps).toBe(out.plan.cost.modelSteps);
    }
    const { out, meter } = await run({ K: 3, schedule: 'relative' }, 5); // T = 25: cycle = gap = round(2.5) = 3
    expect(out.events).toEqual(out.plan.events);
    expect(
      out.plan.events.filter(e => e.kind === 'average').map(e => e.step)
    ).toEqual([11, 17]);
    expect(meter.modelSteps).toBe(out.plan.cost.modelSteps);
  });

  it('at T = 1250 gives the same bits as the paper schedule', async () => {
    const a = await run({ K: 2, schedule: 'paper' }, 250);
    const b = await run({ K: 2, schedule: 'relative' }, 250);
    expect(b.out.plan.totalSteps).toBe(1250);
    expect(b.out.events).toEqual(a.out.events);
    expect(b.out.losses).toEqual(a.out.losses);
    expect(b.out.memberPredictions).toEqual(a.out.memberPredictions);
  }, 120_000);
});
