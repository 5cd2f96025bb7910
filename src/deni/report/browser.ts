/**
 * The browser-safe part of the report module (no Node built-ins, no jstat): formatting, MIME
 * bundles, progress bundles and table/figure builders over an existing bundle. The JupyterLab
 * plugin imports this file; Node code can import index.ts, which re-exports it.
 */
export * from './types';
export { csvField, escapeHtml, escapeLatex, escapeMarkdown } from './escape';
export { defaultTables, TABLE_CHOICES, type TableChoice } from './cells';
export {
  formatReport,
  REPORT_FORMATS,
  type IFormatOptions,
  type ReportFormat
} from './format';
export { toMimeBundle, type ReportMimeBundle } from './mime';
export {
  progressBundle,
  REPORT_STATUSES,
  toBundleProgress,
  type BundleProgress
} from './progress';
export { formatDuration, progressLine, summaryText } from './summary';
export {
  byRunTable,
  costTable,
  pairedTable,
  paperTables,
  runsTable,
  statsTable,
  type IPaperTableOptions,
  type TableDimension
} from './tables';
export { buildFigures, FIGURE_IDS, paretoFrontier } from './figures';
export { STRATEGY_ORDER, strategyLabel, datasetLabel } from './groups';
