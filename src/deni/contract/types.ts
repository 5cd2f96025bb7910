/**
 * Shared data shapes of a sweep, spoken by every engine module, the kernel and the plugin.
 * JSON Schema (src/deni/sweep/sweep-spec.schema.json) is the source of truth for validation;
 * these types mirror it. Imports nothing of ours but the axis tables beside it.
 */
import type { BackendName } from './backends';
import type { StrategyName } from './strategies';
import type { TuningMethodName } from './tuning-methods';

export type { BackendName, StrategyName, TuningMethodName };

/** Randomness factors; each has its own seeded generator (src/deni/random). */
export type RandomFactor =
  'split' | 'labels' | 'order' | 'init' | 'dropout' | 'noise' | 'augment';

/** One strategy of a sweep with its hyper-parameter overrides (validated by the strategy). */
export interface IStrategyEntry {
  name: StrategyName;
  /** Overrides of the strategy's paper defaults, e.g. `{ K: 5, s2: 0.15 }`. */
  params?: Record<string, number | string | boolean>;
}

/** Label budget and optimisation settings shared by every strategy of a sweep. */
export interface IBudget {
  /** Labelled training samples (class-balanced); PAPER.md: 1000. */
  samples: number;
  epochs: number;
  batchSize: number;
  maxLength: number;
  /** Overrides the per-model/tuning learning rate of PAPER.md. */
  learningRate?: number;
  /** Cap on test-split samples evaluated (for quick profiles); absent = whole test split. */
  testSamples?: number;
}

/** A data set reference: an id (built-in name, `hf:`/paper name) or a local file spec. */
export type DatasetRef = string | IDatasetFileSpec;

/**
 * The budget as written in a sweep: like IBudget, but `maxLength` may be left out, in which case
 * each data set's default applies (PAPER.md: 50 or 25 tokens) when the sweep expands into runs.
 */
export interface ISweepBudget extends Omit<IBudget, 'maxLength'> {
  maxLength?: number;
}

/** A whole sweep: the product's unit of work, written in `%%deni sweep` cells. */
export interface ISweepSpec {
  /** Sweep name: the handle for `%deni report <name>` and `deni.results(name)`. */
  name: string;
  /**
   * Data set id (built-in name, `hf:`/paper name, or a local file spec), or a list of them
   * (the sweep then crosses every data set with every model, tuning method and strategy).
   */
  dataset: DatasetRef | DatasetRef[];
  /** Model id (`minilm-l6`, `bert-base-uncased`, `hf:<repo>`, a local folder), or a list of them. */
  model: string | string[];
  tuning: TuningMethodName[];
  strategies: IStrategyEntry[];
  runs: number;
  seed: number;
  budget: ISweepBudget;
  backend: BackendName;
  executor: IExecutorSpec;
  /** SQLite file; default `.deni/results.sqlite` beside the notebook / working directory. */
  store?: string;
  /**
   * Hub revisions by model or data set id (a commit, branch or tag; for data sets a commit of
   * refs/convert/parquet). Left out: the commit resolved on first download.
   */
  revisions?: Record<string, string>;
}

/**
 * What a run read from the Hugging Face Hub: repository, commit and the sha256 of every file. Part
 * of the run key, so results from a changed upstream file never mix with the old ones.
 */
export interface IInputPin {
  repo: string;
  commit: string;
  /** Path in the repository -> sha256 (hex). */
  files: Record<string, string>;
  /** A data set's config. */
  config?: string;
}

/** The Hub inputs of a run (absent for built-in data, local files and prepared model folders). */
export interface IRunInputs {
  dataset?: IInputPin;
  model?: IInputPin;
}

/** A local data file with its column mapping. */
export interface IDatasetFileSpec {
  path: string;
  /** Label in tables and figures; default: the file's name (never its absolute path). */
  name?: string;
  format?: 'csv' | 'jsonl' | 'parquet';
  textColumn: string;
  pairColumn?: string;
  labelColumn: string;
  /**
   * Class names in label order (added by the data module). With it, any other label value is an
   * error; an integer label matches a name equal to it ("1".."5"), else it is an index below
   * labels.length. Without it, classes are inferred (0..max, or sorted distinct names).
   */
  labels?: string[];
}

/** Where runs execute. */
export interface IExecutorSpec {
  kind: 'local' | 'redis';
  /** Local worker processes; default: one per core. */
  workers?: number;
  /** `redis://[:password@]host:port` for the distributed executor. */
  redis?: string;
}

/** Seeds of every factor for one run. */
export type FactorSeeds = Record<RandomFactor, number>;

/** One training run: the canonical configuration, its run index and the seeds of every factor. */
export interface IRunSpec {
  /** Hash of the canonical JSON of everything below (the store key). */
  key: string;
  sweep: string;
  dataset: string | IDatasetFileSpec;
  model: string;
  tuning: TuningMethodName;
  strategy: IStrategyEntry;
  budget: IBudget;
  /**
   * The back-end that computes the run, part of its key: where the sweep starts, its `auto`
   * becomes the concrete back-end it picks there (backend/resolve.ts), and a worker that cannot
   * start that back-end fails the run. `auto` only in runs of custom run functions (which pick
   * their own) and in stores written before `auto` was resolved.
   */
  backend: BackendName;
  run: number;
  seeds: FactorSeeds;
  /** Hub commits and file checksums of the data set and model (resolved before the sweep runs). */
  inputs?: IRunInputs;
  /**
   * Fingerprints of what the run reads (`data`: a local file's SHA-256, `builtin@<version>`, or a
   * Hub revision; `model`: a local folder's file hashes or a Hub revision). Part of the key, so a
   * changed input never reuses an old result. Absent when nothing could be fingerprinted.
   */
  content?: Record<string, string>;
}

/** What a run costs (PAPER.md: every strategy accounts for these). */
export interface ICost {
  /** Optimiser steps summed over all models trained (an ensemble of 10 x T steps = 10T). */
  modelSteps: number;
  /** Forward passes over test samples (an ensemble of K predicts with K passes per sample). */
  testForwardPasses: number;
  wallSeconds: number;
  /** Peak bytes held by tfjs tensors (tf.memory().numBytes). */
  peakTensorBytes: number;
  /** Peak resident set size of the process, bytes. */
  peakRssBytes: number;
}

/** The outcome of one run. */
export interface IRunResult {
  key: string;
  spec: IRunSpec;
  /** Macro-F1 x 100 on the test split. */
  macroF1: number;
  /** Accuracy x 100. */
  accuracy: number;
  perClassF1: number[];
  /** Test predictions (class indices) in test-split order. */
  predictions: number[];
  cost: ICost;
  /** Back-end actually used (after `auto`). */
  backend: string;
  versions: Record<string, string>;
  host: string;
  startedAt: string;
  finishedAt: string;
  /** Strategy events as logged while training (equal to the plan). */
  events?: IScheduleEvent[];
}

/** One scheduled event of a strategy (see src/deni/strategies). */
export interface IScheduleEvent {
  /** Optimiser step of the main model after which the event happens (1-based; 0 = before training). */
  step: number;
  kind:
    | 'copies'
    | 'noise'
    | 'average'
    | 'ensemble-start'
    | 'swa-update'
    | 'ema-update'
    | 'input-noise'
    | 'weight-noise'
    | 'prior-noise'
    | 'end';
  /** Noise std multiplier (times std of each tensor), where noise is added. */
  multiplier?: number;
  /** Number of models involved (copies made, models averaged). */
  models?: number;
  /**
   * For a repeated event (SWA/EMA updates): the last step it repeats at, inclusive. The event
   * then happens after every `every`-th step from `step` to `until`.
   */
  until?: number;
  /** Period in steps of a repeated event (with `until`). */
  every?: number;
}

/** Progress of a sweep, emitted by executors. */
export interface ISweepProgress {
  sweep: string;
  done: number;
  total: number;
  /** Runs taken from the store without training. */
  cached: number;
  failed: number;
  current?: {
    run: number;
    strategy: string;
    tuning: string;
    step: number;
    totalSteps: number;
    /** Added by the sweep executors: which configuration the current run belongs to. */
    dataset?: string;
    model?: string;
    key?: string;
  };
  etaSeconds?: number;
  /** Runs currently executing (local worker processes or Redis workers). */
  running?: number;
  /** A Hub download in progress before the runs start (bytes of the current file). */
  download?: { repo: string; file: string; bytes: number; total?: number };
}

/**
 * A run that failed, as every layer passes it on (sweep outcome, kernel, CLI): its run index, the
 * label of its configuration (`sst2 / minilm-l6 / lora / deni #3`) and the error message.
 */
export interface IRunFailureInfo {
  run: number;
  label: string;
  message: string;
}

/** Progress of one run, reported by the trainer while it runs. */
export interface IRunProgress {
  /** Optimiser steps done so far (all models of the run summed, or main-model steps; with totalSteps). */
  step: number;
  totalSteps: number;
  /** Free-form phase label (`train`, `ni-cycle`, `ensemble`, `eval`, ...). */
  phase?: string;
}

/** Options handed to a run function. */
export interface IRunOptions {
  onProgress?: (progress: IRunProgress) => void;
  /** Aborting cancels the run; the run function then rejects and nothing is stored. */
  signal?: AbortSignal;
}

/**
 * Executes one RunSpec. The product's run function is `executeRun` of src/deni/train; executors
 * are generic over this type so that custom trainers (and test doubles) plug in.
 */
export type RunOneFn = (
  spec: IRunSpec,
  options: IRunOptions
) => Promise<IRunResult>;
