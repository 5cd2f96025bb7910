import { Rng } from '../random';
import type { IRunResult, ISweepProgress } from '../contract/types';
import { buildFigures } from './figures';
import { groupResults, type IGroupOrder, type IRunGroup } from './groups';
import { checkStatus, toBundleProgress, type BundleProgress } from './progress';
import { POWER_DEFAULTS } from './power';
import { isFailedRun, statsOfGroups } from './stats';
import { summaryText } from './summary';
import {
  costTable,
  paperTables,
  statsTable,
  type TableDimension
} from './tables';
import type { IReportBundle, IReportTiming, IRunRow } from './types';

/** Options of buildReport. */
export interface IBuildReportOptions {
  status: IReportBundle['status'];
  progress?: ISweepProgress | BundleProgress;
  /** Readable error text (shown escaped, never as HTML). */
  error?: string;
  /** Generator for the bootstrap; default `new Rng(seed)`. */
  rng?: Rng;
  /** Seed of the default generator (default 0), so equal inputs give equal bundles. */
  seed?: number;
  /** Bootstrap resamples (default 2000) and confidence level (default 0.95). */
  resamples?: number;
  confidence?: number;
  /** Column dimensions of the paper-style table (see paperTables). */
  columns?: TableDimension[];
  /** Digits of macro-F1 in tables (default 2). */
  digits?: number;
  /**
   * Keep every run in the bundle (default true): needed for the per-run table from the bundle
   * alone; leaving them out shrinks the bundle of a very large sweep (about 330 bytes per run).
   */
  includeRuns?: boolean;
  /** Order of data sets, models and tunings (e.g. the sweep spec's); default: paper order. */
  order?: IGroupOrder;
  /**
   * Power and alpha of the "smallest detectable std ratio" per comparison (default 0.8 and 0.05),
   * or false to leave it out. Worked out only once the sweep is no longer running.
   */
  detectable?: { power: number; alpha: number } | false;
  /** Predicted against measured wall time (see planning/report-timing.ts). */
  timing?: IReportTiming;
}

/**
 * The report of a sweep: statistics per (dataset, model, tuning, strategy) group, the paper-style
 * tables, the statistics, cost and per-run tables, the figure specs and a short summary, in the
 * JSON bundle that the kernel displays and the plugin draws. Works on any subset of the results
 * (a running sweep gives a partial report). Deterministic: the same results and seed give the same
 * bundle whatever order the results come in.
 */
export function buildReport(
  sweep: string,
  results: readonly IRunResult[],
  options: IBuildReportOptions
): IReportBundle {
  if (typeof sweep !== 'string') {
    throw new TypeError(
      `report sweep name: must be a string, got ${JSON.stringify(sweep)}`
    );
  }
  if (!Array.isArray(results)) {
    throw new TypeError('report results: must be an array of run results');
  }
  const status = checkStatus(options?.status);
  const groups = groupResults(results, options.order);
  const stats = statsOfGroups(groups, {
    rng: options.rng ?? new Rng(options.seed ?? 0),
    resamples: options.resamples,
    confidence: options.confidence,
    ...(status !== 'running' && options.detectable !== false
      ? {
          detectable: options.detectable ?? {
            power: POWER_DEFAULTS.power,
            alpha: POWER_DEFAULTS.alpha
          }
        }
      : {})
  });
  const runs = runRows(groups);
  const digits = options.digits ?? 2;
  const bundle: IReportBundle = {
    version: 1,
    sweep,
    status,
    stats,
    tables:
      stats.length > 0
        ? paperTables(stats, { columns: options.columns, digits })
        : [],
    figures: buildFigures(stats, runs),
    plainTables:
      stats.length > 0 ? [statsTable(stats, digits), costTable(stats)] : []
  };
  if (options.includeRuns ?? true) {
    bundle.runs = runs;
  }
  if (options.progress) {
    bundle.progress = toBundleProgress(options.progress);
  }
  if (options.error !== undefined) {
    bundle.error = String(options.error);
  }
  if (options.timing) {
    bundle.timing = options.timing;
  }
  if (bundle.figures.length > 0) {
    bundle.mainFigure = bundle.figures[0].id;
  }
  bundle.summary = summaryText(bundle, digits);
  return bundle;
}

/** Per-run rows (long format) in group order. */
export function runRows(groups: readonly IRunGroup[]): IRunRow[] {
  const n = (x: number | undefined) =>
    typeof x === 'number' && Number.isFinite(x) ? x : 0;
  return groups.flatMap(g =>
    g.results.map(r => ({
      key: r.key,
      dataset: g.dataset,
      model: g.model,
      tuning: g.tuning,
      strategy: g.strategy,
      run: r.spec.run,
      macroF1: r.macroF1,
      accuracy: n(r.accuracy),
      failed: isFailedRun(r),
      modelSteps: n(r.cost.modelSteps),
      testForwardPasses: n(r.cost.testForwardPasses),
      wallSeconds: n(r.cost.wallSeconds),
      peakTensorBytes: n(r.cost.peakTensorBytes),
      peakRssBytes: n(r.cost.peakRssBytes),
      backend: String(r.backend ?? '')
    }))
  );
}
