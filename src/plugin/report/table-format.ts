/**
 * The paper-style table as Markdown and LaTeX text, produced in the plugin from the bundle's
 * `IReportTable` (the same numbers the rendered table shows), for "Copy as Markdown/LaTeX".
 */
import { escapeLatex, escapeMarkdown } from '../../deni/report/escape';
import type { IReportTable, ITableCell } from '../../deni/report/types';

// The report module's escaping (browser-safe), so copied tables escape like `%%deni report`.
export { escapeLatex, escapeMarkdown };

/** Header of the row-label column (rows are strategies in the paper-style table). */
export const ROW_HEADER = 'Strategy';

type Row = IReportTable['rows'][number];

function orderedRows(table: IReportTable, order?: readonly number[]): Row[] {
  if (!order) {
    return table.rows;
  }
  return order.map(i => {
    const row = table.rows[i];
    if (!row) {
      throw new RangeError(
        `Row order index ${i} is out of range: the table "${table.title}" has ${table.rows.length} rows.`
      );
    }
    return row;
  });
}

function markdownCell(cell: ITableCell | null): string {
  if (!cell) {
    return '\u2013';
  }
  let text = escapeMarkdown(cell.text);
  if (cell.bestStd) {
    text = `_${text}_`;
  }
  if (cell.bestMean) {
    text = `**${text}**`;
  }
  return text;
}

/**
 * GitHub-flavoured Markdown: a bold title line, the table (bold = best mean of its column,
 * italic = lowest std), and a legend line. `order` lists row indices (the view's sort order).
 */
export function tableToMarkdown(
  table: IReportTable,
  order?: readonly number[]
): string {
  const header = [ROW_HEADER, ...table.columns].map(escapeMarkdown);
  const lines = [
    `**${escapeMarkdown(table.title)}**`,
    '',
    `| ${header.join(' | ')} |`,
    `| --- |${table.columns.map(() => ' ---: |').join('')}`
  ];
  for (const row of orderedRows(table, order)) {
    const cells = table.columns.map((_, c) =>
      markdownCell(row.cells[c] ?? null)
    );
    lines.push(`| ${[escapeMarkdown(row.label), ...cells].join(' | ')} |`);
  }
  lines.push(
    '',
    'Bold: best mean of the column; italic: lowest std of the column.'
  );
  return lines.join('\n') + '\n';
}

function latexCell(cell: ITableCell | null): string {
  if (!cell) {
    return '--';
  }
  let text = escapeLatex(cell.text);
  if (cell.bestStd) {
    text = `\\underline{${text}}`;
  }
  if (cell.bestMean) {
    text = `\\textbf{${text}}`;
  }
  return text;
}

/**
 * A LaTeX `table` with a booktabs `tabular` (needs `\usepackage{booktabs}`): bold = best mean of
 * its column, underlined = lowest std. `order` lists row indices (the view's sort order).
 */
export function tableToLatex(
  table: IReportTable,
  order?: readonly number[]
): string {
  const lines = [
    '\\begin{table}[t]',
    '\\centering',
    `\\caption{${escapeLatex(table.title)}}`,
    `\\begin{tabular}{l${'c'.repeat(table.columns.length)}}`,
    '\\toprule',
    `${[ROW_HEADER, ...table.columns].map(escapeLatex).join(' & ')} \\\\`,
    '\\midrule'
  ];
  for (const row of orderedRows(table, order)) {
    const cells = table.columns.map((_, c) => latexCell(row.cells[c] ?? null));
    lines.push(`${[escapeLatex(row.label), ...cells].join(' & ')} \\\\`);
  }
  lines.push('\\bottomrule', '\\end{tabular}', '\\end{table}');
  return lines.join('\n') + '\n';
}
