import type { Tensor } from '@tensorflow/tfjs-core';
import type { Rng } from '../random';
import type { FactorSeeds, IScheduleEvent, StrategyName } from '../sweep/types';
import type {
  CostMeter,
  IOptimizerConfig,
  ITokenisedSet,
  ITrainableModel,
  TrainingMember
} from '../train';

/** A strategy hyper-parameter value. */
export type ParamValue = number | string | boolean;

/** Resolved hyper-parameters of a strategy (paper defaults overlaid by the sweep's overrides). */
export type StrategyParams = Record<string, ParamValue>;

/** One hyper-parameter: its paper default and what values are valid. */
export interface IParamSpec {
  name: string;
  type: 'number' | 'integer' | 'boolean' | 'enum' | 'string';
  default: ParamValue;
  /** The allowed values of an 'enum' parameter (strings). */
  values?: readonly string[];
  /** Inclusive bounds for numbers. */
  min?: number;
  max?: number;
  /** Exclusive lower bound (e.g. a variance must be > 0). */
  greaterThan?: number;
  description: string;
}

/** What a strategy needs from the data layer beyond the paper split. */
export interface IDataNeeds {
  /** Paraphrases per labelled sample (augment, deni-augment); 0 = none. */
  augment: number;
  /**
   * The paraphrase file (CSV/JSONL of `text, paraphrase` rows) the augmentation reads; absent =
   * the rule-based WordNet substitute, labelled `(wordnet)` in every table.
   */
  paraphrases?: string;
  /** Train on the whole 80 % split (class-balanced cap) instead of the label budget. */
  allData: boolean;
  /** Class-balanced cap for all-data (PAPER.md: 55,000). */
  allDataCap?: number;
}

/** Inputs of `plan`: the budget of a run, before the strategy changes it. */
export interface IPlanConfig {
  /** Labelled samples (the budget). */
  samples: number;
  /** All-data only: the size of the whole training pool (80 % split, after its cap). */
  poolSamples?: number;
  epochs: number;
  batchSize: number;
  /** Test samples; without it the cost gives passes per test sample only. */
  testSamples?: number;
  /** Overrides of the paper defaults. */
  params?: Record<string, ParamValue>;
  /** The real training-set size after the strategy's data needs (augmentation may give fewer). */
  trainSamples?: number;
}

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

/** How a strategy's final prediction is made. */
export type PredictionRule = 'main' | 'vote' | 'swa' | 'ema';

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

/** Everything a strategy run gets from executeRun (or a test). */
export interface IStrategyContext {
  params?: Record<string, ParamValue>;
  /** Training set after the strategy's data needs (augmented / all-data). */
  train: ITokenisedSet;
  test: ITokenisedSet;
  /** Labelled-sample budget (before augmentation). */
  samples: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seeds: FactorSeeds;
  /** A fresh model state whose head/adapters come from `initRng`. */
  createModel(initRng: Rng): ITrainableModel | Promise<ITrainableModel>;
  meter: CostMeter;
  evalBatchSize?: number;
  onProgress?(step: number, totalSteps: number): void;
  signal?: AbortSignal;
  /**
   * Inspection hook (tests, diagnostics): called before and after each event is performed and
   * after every optimiser step and its events ('step', with a synthetic event of that step).
   */
  observe?(
    phase: 'before' | 'after' | 'step',
    event: IScheduleEvent,
    state: IRunState
  ): void | Promise<void>;
}

/** The models of a running strategy, as seen by `observe`. */
export interface IRunState {
  main: TrainingMember;
  copies: readonly TrainingMember[];
  /** Ensemble member index (0 unless the strategy trains independent members). */
  member: number;
  /** Mixout's target: a copy of the head weight taken before training. */
  mixoutTarget?: Tensor | null;
}

/** The outcome of a strategy run. */
export interface IStrategyOutcome {
  plan: IPlan;
  /** Final test predictions. */
  predictions: number[];
  /** Each voting member's own predictions (ensembles, DE, DENI). */
  memberPredictions?: number[][];
  /** Events as performed while training. */
  events: IScheduleEvent[];
  /** Loss of the main model per step (for diagnostics). */
  losses: number[];
}

/** A mitigation strategy (DESIGN.md): plan without training, run with training. */
export interface IStrategy {
  readonly name: StrategyName;
  /** One line for `deni strategies`. */
  readonly description: string;
  readonly params: readonly IParamSpec[];
  /** Paper defaults overlaid by `overrides`; unknown names or bad values throw. */
  resolveParams(overrides?: Record<string, ParamValue>): StrategyParams;
  dataNeeds(overrides?: Record<string, ParamValue>): IDataNeeds;
  plan(config: IPlanConfig): IPlan;
  run(context: IStrategyContext): Promise<IStrategyOutcome>;
}
