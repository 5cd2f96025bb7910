import type { Tensor } from '@tensorflow/tfjs-core';
import type { Rng } from '../random';
import type {
  FactorSeeds,
  IScheduleEvent,
  StrategyName
} from '../contract/types';
import type {
  IPlan,
  ParamValue,
  StrategyParams
} from '../contract/strategy-plan';
import type {
  CostMeter,
  ITokenisedSet,
  ITrainableModel,
  TrainingMember
} from '../train';

export type {
  IPlan,
  IPlanCost,
  ParamValue,
  PredictionRule,
  StrategyParams
} from '../contract/strategy-plan';

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
