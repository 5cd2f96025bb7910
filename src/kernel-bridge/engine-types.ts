/**
 * What the kernel needs from the DENI engine, as one interface. engine.ts implements it on the
 * real modules (src/deni/*); the kernel and the magics only see this shape.
 */
import type * as Library from '../deni';
import type { IPlanEntry } from '../deni/contract/strategy-plan';
import type {
  IRunFailureInfo,
  ISweepProgress,
  ISweepSpec
} from '../deni/contract/types';
import type { MimeBundle } from './protocol/messages';

/** The engine library's module namespace (src/deni/index.ts), loaded at run time. */
export type DeniLibrary = typeof Library;

/** How a sweep run from a cell ended. */
export interface ICellSweepOutcome {
  status: 'done' | 'interrupted';
  /** Final progress (done/total/cached/failed). */
  progress: ISweepProgress;
  /** Runs trained (and stored) by this execution; 0 with failures means every attempt failed. */
  executed: number;
  /** The runs that failed in this execution. */
  failures: IRunFailureInfo[];
}

/** Options of {@link IDeniEngine.runSweep}. */
export interface ICellSweepOptions {
  onProgress: (progress: ISweepProgress) => void;
  signal: AbortSignal;
  /** Data warnings found before the runs start (shown on the cell's stderr). */
  onWarning?: (line: string) => void;
  /** `backend auto -> wasm: <why>`: what the spec's `auto` became, before the runs start. */
  onBackend?: (line: string) => void;
}

/** A line-oriented problem of a sweep body (line is relative to the body). */
export interface ISpecProblem {
  line?: number;
  path: string;
  message: string;
}

/** Raised by {@link IDeniEngine.parseSweep} with every problem found. */
export class SweepBodyError extends Error {
  constructor(
    readonly problems: ISpecProblem[],
    message: string
  ) {
    super(message);
    this.name = 'SweepSpecError';
  }
}

/** The `%deni plan` request. */
export interface IPlanRequest {
  strategies: string[];
  samples: number;
  epochs: number;
  batchSize: number;
  params: Record<string, number | string | boolean>;
  /** Tuning method the plan is for (`--tuning`); model-steps do not depend on it. */
  tuning?: string;
}

/** `%deni plan --detect-std-ratio ...` / `%%deni plan`: the study-level plan request. */
export interface IStudyPlanRequest {
  /** The sweep to plan (a `%%deni plan` body); absent for the power question alone. */
  spec?: ISweepSpec;
  /** Strategy std / default std to detect. */
  ratio?: number;
  power?: number;
  alpha?: number;
  /** Stored sweep whose default runs the simulation resamples. */
  pilot?: string;
  store?: string;
  /** Measure the step time when not cached (default true). */
  measure?: boolean;
}

/** The engine as the kernel sees it. */
export interface IDeniEngine {
  /** Parses and validates a `%%deni sweep` body; throws {@link SweepBodyError}. */
  parseSweep(text: string, source: string): ISweepSpec;
  /** Runs the missing runs of a sweep (off the event loop) and resolves when done or stopped. */
  runSweep(
    spec: ISweepSpec,
    options: ICellSweepOptions
  ): Promise<ICellSweepOutcome>;
  /** The report bundle of a sweep (from its spec, or by name from a store). */
  report(
    sweep: ISweepSpec | string,
    options?: {
      store?: string;
      status?: 'done' | 'interrupted';
      progress?: ISweepProgress;
    }
  ): Promise<MimeBundle>;
  /** Text of `%deni plan`. */
  plan(request: IPlanRequest): string;
  /** `%deni plan --json`: one entry per strategy, in request order. */
  planJson(request: IPlanRequest): IPlanEntry[];
  /** Runs needed, expected wall time and warnings: text and the plan as JSON. */
  studyPlan(
    request: IStudyPlanRequest
  ): Promise<{ text: string; json: Record<string, unknown> }>;
  /** `%deni datasets --json` / `%deni models --json`: what the widget's pickers list. */
  datasetChoices(): Record<string, unknown>[];
  modelChoices(): Record<string, unknown>[];
  /** Text of `%deni datasets`. */
  datasets(): Promise<string>;
  /** Text of `%deni models`. */
  models(): Promise<string>;
  /** Text of `%deni doctor`: back-ends usable here, Hub settings, caches, fixes. */
  doctor(): Promise<string>;
  /** Text of `%deni strategies`. */
  strategies(): string;
  /** Lines describing the store for `%deni status`. */
  storeStatus(store?: string): Promise<string>;
  /**
   * Seeds the store from a `deni export --format jsonl` file (identical runs skipped, one
   * transaction); one summary line per sweep of the file. Throws naming the file on a bad file.
   */
  importRuns(file: string, store?: string): Promise<string>;
  /** Exported text of a sweep's runs. */
  exportRuns(
    sweep: string,
    format: 'csv' | 'json',
    store?: string
  ): Promise<string>;
  /** Top-level SweepSpec keys and, per object key, its nested keys (completion, inspect). */
  specKeys(): {
    top: Record<string, string>;
    nested: Record<string, Record<string, string>>;
  };
  /** Allowed values of enum-like spec fields (tuning, strategies, backend) for completion. */
  specValues(): Record<string, string[]>;
  /** The MIME bundle showing a sweep in progress (status `running`) or stopped. */
  progress(
    progress: ISweepProgress,
    status?: 'running' | 'done' | 'interrupted' | 'error',
    error?: string
  ): MimeBundle;
  /** The object exposed as `deni` in code cells (`deni.results(name)` and the engine API). */
  api(): object;
}
