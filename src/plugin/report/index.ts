/** Report bundle rendering: the JupyterLab renderer, the DOM view and the table text formats. */
export {
  ReportRenderer,
  reportRendererFactory,
  REPORT_RENDERER_RANK
} from './widget';
export {
  ReportView,
  PLOTLY_CONFIG,
  type IReportViewOptions
} from './report-view';
export { readBundle, type ReadBundleResult } from './read-bundle';
export {
  sanitizeFigure,
  escapePlotlyText,
  DROPPED_KEYS,
  ALLOWED_TRACE_TYPES,
  type ISanitizedFigure
} from './sanitize-figure';
export {
  tableToMarkdown,
  tableToLatex,
  escapeMarkdown,
  escapeLatex
} from './table-format';
export {
  TableView,
  sortedRowOrder,
  nextSort,
  type ITableSort,
  type CopyText
} from './table-view';
export {
  loadPlotly,
  type IPlotlyApi,
  type PlotlyLoader
} from './plotly-loader';
