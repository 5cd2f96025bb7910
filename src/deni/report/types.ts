/**
 * The report bundle (`application/vnd.deni.report.v1+json`) rendered by the plugin and written by
 * the kernel. Plain JSON only: the plugin never executes anything it finds here.
 */

/** MIME type of the report bundle. */
export const REPORT_MIME = 'application/vnd.deni.report.v1+json';

/** MIME type of the main figure (plotly JSON), beside the report bundle. */
export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

/** Statistics of one (dataset, model, tuning, strategy) group of runs. */
export interface IGroupStats {
  dataset: string;
  model: string;
  tuning: string;
  strategy: string;
  runs: number;
  mean: number;
  /** Population std (ddof 0), as the paper. */
  std: number;
  /** Sample std (ddof 1). */
  sampleStd: number;
  min: number;
  max: number;
  failed: number;
  meanCI: [number, number];
  stdCI: [number, number];
  /** Brown-Forsythe test of equal variance against default (p-value); absent for default. */
  varianceP?: number;
  /** Welch t-test of means against default (p-value); absent for default. */
  meanP?: number;
  /** Mean model-steps relative to default and to ensemble. */
  costVsDefault?: number;
  costVsEnsemble?: number;
  /** Mean wall seconds per run. */
  wallSeconds: number;
  /** Largest peak of tfjs tensor bytes over the runs. */
  peakTensorBytes: number;
  // ---- Added by the report module (optional, so older bundles stay valid) ----
  /** Strategy name without its parameters (`strategy` is the display label, e.g. `deni(K=5)`). */
  strategyName?: string;
  /** Strategy overrides of the group, when any. */
  strategyParams?: Record<string, number | string | boolean>;
  /** Number of classes (length of perClassF1) and the failure threshold 100 / classes. */
  classes?: number;
  failThreshold?: number;
  /** Confidence level of meanCI / stdCI (e.g. 0.95) and the bootstrap resamples behind them. */
  confidence?: number;
  resamples?: number;
  /** Brown-Forsythe statistic W (F distribution with 1 and N-2 degrees of freedom). */
  varianceStat?: number;
  /** Welch t statistic (this group minus default) and its Welch-Satterthwaite degrees of freedom. */
  meanStat?: number;
  meanDf?: number;
  /** Mean minus default's mean, and std relative to default's std. */
  meanDiff?: number;
  stdVsDefault?: number;
  /**
   * Percentile bootstrap interval (level `confidence`, `resamples` rounds) of stdVsDefault, both
   * groups' runs resampled independently (report/bootstrap.ts, bootstrapStdRatio). Rounds whose
   * default draw has no spread are dropped and counted in `stdRatioDropped`; null when more than
   * (1 - confidence) / 2 of the rounds were dropped (too few distinct default runs to bound the
   * ratio). Both absent where stdVsDefault is absent.
   */
  stdRatioCI?: [number, number] | null;
  stdRatioDropped?: number;
  /** Mean model-steps and test forward passes per run. */
  modelSteps?: number;
  testForwardPasses?: number;
  /**
   * Mean wall seconds relative to default's and to ensemble's (same dataset, model and tuning);
   * absent where that group is missing or either side has no measured wall time.
   */
  wallVsDefault?: number;
  wallVsEnsemble?: number;
  /** Largest peak resident set size over the runs, bytes. */
  peakRssBytes?: number;
  /**
   * Smallest std reduction these runs and default's could have detected: the largest ratio
   * r < 1 (this group's std / default's) at which Brown-Forsythe reaches `detectPower` at
   * `detectAlpha` (normal scores assumed; see report/power.ts). Null when no ratio >= 0.01 is
   * detectable (too few runs); absent for default and for reports of running sweeps.
   */
  detectableStdRatio?: number | null;
  detectPower?: number;
  detectAlpha?: number;
  /**
   * This group against default paired by run index (run i of both shares its seeds); absent for
   * default, where the configuration has no default group, and where no run pairs up.
   */
  paired?: IPairedStats;
}

/**
 * A group's runs against default's runs of the same index (report/paired.ts): only indices with a
 * run, not failed, on both sides pair up. Differences are this group's macro-F1 minus default's.
 */
export interface IPairedStats {
  /** Pairs behind the numbers below. */
  pairs: number;
  /** Mean of the paired differences. */
  meanDiff: number;
  /**
   * Percentile bootstrap interval of meanDiff, pairs resampled (the group's `confidence` and
   * `resamples`, its own seeded stream).
   */
  ci: [number, number];
  /** Two-sided sign-flip permutation p-value of meanDiff. */
  p: number;
  /** Whether p enumerated every sign pattern (else a seeded Monte Carlo estimate). */
  exact: boolean;
  /** Sign patterns behind p: 2^pairs when exact, else the random draws. */
  patterns: number;
  /** Pairs with a positive, zero (the same macro-F1) and negative difference. */
  wins: number;
  ties: number;
  losses: number;
}

/** A paper-style table: rows strategies, columns configurations, cells "mean (std)". */
export interface IReportTable {
  /** Stable id (added by the report module), e.g. `paper` or `paper:minilm-l6`. */
  id?: string;
  title: string;
  /** Digits the cells were rounded to (added by the report module; default 2). */
  digits?: number;
  columns: string[];
  rows: { label: string; cells: (ITableCell | null)[] }[];
}

/** One table cell with the numbers behind its text. */
export interface ITableCell {
  text: string;
  mean: number;
  std: number;
  /** Best mean of its column (bold). */
  bestMean?: boolean;
  /** Lowest std of its column. */
  bestStd?: boolean;
  /** Runs behind the cell and how many failed (added by the report module). */
  runs?: number;
  failed?: number;
}

/** A column of a plain table (added by the report module). */
export interface IPlainColumn {
  /** Header text. */
  label: string;
  /** Digits after the decimal point for numeric values (default: shown as is). */
  digits?: number;
  align?: 'left' | 'right';
}

/**
 * A plain table of text and numbers (statistics, cost, per-run), kept unformatted so each output
 * format rounds and escapes it itself. `null` is an empty cell.
 */
export interface IPlainTable {
  id: string;
  title: string;
  columns: IPlainColumn[];
  rows: (string | number | null)[][];
}

/** One run in the paper's long format (one row per run). */
export interface IRunRow {
  key: string;
  dataset: string;
  model: string;
  tuning: string;
  strategy: string;
  run: number;
  macroF1: number;
  accuracy: number;
  failed: boolean;
  modelSteps: number;
  testForwardPasses: number;
  wallSeconds: number;
  peakTensorBytes: number;
  peakRssBytes: number;
  backend: string;
}

/** A plotly figure spec (data + layout), JSON only. */
export interface IFigureSpec {
  id: string;
  title: string;
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
}

/** Predicted against measured wall time of a sweep on this machine (added by the planning module). */
export interface IReportTiming {
  /** The plan's expected wall seconds (step times measured on this machine, the sweep's workers). */
  predictedSeconds: number;
  /** Wall seconds the stored runs took (union of their start-finish intervals). */
  measuredSeconds: number;
  workers: number;
}

/** The whole report bundle. */
export interface IReportBundle {
  version: 1;
  sweep: string;
  status: 'running' | 'done' | 'interrupted' | 'error';
  progress?: {
    done: number;
    total: number;
    cached: number;
    failed: number;
    current?: string;
    etaSeconds?: number;
  };
  stats: IGroupStats[];
  tables: IReportTable[];
  figures: IFigureSpec[];
  /** Readable error text (never HTML). */
  error?: string;
  // ---- Added by the report module (optional) ----
  /**
   * Statistics and cost tables (see IPlainTable); the per-run (`runs`, `byrun`) and `paired` tables
   * are made from `runs` and `stats` when asked for (report/cells.ts).
   */
  plainTables?: IPlainTable[];
  /** Every run in the long format, so any format can be rebuilt from the bundle alone. */
  runs?: IRunRow[];
  /** A few lines of plain text summing the report up (also the text/plain output). */
  summary?: string;
  /** Id of the figure shown as application/vnd.plotly.v1+json (default: the first). */
  mainFigure?: string;
  /** Predicted against measured wall time (when the plan's step time is known here). */
  timing?: IReportTiming;
}
