import type { IScheduleEvent, StrategyName } from '../contract/types';
import { ADAM_DEFAULTS, type IOptimizerConfig, totalSteps } from '../train';
import type { AverageKeep } from './event-handlers';
import { sortEvents } from './schedule';
import type {
  IDataNeeds,
  IPlan,
  IPlanConfig,
  ParamValue,
  PredictionRule,
  StrategyParams
} from './types';

/** Paper ensemble size used for the "relative to ensemble" cost column. */
export const ENSEMBLE_SIZE = 10;

/** What a strategy module declares; `buildPlan` turns it into a plan. */
export interface IStrategyShape {
  /** Epochs the strategy trains for, given the budget's. */
  epochs?(params: StrategyParams, budgetEpochs: number): number;
  optimizer?(params: StrategyParams): IOptimizerConfig;
  /** Fraction of steps that warm up. */
  warmup?(params: StrategyParams): number;
  headDropout?(params: StrategyParams): number;
  /** Independent members trained one after another (ensemble). */
  members?(params: StrategyParams): number;
  prediction?(params: StrategyParams): PredictionRule;
  /**
   * Events of one member's training (without the final 'end'), for T steps; `overrides` are the
   * parameters given explicitly (DENI's relative schedule scales only the constants not given).
   */
  events?(
    params: StrategyParams,
    totalSteps: number,
    overrides: Record<string, ParamValue>
  ): IScheduleEvent[];
  /** The parameters as this T uses them (DENI's relative schedule: the scaled cycle and gap). */
  effectiveParams?(
    params: StrategyParams,
    totalSteps: number,
    overrides: Record<string, ParamValue>
  ): StrategyParams;
  /** Lines `deni plan` prints about how the schedule was derived (constants, multipliers). */
  details?(
    params: StrategyParams,
    totalSteps: number,
    overrides: Record<string, ParamValue>
  ): string[];
  dataNeeds?(params: StrategyParams): IDataNeeds;
  /** Mixout probability of the head weight towards its initial value (mixout); default none. */
  headMixout?(params: StrategyParams): number;
  /** How running averages weigh their old value (EMA's decay); default the uniform mean (SWA). */
  averageKeep?(params: StrategyParams): AverageKeep;
}

/**
 * Training-set size a strategy sees: the budget times (1 + paraphrases per sample), or for
 * all-data the pool size (which only the data set knows: `poolSamples`).
 */
export function trainSamplesFor(
  strategy: string,
  needs: IDataNeeds,
  samples: number,
  poolSamples?: number
): number {
  if (needs.allData) {
    if (poolSamples === undefined) {
      throw new RangeError(
        `strategy '${strategy}' trains on the whole training pool, not the label budget: its plan needs the pool size ` +
          '(poolSamples: the training split of the data set, after the class-balanced cap)'
      );
    }
    return poolSamples;
  }
  return samples * (1 + needs.augment);
}

/**
 * Builds the plan: T = epochs x ceil(train samples / batch); cost in model-steps from the events
 * (each copy trains from its 'copies' step to the next 'average' or the end).
 */
export function buildPlan(
  name: StrategyName,
  shape: IStrategyShape,
  params: StrategyParams,
  config: IPlanConfig
): IPlan {
  const needs = shape.dataNeeds?.(params) ?? { augment: 0, allData: false };
  const trainSamples =
    config.trainSamples ??
    trainSamplesFor(name, needs, config.samples, config.poolSamples);
  const epochs = shape.epochs?.(params, config.epochs) ?? config.epochs;
  const T = totalSteps(trainSamples, epochs, config.batchSize);
  const members = shape.members?.(params) ?? 1;
  const overrides = config.params ?? {};
  const inner = sortEvents(shape.events?.(params, T, overrides) ?? []);
  let modelSteps = 0;
  let active = 0;
  let since = 0;
  for (const e of inner) {
    if (e.kind === 'copies') {
      modelSteps += active * (e.step - since);
      since = e.step;
      active += e.models ?? 0;
    } else if (e.kind === 'average') {
      modelSteps += active * (e.step - since);
      since = e.step;
      active = 0;
    }
  }
  modelSteps += active * (T - since);
  const predicting = members > 1 ? members : 1 + active;
  modelSteps = members * (T + modelSteps);
  const events: IScheduleEvent[] =
    members > 1
      ? [
          { step: 0, kind: 'ensemble-start', models: members },
          { step: T, kind: 'end', models: members }
        ]
      : [...inner, { step: T, kind: 'end', models: predicting }];
  const defaultSteps = totalSteps(
    config.samples,
    config.epochs,
    config.batchSize
  );
  return {
    strategy: name,
    params: shape.effectiveParams?.(params, T, overrides) ?? params,
    trainSamples,
    epochs,
    batchSize: config.batchSize,
    totalSteps: T,
    members,
    optimizer: shape.optimizer?.(params) ?? ADAM_DEFAULTS,
    warmupSteps: Math.floor((shape.warmup?.(params) ?? 0) * T),
    headDropout: shape.headDropout?.(params) ?? 0.3,
    prediction:
      shape.prediction?.(params) ?? (predicting > 1 ? 'vote' : 'main'),
    events,
    details: shape.details?.(params, T, overrides),
    cost: {
      modelSteps,
      passesPerTestSample: predicting,
      testForwardPasses:
        config.testSamples !== undefined
          ? config.testSamples * predicting
          : undefined,
      relativeToDefault: modelSteps / defaultSteps,
      relativeToEnsemble: modelSteps / (ENSEMBLE_SIZE * defaultSteps)
    }
  };
}
