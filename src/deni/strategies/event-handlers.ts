import * as tf from '@tensorflow/tfjs-core';
import { hashToUint32, Rng } from '../random';
import type { FactorSeeds, IScheduleEvent } from '../contract/types';
import {
  addWeightNoise,
  assignParams,
  averageParams,
  disposeParams,
  type IStepExtras,
  type ParamMap,
  TrainingMember
} from '../train';
import { addUniformNoise, inputNoise, pooledNoise } from './noise';
import type { IPlan, IStrategyContext, StrategyParams } from './types';

/** An event kind of the strategy engine. */
export type EventKind = IScheduleEvent['kind'];

/** The state of one member's training that event handlers read and change. */
export interface IEventRun {
  plan: IPlan;
  ctx: IStrategyContext;
  seeds: FactorSeeds;
  main: TrainingMember;
  /** Copies training beside the main model (DE, NI, DENI); handlers may replace the array. */
  copies: TrainingMember[];
  /** The noise stream of this member. */
  noiseRng: Rng;
  /** Forward passes whose inputs (embeddings or pooled output) the input-noise hook changed in this step. */
  noisedInputs: number;
}

/**
 * When an event happens: before the first step (step 0), just before its step's update (weight
 * noise, PAPER.md baseline 4), after its optimiser step, repeatedly (a running average over a
 * range of steps), or at the end (the prediction).
 */
export type EventTiming =
  'before-training' | 'before-step' | 'after-step' | 'repeated' | 'end';

/** What one event kind does, and how `deni plan` describes it. */
export interface IEventHandler {
  timing: EventTiming;
  /** One line for `deni plan`'s schedule (some events depend on the strategy's parameters). */
  describe(e: IScheduleEvent, params: StrategyParams): string;
  /** Changes the main model's step that ends at this event's step (input noise). */
  beforeStep?(e: IScheduleEvent, run: IEventRun, extras: IStepExtras): void;
  /** Performs the event (before training, before or after its step); returns what is logged. */
  perform?(
    e: IScheduleEvent,
    run: IEventRun,
    t: number
  ): Promise<IScheduleEvent> | IScheduleEvent;
}

const multiplierOf = (e: IScheduleEvent): number =>
  e.multiplier !== undefined ? Number(e.multiplier.toPrecision(4)) : 0;

/** Dropout stream of copy i made after step t: derived, so the main stream is untouched. */
function copyDropoutRng(dropoutSeed: number, step: number, i: number): Rng {
  return new Rng(hashToUint32(`deni/copy/${dropoutSeed}/${step}/${i}`));
}

/**
 * Every event kind of IScheduleEvent and its handler (the compiler checks that none is
 * missing). Each performed event is logged from what was actually done (models really copied,
 * averaged or voting), so a test can compare the log with the plan.
 */
export const EVENT_HANDLERS: { readonly [K in EventKind]: IEventHandler } = {
  copies: {
    timing: 'after-step',
    describe: e =>
      `${e.models ?? 0} copies of the main model (fresh Adam at the base LR, no schedule)`,
    perform: (e, run, t) => {
      const n = e.models ?? 0;
      for (let i = 0; i < n; i++) {
        run.copies.push(
          run.main.copy(
            run.plan.optimizer,
            copyDropoutRng(run.seeds.dropout, t, i),
            `copy ${i + 1}`
          )
        );
      }
      return { step: t, kind: 'copies', models: n };
    }
  },
  noise: {
    timing: 'after-step',
    describe: e =>
      `Gaussian noise, std = ${multiplierOf(e)} x std(W), on the selected tensors of ${e.models ?? 0} copies`,
    perform: async (e, run, t) => {
      for (const c of run.copies) {
        await addWeightNoise(
          c.model.trainable,
          c.model.noiseTargets(),
          e.multiplier ?? 0,
          run.noiseRng
        );
      }
      return {
        step: t,
        kind: 'noise',
        multiplier: e.multiplier,
        models: run.copies.length
      };
    }
  },
  average: {
    timing: 'after-step',
    describe: e =>
      `every parameter of the main model <- average of ${e.models ?? 0} models; copies dropped`,
    perform: (_e, run, t) => {
      const all = [run.main, ...run.copies];
      const avg = averageParams(all.map(m => m.model.trainable));
      assignParams(run.main.model.trainable, avg);
      disposeParams(avg);
      run.copies.forEach(c => c.dispose());
      run.copies = [];
      return { step: t, kind: 'average', models: all.length };
    }
  },
  'ensemble-start': {
    timing: 'after-step',
    describe: e => `${e.models ?? 0} models train together to the end`,
    perform: (_e, run, t) => ({
      step: t,
      kind: 'ensemble-start',
      models: 1 + run.copies.length
    })
  },
  'weight-noise': {
    // The authors' code perturbs the weights before the noisy step's update, not after it.
    timing: 'before-step',
    describe: e =>
      `before this step's update: Gaussian noise, std = ${multiplierOf(e)} x std(W), into the selected tensors`,
    perform: async (e, run, t) => {
      await addWeightNoise(
        run.main.model.trainable,
        run.main.model.noiseTargets(),
        e.multiplier ?? 0,
        run.noiseRng
      );
      return {
        step: t,
        kind: 'weight-noise',
        multiplier: e.multiplier,
        models: 1
      };
    }
  },
  'input-noise': {
    timing: 'after-step',
    describe: (e, params) =>
      params.variant === 'embeddings'
        ? `this step's forward pass with noisy word embeddings, std = ${multiplierOf(e)} x std(embeddings)`
        : `this step: N(0, ${multiplierOf(e)}^2) on the pooled representation; encoder without gradients, only the classifier updates`,
    beforeStep: (e, run, extras) => {
      const counted =
        <T>(f: (x: T) => T) =>
        (x: T): T => {
          run.noisedInputs += 1;
          return f(x);
        };
      if (run.plan.params.variant === 'embeddings') {
        extras.inputEmbeddings = counted(
          inputNoise(e.multiplier ?? 0, run.noiseRng)
        );
      } else {
        // The authors' input noise: N(0, s2) on the pooled output, only the head learns.
        extras.pooledOutput = counted(
          pooledNoise(e.multiplier ?? 0, run.noiseRng)
        );
        extras.headOnly = true;
      }
    },
    perform: (e, run, t) => {
      // A model that ignores the hook would silently train without noise.
      if (run.noisedInputs === 0) {
        throw new Error(
          `strategy '${run.plan.strategy}': the model never called the input-noise hook ` +
            '(IForwardOptions.inputEmbeddings / pooledOutput), so input noise cannot be applied'
        );
      }
      return {
        step: t,
        kind: 'input-noise',
        multiplier: e.multiplier,
        models: 1
      };
    }
  },
  'prior-noise': {
    timing: 'before-training',
    describe: (e, params) =>
      params.distribution === 'uniform'
        ? `uniform noise U(-${multiplierOf(e)}/2, ${multiplierOf(e)}/2) x std(W) on every trainable tensor (NoisyTune)`
        : `Gaussian noise, std = ${multiplierOf(e)} x std(W), on every trainable tensor`,
    perform: async (e, run) => {
      const names = [...run.main.model.trainable.keys()];
      const add =
        run.plan.params.distribution === 'uniform'
          ? addUniformNoise
          : addWeightNoise;
      await add(
        run.main.model.trainable,
        names,
        e.multiplier ?? 0,
        run.noiseRng
      );
      return {
        step: 0,
        kind: 'prior-noise',
        multiplier: e.multiplier,
        models: 1
      };
    }
  },
  'swa-update': {
    timing: 'repeated',
    describe: e =>
      `SWA: running mean of the weights, every ${e.every ?? 1} step(s) to ${e.until}`
  },
  'ema-update': {
    timing: 'repeated',
    describe: e =>
      `EMA update of the weights, every ${e.every ?? 1} step(s) to ${e.until}`
  },
  end: {
    timing: 'end',
    describe: e =>
      (e.models ?? 0) > 1
        ? `predict: hard majority vote of ${e.models ?? 0} models`
        : 'predict with one model'
  }
};

/** The line `deni plan` prints for an event. */
export function describeEvent(
  e: IScheduleEvent,
  params: StrategyParams
): string {
  return EVENT_HANDLERS[e.kind]?.describe(e, params) ?? e.kind;
}

/**
 * Weight kept from the running average when the n-th value joins it (n = values averaged so
 * far). The default is the uniform mean (SWA); a strategy may declare another (EMA's decay).
 */
export type AverageKeep = (count: number) => number;

/** A running average of the main model's weights over a range of steps (SWA, EMA). */
export class RunningAverage {
  readonly kind: EventKind;
  readonly first: number;
  readonly last: number;
  readonly every: number;
  count = 0;
  values: ParamMap | null = null;

  constructor(
    e: IScheduleEvent,
    private readonly keep: AverageKeep
  ) {
    this.kind = e.kind;
    this.first = e.step;
    this.last = e.until ?? e.step;
    this.every = e.every ?? 1;
  }

  /** Whether the average takes the weights after step t. */
  due(t: number): boolean {
    return (
      t >= this.first && t <= this.last && (t - this.first) % this.every === 0
    );
  }

  /** Takes the current weights: the first value as is, then keep x old + (1 - keep) x new. */
  update(current: ParamMap): void {
    if (!this.values) {
      this.values = new Map([...current].map(([n, v]) => [n, tf.clone(v)]));
      this.count = 1;
      return;
    }
    const keepOld = this.keep(this.count);
    const next: ParamMap = new Map();
    for (const [n, v] of current) {
      const old = this.values.get(n) as tf.Tensor;
      next.set(
        n,
        tf.tidy(() => tf.add(tf.mul(old, keepOld), tf.mul(v, 1 - keepOld)))
      );
      old.dispose();
    }
    this.values = next;
    this.count += 1;
  }

  /** What the log records when the average took at least one value. */
  logged(): IScheduleEvent {
    return {
      step: this.first,
      kind: this.kind,
      until: this.last,
      every: this.every,
      models: 1
    };
  }

  dispose(): void {
    if (this.values) {
      disposeParams(this.values);
    }
  }
}

/** The uniform running mean: the n-th value gets weight 1 / (n + 1). */
export const uniformMean: AverageKeep = count => count / (count + 1);
