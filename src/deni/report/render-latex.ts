import {
  cellParts,
  defaultTables,
  plainText,
  selectTables,
  type TableChoice
} from './cells';
import { escapeLatex } from './escape';
import type { IPlainTable, IReportBundle, IReportTable } from './types';

/**
 * The report as LaTeX table environments with booktabs rules (`\usepackage{booktabs}`); best means
 * in \textbf, lowest stds \underline. Every name is escaped; numbers are plain digits.
 */
export function renderLatex(
  bundle: IReportBundle,
  tables: readonly TableChoice[] = defaultTables('short')
): string {
  const { paper, plain } = selectTables(bundle, tables);
  const out: string[] = [
    `% DENI report for sweep ${escapeLatex(bundle.sweep)} (${bundle.status}).`,
    '% Needs \\usepackage{booktabs} in the preamble.',
    ''
  ];
  for (const table of paper) {
    out.push(paperTableLatex(table), '');
  }
  for (const table of plain) {
    out.push(plainTableLatex(table), '');
  }
  return out.join('\n');
}

/** One paper-style table as a LaTeX table environment. */
export function paperTableLatex(table: IReportTable): string {
  const lines = [
    '\\begin{table}[t]',
    '\\centering',
    `\\caption{${escapeLatex(table.title)}. Bold: best mean of the column; underlined: lowest std.}`,
    `\\begin{tabular}{l${'r'.repeat(table.columns.length)}}`,
    '\\toprule',
    `Strategy & ${table.columns.map(escapeLatex).join(' & ')} \\\\`,
    '\\midrule'
  ];
  for (const row of table.rows) {
    const cells = row.cells.map(cell => {
      if (!cell) {
        return '--';
      }
      const { mean, std } = cellParts(cell, table);
      return `${cell.bestMean ? `\\textbf{${mean}}` : mean} (${cell.bestStd ? `\\underline{${std}}` : std})`;
    });
    lines.push(`${escapeLatex(row.label)} & ${cells.join(' & ')} \\\\`);
  }
  lines.push('\\bottomrule', '\\end{tabular}', '\\end{table}');
  return lines.join('\n');
}

/** One plain table as a LaTeX table environment. */
export function plainTableLatex(table: IPlainTable): string {
  const spec = table.columns
    .map(c => (c.align === 'right' ? 'r' : 'l'))
    .join('');
  const lines = [
    '\\begin{table}[t]',
    '\\centering',
    `\\caption{${escapeLatex(table.title)}}`,
    `\\begin{tabular}{${spec}}`,
    '\\toprule',
    `${table.columns.map(c => escapeLatex(c.label)).join(' & ')} \\\\`,
    '\\midrule'
  ];
  for (const row of table.rows) {
    lines.push(
      `${row.map((v, i) => escapeLatex(plainText(v, table.columns[i]))).join(' & ')} \\\\`
    );
  }
  lines.push('\\bottomrule', '\\end{tabular}', '\\end{table}');
  return lines.join('\n');
}
