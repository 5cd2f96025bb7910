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
  wallSeconds: number;
  peakTensorBytes: number;
}

/** A paper-style table: rows strategies, columns configurations, cells "mean (std)". */
export interface IReportTable {
  title: string;
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
}

/** A plotly figure spec (data + layout), JSON only. */
export interface IFigureSpec {
  id: string;
  title: string;
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
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
}
