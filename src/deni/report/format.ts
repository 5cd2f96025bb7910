import type { TableChoice } from './cells';
import { renderCsv } from './render-csv';
import { renderHtml } from './render-html';
import { renderLatex } from './render-latex';
import { renderMarkdown } from './render-markdown';
import { renderText } from './render-text';
import type { IReportBundle } from './types';

/** Output formats of formatReport. */
export type ReportFormat = 'html' | 'md' | 'latex' | 'csv' | 'json' | 'text';

/** Every output format. */
export const REPORT_FORMATS: readonly ReportFormat[] = [
  'html',
  'md',
  'latex',
  'csv',
  'json',
  'text'
];

/** Options of formatReport. */
export interface IFormatOptions {
  /**
   * Tables to include. html and md default to every kind (paper, stats, cost, runs, byrun,
   * paired), latex and text to paper + cost (cells.ts declares which); csv writes one table (the
   * first given; default stats).
   */
  tables?: TableChoice[];
  /** html only: a whole page with inline style instead of a fragment. */
  standalone?: boolean;
}

/**
 * The report as text in one format: `html` (fragment, or page with `standalone`), `md`
 * (GitHub Markdown), `latex` (booktabs), `csv` (one table), `json` (the bundle itself, indented)
 * or `text` (terminal). Throws on an unknown format, listing the valid ones.
 */
export function formatReport(
  bundle: IReportBundle,
  format: ReportFormat,
  options: IFormatOptions = {}
): string {
  switch (format) {
    case 'html':
      return renderHtml(bundle, {
        tables: options.tables,
        standalone: options.standalone
      });
    case 'md':
      return renderMarkdown(bundle, options.tables);
    case 'latex':
      return renderLatex(bundle, options.tables);
    case 'csv':
      return renderCsv(bundle, options.tables?.[0] ?? 'stats');
    case 'json':
      return JSON.stringify(bundle, null, 2) + '\n';
    case 'text':
      return renderText(bundle, options.tables);
    default:
      throw new RangeError(
        `report format: got ${JSON.stringify(format)}; valid: ${REPORT_FORMATS.join(', ')}`
      );
  }
}
