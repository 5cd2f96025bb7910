import * as tf from '@tensorflow/tfjs-core';
import { hashToUint32, Rng } from '../random';
import type {
  FactorSeeds,
  IScheduleEvent,
  RandomFactor
} from '../contract/types';
import {
  assignParams,
  batchOrder,
  disposeBatch,
  isOutOfMemory,
  OutOfMemoryError,
  linearLr,
  makeBatch,
  majorityVote,
  predict,
  RunAbortedError,
  TrainingMember,
  type IStepExtras
} from '../train';
import {
  type AverageKeep,
  EVENT_HANDLERS,
  type IEventRun,
  RunningAverage,
  uniformMean
} from './event-handlers';
import { mixout } from './noise';
import type {
  IPlan,
  IRunState,
  IStrategyContext,
  IStrategyOutcome
} from './types';

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

/**
 * Runs a plan: one member, or K independent members voting (ensemble). Each event of the plan
 * is performed by its handler (event-handlers.ts) and logged from what was actually done, so a
 * test can compare the log with the plan. `behaviour` is what the strategy adds beyond events.
 */
export async function runPlan(
  plan: IPlan,
  ctx: IStrategyContext,
  behaviour: IRunBehaviour = PLAIN_BEHAVIOUR
): Promise<IStrategyOutcome> {
  try {
    return await runPlanInner(plan, ctx, behaviour);
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
  ctx: IStrategyContext,
  behaviour: IRunBehaviour
): Promise<IStrategyOutcome> {
  if (ctx.train.size !== plan.trainSamples) {
    throw new Error(
      `strategy '${plan.strategy}': training set has ${ctx.train.size} samples, plan expects ${plan.trainSamples}`
    );
  }
  if (plan.members === 1) {
    return runSingle(plan, ctx, behaviour, ctx.seeds, 0);
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
      behaviour,
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

/** What a strategy's run does beyond its events (declared in its IStrategyShape). */
export interface IRunBehaviour {
  /** Mixout probability of the head weight towards its initial value; 0 = none. */
  headMixout: number;
  /** How the running averages (SWA, EMA) weigh their old value. */
  averageKeep: AverageKeep;
}

/** Plain fine-tuning behaviour: no mixout, uniform running means. */
export const PLAIN_BEHAVIOUR: IRunBehaviour = {
  headMixout: 0,
  averageKeep: uniformMean
};

async function runSingle(
  plan: IPlan,
  ctx: IStrategyContext,
  behaviour: IRunBehaviour,
  seeds: FactorSeeds,
  progressOffset: number,
  progressTotal = plan.totalSteps,
  member = 0
): Promise<IStrategyOutcome> {
  const T = plan.totalSteps;
  const strategy = plan.strategy;
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
  const run: IEventRun = {
    plan,
    ctx,
    seeds,
    main,
    copies: [],
    noiseRng: new Rng(seeds.noise),
    noisedInputs: 0
  };
  const schedule = {
    baseLr: ctx.learningRate,
    totalSteps: T,
    warmupSteps: plan.warmupSteps
  };
  const byStep = new Map<number, IScheduleEvent[]>();
  const averages: RunningAverage[] = [];
  for (const e of plan.events) {
    const timing = EVENT_HANDLERS[e.kind].timing;
    if (timing === 'repeated') {
      averages.push(new RunningAverage(e, behaviour.averageKeep));
    } else if (timing !== 'end') {
      byStep.set(e.step, [...(byStep.get(e.step) ?? []), e]);
    }
  }
  const log: IScheduleEvent[] = [];
  const losses: number[] = [];
  const sample = (): void => ctx.meter.sample();
  const headName = model.headWeight ?? 'classifier.weight';
  let mixoutTarget: tf.Tensor | null = null;
  const mixoutP = behaviour.headMixout;
  if (mixoutP > 0) {
    const head = model.trainable.get(headName);
    if (!head) {
      throw new Error(
        `${strategy}: the model has no trainable head weight '${headName}'`
      );
    }
    mixoutTarget = tf.clone(head);
  }
  const state = (): IRunState => ({
    main,
    copies: run.copies,
    member,
    mixoutTarget
  });
  const perform = async (e: IScheduleEvent, t: number): Promise<void> => {
    const handler = EVENT_HANDLERS[e.kind];
    await ctx.observe?.('before', e, state());
    log.push(await handler.perform!(e, run, t));
    await ctx.observe?.('after', e, state());
  };
  try {
    // Only before-training events happen at step 0 (an ensemble's own start event is its runner's).
    for (const e of byStep.get(0) ?? []) {
      if (EVENT_HANDLERS[e.kind].timing === 'before-training') {
        await perform(e, 0);
      }
    }
    for (let t = 1; t <= T; t++) {
      if (ctx.signal?.aborted) {
        throw new RunAbortedError(t);
      }
      const stepEvents = byStep.get(t) ?? [];
      for (const e of stepEvents) {
        const timing = EVENT_HANDLERS[e.kind].timing;
        if (timing !== 'after-step' && timing !== 'before-step') {
          throw new Error(
            `strategy '${strategy}': event '${e.kind}' cannot happen at step ${t}`
          );
        }
      }
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
      run.noisedInputs = 0;
      for (const e of stepEvents) {
        if (EVENT_HANDLERS[e.kind].timing === 'before-step') {
          await perform(e, t);
        }
        EVENT_HANDLERS[e.kind].beforeStep?.(e, run, extras);
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
        for (const c of run.copies) {
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
      for (const e of stepEvents) {
        if (EVENT_HANDLERS[e.kind].timing === 'after-step') {
          await perform(e, t);
        }
      }
      for (const a of averages) {
        if (a.due(t)) {
          a.update(main.model.trainable);
        }
      }
      await ctx.observe?.('step', { step: t, kind: 'end' }, state());
      ctx.meter.sample();
      ctx.onProgress?.(progressOffset + t, progressTotal);
    }
    for (const a of averages) {
      if (a.count > 0) {
        log.push(a.logged());
      }
    }
    const evalOpts = { batchSize: ctx.evalBatchSize ?? 32, meter: ctx.meter };
    let predictions: number[];
    let memberPredictions: number[][] | undefined;
    const avg = averages.find(a => a.kind === `${plan.prediction}-update`);
    if (run.copies.length > 0) {
      memberPredictions = [];
      for (const m of [main, ...run.copies]) {
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
    run.copies.forEach(c => c.dispose());
    main.dispose();
    mixoutTarget?.dispose();
    averages.forEach(a => a.dispose());
  }
}
