import * as tf from '@tensorflow/tfjs-core';
import { hashToUint32, Rng } from '../random';
import type { FactorSeeds, IScheduleEvent, RandomFactor } from '../sweep/types';
import {
  addWeightNoise,
  assignParams,
  averageParams,
  batchOrder,
  disposeBatch,
  disposeParams,
  isOutOfMemory,
  OutOfMemoryError,
  linearLr,
  makeBatch,
  majorityVote,
  type ParamMap,
  predict,
  RunAbortedError,
  TrainingMember,
  type IStepExtras
} from '../train';
import { addUniformNoise, inputNoise, mixout, pooledNoise } from './noise';
import { num, str } from './params';
import type { IPlan, IStrategyContext, IStrategyOutcome } from './types';

const PER_RUN: RandomFactor[] = ['order', 'init', 'dropout', 'noise'];

/**
 * Seeds of ensemble member m: member 0 is the run itself; member m > 0 gets init, order,
 * dropout and noise seeds derived from the run's by SHA-256 of `deni/ensemble/<seed>/<m>`
 * (split, labels and augmentation stay: the members share the data).
 */
export function memberSeeds(seeds: FactorSeeds, member: number): FactorSeeds {
  if (member === 0) {
    return seeds;
  }
  const out = { ...seeds };
  for (const f of PER_RUN) {
    out[f] = hashToUint32(`deni/ensemble/${seeds[f]}/${member}`);
  }
  return out;
}

/** Dropout stream of copy i made after step t: derived, so the main stream is untouched. */
function copyDropoutRng(dropoutSeed: number, step: number, i: number): Rng {
  return new Rng(hashToUint32(`deni/copy/${dropoutSeed}/${step}/${i}`));
}

/**
 * Runs a plan: one member, or K independent members voting (ensemble). Each event of the plan
 * is performed by the code below and logged from what was actually done (models really copied,
 * averaged or voting), so a test can compare the log with the plan.
 */
export async function runPlan(
  plan: IPlan,
  ctx: IStrategyContext
): Promise<IStrategyOutcome> {
  try {
    return await runPlanInner(plan, ctx);
  } catch (e) {
    if (isOutOfMemory(e) && !(e instanceof OutOfMemoryError)) {
      const params = Object.entries(plan.params)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      throw new OutOfMemoryError(
        `strategy '${plan.strategy}'${params ? ` (${params})` : ''} with ${plan.trainSamples} ` +
          `training samples, batch ${plan.batchSize}, ${plan.totalSteps} steps`,
        e
      );
    }
    throw e;
  }
}

async function runPlanInner(
  plan: IPlan,
  ctx: IStrategyContext
): Promise<IStrategyOutcome> {
  if (ctx.train.size !== plan.trainSamples) {
    throw new Error(
      `strategy '${plan.strategy}': training set has ${ctx.train.size} samples, plan expects ${plan.trainSamples}`
    );
  }
  if (plan.members === 1) {
    return runSingle(plan, ctx, ctx.seeds, 0);
  }
  const events: IScheduleEvent[] = [
    { step: 0, kind: 'ensemble-start', models: plan.members }
  ];
  const memberPredictions: number[][] = [];
  let losses: number[] = [];
  for (let m = 0; m < plan.members; m++) {
    const inner = await runSingle(
      { ...plan, members: 1 },
      ctx,
      memberSeeds(ctx.seeds, m),
      m * plan.totalSteps,
      plan.members * plan.totalSteps,
      m
    );
    memberPredictions.push(inner.predictions);
    if (m === 0) {
      losses = inner.losses;
    }
  }
  events.push({
    step: plan.totalSteps,
    kind: 'end',
    models: memberPredictions.length
  });
  return {
    plan,
    predictions: majorityVote(memberPredictions, ctx.test.numClasses),
    memberPredictions,
    events,
    losses
  };
}

interface IRunningAverage {
  kind: 'swa-update' | 'ema-update';
  first: number;
  last: number;
  count: number;
  every: number;
  values: ParamMap | null;
}

async function runSingle(
  plan: IPlan,
  ctx: IStrategyContext,
  seeds: FactorSeeds,
  progressOffset: number,
  progressTotal = plan.totalSteps,
  member = 0
): Promise<IStrategyOutcome> {
  const T = plan.totalSteps;
  const strategy = plan.strategy;
  const noiseRng = new Rng(seeds.noise);
  const batches = batchOrder(
    new Rng(seeds.order),
    ctx.train.size,
    plan.epochs,
    plan.batchSize
  );
  const model = await ctx.createModel(new Rng(seeds.init));
  const main = new TrainingMember(
    model,
    plan.optimizer,
    new Rng(seeds.dropout)
  );
  const schedule = {
    baseLr: ctx.learningRate,
    totalSteps: T,
    warmupSteps: plan.warmupSteps
  };
  const byStep = new Map<number, IScheduleEvent[]>();
  const averages: IRunningAverage[] = [];
  for (const e of plan.events) {
    if (e.kind === 'swa-update' || e.kind === 'ema-update') {
      averages.push({
        kind: e.kind,
        first: e.step,
        last: e.until ?? e.step,
        every: e.every ?? 1,
        count: 0,
        values: null
      });
    } else if (e.kind !== 'end') {
      byStep.set(e.step, [...(byStep.get(e.step) ?? []), e]);
    }
  }
  const log: IScheduleEvent[] = [];
  let copies: TrainingMember[] = [];
  const losses: number[] = [];
  const sample = (): void => ctx.meter.sample();
  const headName = model.headWeight ?? 'classifier.weight';
  let mixoutTarget: tf.Tensor | null = null;
  const mixoutP = plan.strategy === 'mixout' ? num(plan.params, 'p') : 0;
  if (mixoutP > 0) {
    const head = model.trainable.get(headName);
    if (!head) {
      throw new Error(
        `mixout: the model has no trainable head weight '${headName}'`
      );
    }
    mixoutTarget = tf.clone(head);
  }
  try {
    for (const e of byStep.get(0) ?? []) {
      if (e.kind === 'prior-noise') {
        await ctx.observe?.('before', e, {
          main,
          copies,
          member,
          mixoutTarget
        });
        const names = [...main.model.trainable.keys()];
        if (str(plan.params, 'distribution') === 'uniform') {
          await addUniformNoise(
            main.model.trainable,
            names,
            e.multiplier ?? 0,
            noiseRng
          );
        } else {
          await addWeightNoise(
            main.model.trainable,
            names,
            e.multiplier ?? 0,
            noiseRng
          );
        }
        log.push({
          step: 0,
          kind: 'prior-noise',
          multiplier: e.multiplier,
          models: 1
        });
        await ctx.observe?.('after', e, { main, copies, member, mixoutTarget });
      }
    }
    for (let t = 1; t <= T; t++) {
      if (ctx.signal?.aborted) {
        throw new RunAbortedError(t);
      }
      const stepEvents = byStep.get(t) ?? [];
      const extras: IStepExtras = { headDropout: plan.headDropout };
      if (mixoutTarget) {
        const target = mixoutTarget;
        extras.overrides = trainable =>
          new Map([
            [
              headName,
              mixout(
                trainable.get(headName) as tf.Tensor,
                target,
                mixoutP,
                main.dropoutRng
              )
            ]
          ]);
      }
      const inNoise = stepEvents.find(e => e.kind === 'input-noise');
      let noisedInputs = 0;
      if (inNoise) {
        const count =
          <T>(f: (x: T) => T) =>
          (x: T) => {
            noisedInputs += 1;
            return f(x);
          };
        if (str(plan.params, 'variant') === 'embeddings') {
          extras.inputEmbeddings = count(
            inputNoise(inNoise.multiplier ?? 0, noiseRng)
          );
        } else {
          // The authors' input noise: N(0, s2) on the pooled output, only the head learns.
          extras.pooledOutput = count(
            pooledNoise(inNoise.multiplier ?? 0, noiseRng)
          );
          extras.headOnly = true;
        }
      }
      // Weight noise goes into the weights before the noisy step's update (PAPER.md baseline 4).
      for (const e of stepEvents.filter(x => x.kind === 'weight-noise')) {
        await ctx.observe?.('before', e, {
          main,
          copies,
          member,
          mixoutTarget
        });
        await addWeightNoise(
          main.model.trainable,
          main.model.noiseTargets(),
          e.multiplier ?? 0,
          noiseRng
        );
        log.push({
          step: t,
          kind: 'weight-noise',
          multiplier: e.multiplier,
          models: 1
        });
        await ctx.observe?.('after', e, { main, copies, member, mixoutTarget });
      }
      const b = makeBatch(ctx.train, batches[t - 1]);
      try {
        losses.push(
          await main.step(
            b.batch,
            b.labels,
            linearLr(schedule, t),
            { step: t, strategy, sample },
            extras
          )
        );
        ctx.meter.addSteps(1);
        for (const c of copies) {
          await c.step(
            b.batch,
            b.labels,
            ctx.learningRate,
            { step: t, strategy, sample },
            {
              headDropout: plan.headDropout
            }
          );
          ctx.meter.addSteps(1);
        }
      } finally {
        disposeBatch(b);
      }
      for (const e of stepEvents.filter(x => x.kind !== 'weight-noise')) {
        await ctx.observe?.('before', e, {
          main,
          copies,
          member,
          mixoutTarget
        });
        switch (e.kind) {
          case 'input-noise':
            // A model that ignores the hook would silently train without noise.
            if (noisedInputs === 0) {
              throw new Error(
                `strategy '${strategy}': the model never called the input-noise hook ` +
                  '(IForwardOptions.inputEmbeddings / pooledOutput), so input noise cannot be applied'
              );
            }
            log.push({
              step: t,
              kind: 'input-noise',
              multiplier: e.multiplier,
              models: 1
            });
            break;
          case 'copies': {
            const n = e.models ?? 0;
            for (let i = 0; i < n; i++) {
              copies.push(
                main.copy(
                  plan.optimizer,
                  copyDropoutRng(seeds.dropout, t, i),
                  `copy ${i + 1}`
                )
              );
            }
            log.push({ step: t, kind: 'copies', models: n });
            break;
          }
          case 'noise':
            for (const c of copies) {
              await addWeightNoise(
                c.model.trainable,
                c.model.noiseTargets(),
                e.multiplier ?? 0,
                noiseRng
              );
            }
            log.push({
              step: t,
              kind: 'noise',
              multiplier: e.multiplier,
              models: copies.length
            });
            break;
          case 'average': {
            const all = [main, ...copies];
            const avg = averageParams(all.map(m => m.model.trainable));
            assignParams(main.model.trainable, avg);
            disposeParams(avg);
            copies.forEach(c => c.dispose());
            copies = [];
            log.push({ step: t, kind: 'average', models: all.length });
            break;
          }
          case 'ensemble-start':
            log.push({
              step: t,
              kind: 'ensemble-start',
              models: 1 + copies.length
            });
            break;
          default:
            throw new Error(
              `strategy '${strategy}': event '${e.kind}' cannot happen at step ${t}`
            );
        }
        await ctx.observe?.('after', e, { main, copies, member, mixoutTarget });
      }
      for (const a of averages) {
        if (t >= a.first && t <= a.last && (t - a.first) % a.every === 0) {
          updateAverage(a, main, plan, t);
        }
      }
      await ctx.observe?.(
        'step',
        { step: t, kind: 'end' },
        { main, copies, member, mixoutTarget }
      );
      ctx.meter.sample();
      ctx.onProgress?.(progressOffset + t, progressTotal);
    }
    for (const a of averages) {
      if (a.count > 0) {
        log.push({
          step: a.first,
          kind: a.kind,
          until: a.last,
          every: a.every,
          models: 1
        });
      }
    }
    const evalOpts = { batchSize: ctx.evalBatchSize ?? 32, meter: ctx.meter };
    let predictions: number[];
    let memberPredictions: number[][] | undefined;
    const avg = averages.find(a => a.kind === `${plan.prediction}-update`);
    if (copies.length > 0) {
      memberPredictions = [];
      for (const m of [main, ...copies]) {
        memberPredictions.push(
          Array.from(await predict(m.model, ctx.test, evalOpts))
        );
      }
      predictions = majorityVote(memberPredictions, ctx.test.numClasses);
    } else if (avg) {
      if (!avg.values) {
        throw new Error(
          `strategy '${strategy}': no ${avg.kind} happened before the end`
        );
      }
      const averaged = main.model.clone();
      assignParams(averaged.trainable, avg.values);
      predictions = Array.from(await predict(averaged, ctx.test, evalOpts));
      averaged.dispose();
    } else {
      predictions = Array.from(await predict(main.model, ctx.test, evalOpts));
    }
    log.push({ step: T, kind: 'end', models: memberPredictions?.length ?? 1 });
    return { plan, predictions, memberPredictions, events: log, losses };
  } finally {
    copies.forEach(c => c.dispose());
    main.dispose();
    mixoutTarget?.dispose();
    for (const a of averages) {
      if (a.values) {
        disposeParams(a.values);
      }
    }
  }
}

/**
 * SWA: running uniform mean of the weights after each update step. EMA: decay d, with the
 * usual warm-up min(d, (1 + n) / (10 + n)) when `warmup` is on, starting from the weights at
 * its first update.
 */
function updateAverage(
  a: IRunningAverage,
  main: TrainingMember,
  plan: IPlan,
  t: number
): void {
  const current = main.model.trainable;
  if (!a.values) {
    a.values = new Map([...current].map(([n, v]) => [n, tf.clone(v)]));
    a.count = 1;
    return;
  }
  let keepOld: number;
  if (a.kind === 'swa-update') {
    keepOld = a.count / (a.count + 1);
  } else {
    const d = num(plan.params, 'decay');
    keepOld =
      plan.params.warmup === true
        ? Math.min(d, (1 + a.count) / (10 + a.count))
        : d;
  }
  const next: ParamMap = new Map();
  for (const [n, v] of current) {
    const old = a.values.get(n) as tf.Tensor;
    next.set(
      n,
      tf.tidy(() => tf.add(tf.mul(old, keepOld), tf.mul(v, 1 - keepOld)))
    );
    old.dispose();
  }
  a.values = next;
  a.count += 1;
  void t;
}
