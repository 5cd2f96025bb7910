import {
  cellParts,
  defaultTables,
  plainText,
  selectTables,
  type TableChoice
} from './cells';
import { escapeHtml } from './escape';
import { progressLine } from './summary';
import type { IPlainTable, IReportBundle, IReportTable } from './types';

/** Options of renderHtml. */
export interface IHtmlOptions {
  /** Tables to include (default: every kind, see defaultTables('full')). */
  tables?: readonly TableChoice[];
  /** A whole page (doctype, inline style) instead of a fragment. */
  standalone?: boolean;
}

/**
 * The report as HTML: no scripts, no event attributes, every text escaped, classes prefixed
 * `jp-deni-`. Marks use <strong> and <em>, which every sanitiser keeps (GitHub's notebook viewer,
 * nbconvert, JupyterLab), so they still show where classes and styles are dropped.
 */
export function renderHtml(
  bundle: IReportBundle,
  options: IHtmlOptions = {}
): string {
  const { paper, plain } = selectTables(
    bundle,
    options.tables ?? defaultTables('full')
  );
  const parts: string[] = [];
  parts.push(
    `<p class="jp-deni-status">Sweep <strong>${escapeHtml(bundle.sweep)}</strong>: ${escapeHtml(bundle.status)}` +
      (bundle.stats.length > 0
        ? ` - ${bundle.stats.reduce((n, s) => n + s.runs, 0)} runs in ${bundle.stats.length} groups`
        : '') +
      '</p>'
  );
  if (bundle.progress) {
    const p = bundle.progress;
    parts.push(
      `<p class="jp-deni-progress"><progress class="jp-deni-progress-bar" value="${p.done}" max="${Math.max(p.total, 1)}"></progress> ` +
        `${escapeHtml(progressLine(p))}</p>`
    );
  }
  if (bundle.error) {
    parts.push(`<pre class="jp-deni-error">${escapeHtml(bundle.error)}</pre>`);
  }
  for (const table of paper) {
    parts.push(paperTableHtml(table));
  }
  if (paper.length > 0) {
    parts.push(
      '<p class="jp-deni-legend">Bold: best mean of the column; italic: lowest std.</p>'
    );
  }
  for (const table of plain) {
    parts.push(plainTableHtml(table));
  }
  const body = `<div class="jp-deni-report">\n${parts.join('\n')}\n</div>`;
  if (!options.standalone) {
    return body + '\n';
  }
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeHtml(`DENI report: ${bundle.sweep}`)}</title>`,
    `<style>${PAGE_STYLE}</style>`,
    '</head>',
    '<body>',
    body,
    '</body>',
    '</html>',
    ''
  ].join('\n');
}

const PAGE_STYLE = [
  'body{font-family:system-ui,sans-serif;margin:2em}',
  '.jp-deni-table{border-collapse:collapse;margin:1em 0}',
  '.jp-deni-table th,.jp-deni-table td{padding:0.25em 0.6em;border-bottom:1px solid #ccc}',
  '.jp-deni-table caption{font-weight:bold;text-align:left;padding:0.3em 0}',
  '.jp-deni-num{text-align:right;font-variant-numeric:tabular-nums}',
  '.jp-deni-error{color:#b00020;white-space:pre-wrap}'
].join('');

/** One paper-style table as HTML. */
export function paperTableHtml(table: IReportTable): string {
  const lines: string[] = [];
  lines.push('<table class="jp-deni-table jp-deni-paper-table">');
  lines.push(`<caption>${escapeHtml(table.title)}</caption>`);
  lines.push(
    '<thead><tr><th class="jp-deni-row-label">strategy</th>' +
      table.columns
        .map(c => `<th class="jp-deni-num">${escapeHtml(c)}</th>`)
        .join('') +
      '</tr></thead>'
  );
  lines.push('<tbody>');
  for (const row of table.rows) {
    const cells = row.cells.map(cell => {
      if (!cell) {
        return '<td class="jp-deni-num jp-deni-missing">-</td>';
      }
      const { mean, std } = cellParts(cell, table);
      const classes = ['jp-deni-num'];
      if (cell.bestMean) {
        classes.push('jp-deni-best-mean');
      }
      if (cell.bestStd) {
        classes.push('jp-deni-best-std');
      }
      const title =
        cell.runs !== undefined
          ? ` title="${cell.runs} runs${cell.failed ? `, ${cell.failed} failed` : ''}"`
          : '';
      const m = cell.bestMean ? `<strong>${mean}</strong>` : mean;
      const s = cell.bestStd ? `<em>${std}</em>` : std;
      return `<td class="${classes.join(' ')}"${title}>${m} (${s})</td>`;
    });
    lines.push(
      `<tr><th class="jp-deni-row-label">${escapeHtml(row.label)}</th>${cells.join('')}</tr>`
    );
  }
  lines.push('</tbody>');
  lines.push('</table>');
  return lines.join('\n');
}

/** One plain table as HTML. */
export function plainTableHtml(table: IPlainTable): string {
  const numeric = table.columns.map(c => c.align === 'right');
  const cls = (i: number) => (numeric[i] ? ' class="jp-deni-num"' : '');
  const lines: string[] = [];
  lines.push(
    `<table class="jp-deni-table jp-deni-${escapeHtml(table.id)}-table">`
  );
  lines.push(`<caption>${escapeHtml(table.title)}</caption>`);
  lines.push(
    '<thead><tr>' +
      table.columns
        .map((c, i) => `<th${cls(i)}>${escapeHtml(c.label)}</th>`)
        .join('') +
      '</tr></thead>'
  );
  lines.push('<tbody>');
  for (const row of table.rows) {
    lines.push(
      '<tr>' +
        row
          .map(
            (v, i) =>
              `<td${cls(i)}>${escapeHtml(plainText(v, table.columns[i]))}</td>`
          )
          .join('') +
        '</tr>'
    );
  }
  lines.push('</tbody>');
  lines.push('</table>');
  return lines.join('\n');
}
