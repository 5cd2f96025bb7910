import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTinyModel, makeToySet } from '../train/testing/tiny-model';
import { deriveSeeds, Rng } from '../random';
import type { IScheduleEvent } from '../contract/types';
import {
  CostMeter,
  majorityVote,
  OutOfMemoryError,
  predict,
  tensorStd,
  type ITokenisedSet,
  type ITrainableModel
} from '../train';
import { getStrategy, listStrategies } from './index';
import { mixout } from './noise';
import type { IRunState, IStrategyContext, ParamValue } from './types';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const SAMPLES = 48;
const TRAIN = makeToySet(new Rng(1), SAMPLES, 3);
const TEST = makeToySet(new Rng(2), 30, 3);
const SEEDS = deriveSeeds(11, 0);
// T = 4 epochs x 6 batches = 24. Small DENI: NI cycles 7-10 and 13-16, DE from step 22.
const SMALL_DENI = { K: 3, cycle: 3, gap: 3 };

function values(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

function snapshot(m: ITrainableModel): Map<string, number[]> {
  return new Map([...m.trainable].map(([n, v]) => [n, values(v)]));
}

function context(
  name: string,
  params: Record<string, ParamValue> = {},
  extra: Partial<IStrategyContext> = {},
  mode: 'full' | 'adapter' = 'full'
): IStrategyContext {
  const needs = getStrategy(name).dataNeeds(params);
  const train: ITokenisedSet = needs.augment
    ? makeToySet(new Rng(1), SAMPLES * (1 + needs.augment), 3)
    : TRAIN;
  return {
    params,
    train,
    test: TEST,
    samples: SAMPLES,
    epochs: 4,
    batchSize: 8,
    learningRate: 0.01,
    seeds: SEEDS,
    createModel: r => createTinyModel({ numClasses: 3, mode }, r),
    meter: new CostMeter(),
    ...extra
  };
}

const SMALL_PARAMS: Record<string, Record<string, ParamValue>> = {
  ensemble: { K: 3 },
  de: { K: 3 },
  ni: SMALL_DENI,
  deni: SMALL_DENI,
  'deni-augment': SMALL_DENI,
  'input-noise': { clean: 3 },
  'weight-noise': { clean: 3 }
};

describe('every strategy end to end on a tiny model', () => {
  for (const s of listStrategies()) {
    it(`${s.name}: runs, logs exactly its plan, and costs what the plan says`, async () => {
      const ctx = context(s.name, SMALL_PARAMS[s.name] ?? {});
      const before = tf.memory().numTensors;
      const out = await s.run(ctx);
      expect(out.events).toEqual(out.plan.events);
      expect(out.plan).toEqual(
        s.plan({
          samples: SAMPLES,
          epochs: 4,
          batchSize: 8,
          testSamples: TEST.size,
          params: SMALL_PARAMS[s.name],
          poolSamples: SAMPLES
        })
      );
      expect(ctx.meter.modelSteps).toBe(out.plan.cost.modelSteps);
      expect(ctx.meter.testForwardPasses).toBe(out.plan.cost.testForwardPasses);
      expect(out.predictions).toHaveLength(TEST.size);
      expect(out.losses.every(Number.isFinite)).toBe(true);
      // nothing leaks: the tiny model's tensors are all freed with its members
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describe('DENI mechanics', () => {
  it('noise goes only to the selected tensors with std = multiplier x std(W), from the noise stream', async () => {
    const noiseRng = new Rng(SEEDS.noise);
    let checked = 0;
    let mainBefore = new Map<string, number[]>();
    await getStrategy('deni').run(
      context('deni', SMALL_DENI, {
        observe: async (phase, e, st) => {
          if (e.kind === 'copies' && phase === 'before') {
            mainBefore = snapshot(st.main.model);
          }
          if (e.kind !== 'noise' || phase !== 'after') {
            return;
          }
          const targets = st.main.model.noiseTargets();
          expect(targets).toEqual(['classifier.weight', 'classifier.bias']);
          for (const c of st.copies) {
            for (const [name, v] of c.model.trainable) {
              const got = values(v);
              const base = mainBefore.get(name) as number[];
              if (!targets.includes(name)) {
                expect(got).toEqual(base);
                continue;
              }
              const std =
                (e.multiplier as number) * (await tensorStd(tf.tensor(base)));
              const noise = noiseRng.normalArray(base.length, 0, std);
              got.forEach((x, i) =>
                expect(x).toBeCloseTo(base[i] + noise[i], 5)
              );
            }
          }
          // annealed in NI, un-annealed in DE
          const expected =
            e.step < 22 ? Math.sqrt(0.15 / e.step) : Math.sqrt(0.15);
          expect(e.multiplier).toBeCloseTo(expected, 12);
          checked += 1;
        }
      })
    );
    expect(checked).toBe(3);
  });

  it('copies get a fresh Adam; the main model keeps its optimiser; averaging covers all K models', async () => {
    let beforeAverage: Map<string, number[]>[] = [];
    let averages = 0;
    await getStrategy('deni').run(
      context('deni', SMALL_DENI, {
        observe: (phase, e, st: IRunState) => {
          if (e.kind === 'copies' && phase === 'after') {
            expect(st.copies).toHaveLength(2);
            for (const c of st.copies) {
              expect(c.optimizer.steps).toBe(0);
              expect(c.model).not.toBe(st.main.model);
            }
            expect(st.main.optimizer.steps).toBe(e.step);
          }
          if (e.kind === 'average' && phase === 'before') {
            expect(st.copies.every(c => c.optimizer.steps === 3)).toBe(true);
            beforeAverage = [st.main, ...st.copies].map(m => snapshot(m.model));
          }
          if (e.kind === 'average' && phase === 'after') {
            averages += 1;
            expect(st.copies).toHaveLength(0);
            expect(st.main.optimizer.steps).toBe(e.step);
            for (const [name, v] of st.main.model.trainable) {
              const got = values(v);
              const mean = beforeAverage[0]
                .get(name)!
                .map(
                  (_, i) =>
                    beforeAverage.reduce((s, m) => s + m.get(name)![i], 0) / 3
                );
              got.forEach((x, i) => expect(x).toBeCloseTo(mean[i], 5));
            }
          }
        }
      })
    );
    expect(averages).toBe(2);
  });

  it('predicts by the hard majority vote of all K members', async () => {
    const out = await getStrategy('deni').run(context('deni', SMALL_DENI));
    expect(out.memberPredictions).toHaveLength(3);
    expect(out.predictions).toEqual(majorityVote(out.memberPredictions!, 3));
  });

  it('has the same main weights as a default run with the same seeds until the first average', async () => {
    const record =
      (into: Map<number, Map<string, number[]>>) =>
      (phase: string, e: IScheduleEvent, st: IRunState) => {
        if (phase === 'step') {
          into.set(e.step, snapshot(st.main.model));
        }
      };
    const a = new Map<number, Map<string, number[]>>();
    const b = new Map<number, Map<string, number[]>>();
    await getStrategy('default').run(
      context('default', {}, { observe: record(a) })
    );
    const deni = await getStrategy('deni').run(
      context('deni', SMALL_DENI, { observe: record(b) })
    );
    const firstAverage = deni.events.find(e => e.kind === 'average')!.step;
    expect(firstAverage).toBe(10);
    for (let t = 1; t < firstAverage; t++) {
      expect(b.get(t)).toEqual(a.get(t));
    }
    expect(b.get(firstAverage)).not.toEqual(a.get(firstAverage));
  });

  it('under PEFT noises every trainable tensor and copies only the trainable ones', async () => {
    let seen = 0;
    await getStrategy('deni').run(
      context(
        'deni',
        SMALL_DENI,
        {
          observe: (phase, e, st) => {
            if (e.kind === 'noise' && phase === 'after') {
              expect(st.main.model.noiseTargets()).toEqual([
                'adapter.scale',
                'classifier.weight',
                'classifier.bias'
              ]);
              for (const c of st.copies) {
                expect([...c.model.trainable.keys()]).toEqual([
                  'adapter.scale',
                  'classifier.weight',
                  'classifier.bias'
                ]);
                for (const [n, v] of c.model.trainable) {
                  expect(values(v)).not.toEqual(
                    values(st.main.model.trainable.get(n)!)
                  );
                }
              }
              seen += 1;
            }
          }
        },
        'adapter'
      )
    );
    expect(seen).toBe(3);
  });
});

describe('baselines', () => {
  it('ensemble members really differ and vote', async () => {
    const inits: number[][] = [];
    const out = await getStrategy('ensemble').run(
      context(
        'ensemble',
        { K: 3 },
        {
          createModel: r => {
            const m = createTinyModel({ numClasses: 3 }, r);
            inits.push(values(m.trainable.get('classifier.weight')!));
            return m;
          }
        }
      )
    );
    expect(inits).toHaveLength(3);
    expect(inits[1]).not.toEqual(inits[0]);
    expect(inits[2]).not.toEqual(inits[1]);
    const members = out.memberPredictions!;
    expect(members).toHaveLength(3);
    expect(members[0]).not.toEqual(members[1]);
    expect(out.predictions).toEqual(majorityVote(members, 3));
    // member 0 is the default run of the same seeds
    const single = await getStrategy('default').run(context('default'));
    expect(members[0]).toEqual(single.predictions);
  });

  for (const kind of ['swa', 'ema'] as const) {
    it(`${kind} evaluates the averaged weights`, async () => {
      const steps = new Map<number, Map<string, number[]>>();
      let finalMain: ITrainableModel | null = null;
      let finalWeights = new Map<string, number[]>();
      const out = await getStrategy(kind).run(
        context(
          kind,
          {},
          {
            observe: (phase, e, st) => {
              if (phase === 'step') {
                steps.set(e.step, snapshot(st.main.model));
                finalMain = st.main.model;
                finalWeights = snapshot(st.main.model);
              }
            }
          }
        )
      );
      const ev = out.plan.events[0];
      let avg: Map<string, number[]> | null = null;
      let n = 0;
      for (let t = ev.step; t <= (ev.until as number); t++) {
        const w = steps.get(t)!;
        if (!avg) {
          avg = new Map([...w].map(([k, v]) => [k, [...v]]));
          n = 1;
          continue;
        }
        const keep = kind === 'swa' ? n / (n + 1) : 0.999; // EMA: no warm-up (the authors' code)
        for (const [k, v] of w) {
          avg.set(
            k,
            avg.get(k)!.map((x, i) => keep * x + (1 - keep) * v[i])
          );
        }
        n += 1;
      }
      const model = createTinyModel({ numClasses: 3 }, new Rng(SEEDS.init));
      for (const [k, v] of model.trainable) {
        v.assign(tf.tensor(avg!.get(k)!, v.shape));
      }
      const expected = Array.from(await predict(model, TEST));
      expect(out.predictions).toEqual(expected);
      // ... and that is not what the last weights predict
      for (const [k, v] of model.trainable) {
        v.assign(tf.tensor(finalWeights.get(k)!, v.shape));
      }
      expect(finalMain).not.toBeNull();
      expect(avg!.get('classifier.weight')).not.toEqual(
        finalWeights.get('classifier.weight')
      );
      model.dispose();
    });
  }

  it("mixout's target is the head's own initial weights and head dropout is 0", async () => {
    let initialHead: number[] = [];
    const headDropouts = new Set<number | undefined>();
    let target: number[] = [];
    await getStrategy('mixout').run(
      context(
        'mixout',
        {},
        {
          createModel: r => {
            const m = createTinyModel({ numClasses: 3 }, r);
            initialHead = values(m.trainable.get('classifier.weight')!);
            const logits = m.logits.bind(m);
            return {
              ...m,
              noiseTargets: m.noiseTargets,
              clone: m.clone,
              dispose: m.dispose,
              logits: (b, o, ov) => {
                if (o.training) {
                  headDropouts.add(o.headDropout);
                  expect(ov?.has('classifier.weight')).toBe(true);
                }
                return logits(b, o, ov);
              }
            };
          },
          observe: (phase, e, st) => {
            if (phase === 'step' && e.step === 5) {
              target = values(st.mixoutTarget!);
              expect(
                values(st.main.model.trainable.get('classifier.weight')!)
              ).not.toEqual(initialHead);
            }
          }
        }
      )
    );
    expect(target).toEqual(initialHead);
    expect([...headDropouts]).toEqual([0]);
  });

  it('mixout keeps the expectation of the weight and swaps towards the target', () => {
    const w = tf.tensor1d(new Float32Array(20000).fill(2));
    const target = tf.tensor1d(new Float32Array(20000).fill(-1));
    const mixed = values(mixout(w, target, 0.9, new Rng(3)));
    const mean = mixed.reduce((s, x) => s + x, 0) / mixed.length;
    expect(mean).toBeCloseTo(2, 1);
    // swapped elements: (-1 * (1 - 0.9)) / 0.1 = -1; kept ones: (2 - 0.9 * -1) / 0.1 = 29
    expect(new Set(mixed.map(x => Math.round(x)))).toEqual(new Set([-1, 29]));
    tf.dispose([w, target]);
  });

  it('best practices: 2x the steps, AdamW, LR 0 on the first warm-up step', async () => {
    let initial = new Map<string, number[]>();
    const out = await getStrategy('best-practices').run(
      context(
        'best-practices',
        {},
        {
          createModel: r => {
            const m = createTinyModel({ numClasses: 3 }, r);
            initial = snapshot(m);
            return m;
          },
          observe: (phase, e, st) => {
            if (phase === 'step' && e.step === 1) {
              expect(st.main.optimizer.config.kind).toBe('adamw');
              expect(snapshot(st.main.model)).toEqual(initial);
            }
            if (phase === 'step' && e.step === 2) {
              expect(snapshot(st.main.model)).not.toEqual(initial);
            }
          }
        }
      )
    );
    const def = getStrategy('default').plan({
      samples: SAMPLES,
      epochs: 4,
      batchSize: 8
    });
    expect(out.plan.totalSteps).toBe(2 * def.totalSteps);
  });

  it('input noise (variant embeddings) perturbs the embeddings only at its steps; weight noise only the selected weights', async () => {
    const noisySteps: number[] = [];
    let step = 0;
    await getStrategy('input-noise').run(
      context(
        'input-noise',
        { clean: 3, variant: 'embeddings' },
        {
          createModel: r => {
            const m = createTinyModel({ numClasses: 3 }, r);
            const logits = m.logits.bind(m);
            return {
              ...m,
              logits: (b, o, ov) => {
                if (o.inputEmbeddings) {
                  noisySteps.push(step);
                  const x = tf.tensor(new Rng(4).normalArray(24), [2, 3, 4]);
                  const y = o.inputEmbeddings(x);
                  expect(values(y)).not.toEqual(values(x));
                  tf.dispose([x, y]);
                }
                return logits(b, o, ov);
              }
            };
          },
          observe: (phase, e) => {
            if (phase === 'step') {
              step = e.step;
            }
          }
        }
      )
    );
    // steps 7, 12, 17 (floor(0.3 x 24), every 5th step before 0.9 x 24), seen during step t
    expect(noisySteps).toEqual([6, 11, 16]);

    let before = new Map<string, number[]>();
    let checks = 0;
    await getStrategy('weight-noise').run(
      context(
        'weight-noise',
        { clean: 3 },
        {
          observe: (phase, e, st) => {
            if (e.kind !== 'weight-noise') {
              return;
            }
            if (phase === 'before') {
              before = snapshot(st.main.model);
              return;
            }
            const after = snapshot(st.main.model);
            for (const [n, v] of after) {
              if (['classifier.weight', 'classifier.bias'].includes(n)) {
                expect(v).not.toEqual(before.get(n));
              } else {
                expect(v).toEqual(before.get(n));
              }
            }
            checks += 1;
          }
        }
      )
    );
    expect(checks).toBe(3);
  });

  it('prior noise perturbs every trainable tensor once before training', async () => {
    let before = new Map<string, number[]>();
    let after = new Map<string, number[]>();
    await getStrategy('prior-noise').run(
      context(
        'prior-noise',
        {},
        {
          observe: (phase, e, st) => {
            if (e.kind === 'prior-noise') {
              if (phase === 'before') {
                before = snapshot(st.main.model);
              } else {
                after = snapshot(st.main.model);
              }
            }
          }
        }
      )
    );
    expect(after.size).toBe(5);
    for (const [n, v] of after) {
      if (n === 'pooler.dense.bias' || n === 'classifier.bias') {
        continue; // all-zero tensors have std 0: no noise
      }
      expect(v).not.toEqual(before.get(n));
    }
  });

  it('aborts when the signal fires, naming the step', async () => {
    const ac = new AbortController();
    const err = await getStrategy('default')
      .run(
        context(
          'default',
          {},
          {
            onProgress: step => {
              if (step === 3) {
                ac.abort();
              }
            },
            signal: ac.signal
          }
        )
      )
      .catch((e: unknown) => e);
    expect(String(err)).toMatch(/aborted at optimiser step 4/);
  });

  it('reports running out of memory as such, with the configuration', async () => {
    let made = 0;
    const err = await getStrategy('deni')
      .run(
        context('deni', SMALL_DENI, {
          createModel: r => {
            const m = createTinyModel({ numClasses: 3 }, r);
            return {
              ...m,
              clone: () => {
                made += 1;
                throw new RangeError('Array buffer allocation failed');
              }
            };
          }
        })
      )
      .catch((e: unknown) => e);
    expect(made).toBe(1);
    expect(err).toBeInstanceOf(OutOfMemoryError);
    expect(String(err)).toMatch(
      /out of memory while running strategy 'deni' \(K=3 .*\) with 48 training samples, batch 8, 24 steps: Array buffer allocation failed/
    );
  });

  it('changing only the order seed changes only the order; only the init seed only the head', async () => {
    const heads: number[][] = [];
    const finals: number[][] = [];
    const firstLoss: number[] = [];
    for (const seeds of [
      SEEDS,
      { ...SEEDS, order: SEEDS.order + 1 },
      { ...SEEDS, init: SEEDS.init + 1 }
    ]) {
      let last: number[] = [];
      const out = await getStrategy('default').run(
        context(
          'default',
          {},
          {
            seeds,
            createModel: r => {
              const m = createTinyModel({ numClasses: 3 }, r);
              heads.push(values(m.trainable.get('classifier.weight')!));
              return m;
            },
            observe: (phase, _e, st) => {
              if (phase === 'step') {
                last = values(
                  st.main.model.trainable.get('classifier.weight')!
                );
              }
            }
          }
        )
      );
      finals.push(last);
      firstLoss.push(out.losses[0]);
    }
    expect(heads[1]).toEqual(heads[0]);
    expect(heads[2]).not.toEqual(heads[0]);
    expect(finals[1]).not.toEqual(finals[0]);
    // same order and dropout, different head: a different first loss on the same first batch
    expect(firstLoss[2]).not.toBe(firstLoss[0]);
  });
});
