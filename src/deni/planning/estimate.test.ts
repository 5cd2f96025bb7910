import { describe, expect, it } from 'vitest';
import { syntheticGroup } from '../report/synthetic';
import {
  estimateSweepSeconds,
  measuredWallSeconds,
  runSeconds,
  type IRunWork
} from './estimate';
import type { IStepTime } from './measure';
import {
  pilotFromResults,
  planWarnings,
  answerPowerQuestion
} from './study-plan';

const TIME: IStepTime = {
  stepSeconds: 0.5,
  evalSecondsPerSample: 0.01,
  modelSetupSeconds: 0.1,
  startupSeconds: 2,
  backend: 'wasm'
};

const work = (modelSteps: number, passes: number, models = 1): IRunWork => ({
  label: 'x',
  modelSteps,
  testForwardPasses: passes,
  models,
  timing: 0
});

describe('wall-time estimate', () => {
  it('prices a run from its plan', () => {
    // 20 steps x 0.5 + 200 passes x 0.01 + 3 models x 0.1
    expect(runSeconds(work(20, 200, 3), TIME)).toBeCloseTo(12.3, 10);
  });

  it('lays runs out on the workers as the executor hands them out', () => {
    const runs = [
      work(20, 0, 0),
      work(20, 0, 0),
      work(40, 0, 0),
      work(20, 0, 0)
    ];
    // Runs of 10, 10, 20 and 10 s; both workers start after 2 s. The first free worker takes the
    // next run: w1 = 12, w2 = 12, w1 = 32 (the 20 s run), w2 = 22 -> the sweep ends at 32 s.
    const two = estimateSweepSeconds(runs, [TIME], 2);
    expect(two.seconds).toBeCloseTo(32, 10);
    expect(two.workSeconds).toBeCloseTo(50, 10);
    const one = estimateSweepSeconds(runs, [TIME], 1);
    expect(one.seconds).toBeCloseTo(52, 10);
    // More workers than runs: the extra ones idle.
    expect(estimateSweepSeconds(runs, [TIME], 8).seconds).toBeCloseTo(22, 10);
    expect(() => estimateSweepSeconds(runs, [TIME], 0)).toThrow(/workers/);
  });

  it('measures a sweep as the union of its runs, without the pause of a resume', () => {
    const at = (s: number) =>
      new Date(Date.UTC(2026, 0, 1) + s * 1000).toISOString();
    const runs = [
      { startedAt: at(0), finishedAt: at(10) },
      { startedAt: at(1), finishedAt: at(12) },
      // resumed an hour later
      { startedAt: at(3600), finishedAt: at(3605) }
    ];
    expect(measuredWallSeconds(runs)).toBeCloseTo(17, 10);
    expect(measuredWallSeconds([])).toBeUndefined();
  });
});

describe('study plan', () => {
  it('warns when the planned runs cannot answer the question', () => {
    const a = answerPowerQuestion(
      { ratio: 0.5, simulations: 1000 },
      undefined,
      5
    );
    expect(a.runs).toBeGreaterThan(15);
    expect(a.plannedPower).toBeLessThan(0.2);
    const warnings = planWarnings(a, {
      runs: 5,
      strategies: [{ name: 'default' }, { name: 'deni' }]
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      new RegExp(`needs ${a.runs} runs per strategy`)
    );
    const enough = answerPowerQuestion(
      { ratio: 0.5, simulations: 1000 },
      undefined,
      a.runs ?? 0
    );
    expect(
      planWarnings(enough, {
        runs: a.runs ?? 0,
        strategies: [{ name: 'default' }]
      })
    ).toEqual([]);
    expect(
      planWarnings(enough, {
        runs: a.runs ?? 0,
        strategies: [{ name: 'deni' }]
      })[0]
    ).toMatch(/no default strategy/);
  });

  it("builds the pilot from default's runs only", () => {
    const results = [
      ...syntheticGroup([80, 82, 84, 86], { sweep: 'p' }),
      ...syntheticGroup([10, 90], { sweep: 'p', strategy: 'deni' })
    ];
    const model = pilotFromResults('p', results);
    expect(model.kind).toBe('pilot');
    expect(model.kind === 'pilot' && model.residuals.length).toBe(4);
    expect(() =>
      pilotFromResults('q', syntheticGroup([1, 2], { strategy: 'deni' }))
    ).toThrow(/no runs of the default strategy/);
  });
});
