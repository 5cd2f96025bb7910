/**
 * What a strategy run will do, computed without training: the one plan shape that the engine
 * (strategies), the CLI (`deni plan --json`), the kernel (`%deni plan --json`) and the plugin's
 * cost estimate share.
 */
import type { StrategyName } from './strategies';
import type { TuningMethodName } from './tuning-methods';
import type { IScheduleEvent } from './types';

/** Optimiser settings (PyTorch semantics). */
export interface IOptimizerConfig {
  kind: 'adam' | 'adamw';
  beta1: number;
  beta2: number;
  eps: number;
  /** L2 penalty added to the gradient for `adam`, decoupled decay for `adamw`. */
  weightDecay: number;
}

/** A strategy hyper-parameter value. */
export type ParamValue = number | string | boolean;

/** Resolved hyper-parameters of a strategy (paper defaults overlaid by the sweep's overrides). */
export type StrategyParams = Record<string, ParamValue>;

/** How a strategy's final prediction is made. */
export type PredictionRule = 'main' | 'vote' | 'swa' | 'ema';

/** Compute cost of a plan (PAPER.md's cost columns). */
export interface IPlanCost {
  /** Optimiser steps summed over all models trained. */
  modelSteps: number;
  /** Models whose predictions are used per test sample. */
  passesPerTestSample: number;
  /** testSamples x passesPerTestSample, when testSamples is known. */
  testForwardPasses?: number;
  /** modelSteps / the default strategy's steps on the same budget. */
  relativeToDefault: number;
  /** modelSteps / an ensemble of 10 default runs. */
  relativeToEnsemble: number;
}

/** What a run of a strategy will do, computed without training. */
export interface IPlan {
  strategy: StrategyName;
  params: StrategyParams;
  /** Training samples each epoch (after augmentation / all-data). */
  trainSamples: number;
  epochs: number;
  batchSize: number;
  /** Optimiser steps of the main model (T). */
  totalSteps: number;
  /** Independent models trained one after another (ensemble: K; otherwise 1). */
  members: number;
  optimizer: IOptimizerConfig;
  warmupSteps: number;
  /** Dropout before the head (PAPER.md 0.3; mixout 0). */
  headDropout: number;
  prediction: PredictionRule;
  events: IScheduleEvent[];
  /** How the schedule was derived (e.g. DENI's constants at this T), printed by `deni plan`. */
  details?: string[];
  cost: IPlanCost;
}

/** One strategy's plan as `%deni plan --json` returns it: the plan with its names. */
export interface IPlanEntry {
  strategy: StrategyName;
  /** The strategy's one-line description. */
  description: string;
  /** The tuning method asked for (`--tuning`); model-steps do not depend on it. */
  tuning?: TuningMethodName;
  plan: IPlan;
  /** The plan's schedule and cost again, at the top for readers that want only those. */
  events: IScheduleEvent[];
  cost: IPlanCost;
}

/** The application/json output of `%deni plan --json`: one entry per strategy asked for. */
export interface IPlanAnswer {
  plans: IPlanEntry[];
  /** The tuning method asked for, when `--tuning` was given. */
  tuning?: TuningMethodName;
}
