import { renderHtml } from './render-html';
import { summaryText } from './summary';
import { PLOTLY_MIME, REPORT_MIME, type IReportBundle } from './types';

/** The four MIME types of a report display (the plotly one only when there is a figure). */
export type ReportMimeBundle = Record<string, unknown>;

/**
 * The Jupyter display data of a report: the bundle itself (`application/vnd.deni.report.v1+json`,
 * drawn by the plugin), the main figure as plotly JSON (`application/vnd.plotly.v1+json`, drawn by
 * any plotly renderer; absent while there is no figure), the paper and cost tables as sanitiser-safe
 * HTML (`text/html`, for GitHub's viewer and nbconvert) and the summary (`text/plain`).
 */
export function toMimeBundle(bundle: IReportBundle): ReportMimeBundle {
  const out: ReportMimeBundle = { [REPORT_MIME]: bundle };
  const main =
    bundle.figures.find(f => f.id === bundle.mainFigure) ?? bundle.figures[0];
  if (main) {
    out[PLOTLY_MIME] = escapeStrings({ data: main.data, layout: main.layout });
  }
  out['text/html'] = renderHtml(bundle, { tables: ['paper', 'cost'] });
  out['text/plain'] = bundle.summary ?? summaryText(bundle);
  return out;
}

/**
 * A deep copy with `&`, `<` and `>` of every string as HTML entities. Plotly draws its text as
 * pseudo-HTML (`<b>`, `<a href>`), so a hostile strategy or data set name would become markup in
 * any plotly renderer that shows the application/vnd.plotly.v1+json output; entities show the
 * name as typed. (The report bundle keeps plain text: the plugin escapes it itself.)
 */
export function escapeStrings<T>(value: T): T {
  if (typeof value === 'string') {
    return value
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;') as T;
  }
  if (Array.isArray(value)) {
    return value.map(v => escapeStrings(v)) as T;
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, escapeStrings(v)])
    ) as T;
  }
  return value;
}
