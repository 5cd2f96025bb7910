import {
  cellParts,
  defaultTables,
  plainText,
  selectTables,
  type TableChoice
} from './cells';
import { escapeMarkdown } from './escape';
import { summaryText } from './summary';
import type { IPlainTable, IReportBundle, IReportTable } from './types';

/**
 * The report as GitHub-flavoured Markdown: the summary, then each table under a heading. Best
 * means are bold, lowest stds italic (Markdown has no underline). Every name is escaped.
 */
export function renderMarkdown(
  bundle: IReportBundle,
  tables: readonly TableChoice[] = defaultTables('full')
): string {
  const { paper, plain } = selectTables(bundle, tables);
  const out: string[] = [`## DENI report: ${escapeMarkdown(bundle.sweep)}`, ''];
  for (const line of summaryText(bundle).split('\n')) {
    out.push(`${escapeMarkdown(line)}  `);
  }
  out.push('');
  for (const table of paper) {
    out.push(paperTableMarkdown(table), '');
  }
  if (paper.length > 0) {
    out.push('Bold: best mean of the column; italic: lowest std.', '');
  }
  for (const table of plain) {
    out.push(plainTableMarkdown(table), '');
  }
  return out.join('\n');
}

/** One paper-style table as Markdown. */
export function paperTableMarkdown(table: IReportTable): string {
  const lines = [
    `### ${escapeMarkdown(table.title)}`,
    '',
    `| strategy | ${table.columns.map(escapeMarkdown).join(' | ')} |`,
    `| :-- | ${table.columns.map(() => '--:').join(' | ')} |`
  ];
  for (const row of table.rows) {
    const cells = row.cells.map(cell => {
      if (!cell) {
        return '-';
      }
      const { mean, std } = cellParts(cell, table);
      return `${cell.bestMean ? `**${mean}**` : mean} (${cell.bestStd ? `*${std}*` : std})`;
    });
    lines.push(`| ${escapeMarkdown(row.label)} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** One plain table as Markdown. */
export function plainTableMarkdown(table: IPlainTable): string {
  const lines = [
    `### ${escapeMarkdown(table.title)}`,
    '',
    `| ${table.columns.map(c => escapeMarkdown(c.label)).join(' | ')} |`,
    `| ${table.columns.map(c => (c.align === 'right' ? '--:' : ':--')).join(' | ')} |`
  ];
  for (const row of table.rows) {
    lines.push(
      `| ${row.map((v, i) => escapeMarkdown(plainText(v, table.columns[i]))).join(' | ')} |`
    );
  }
  return lines.join('\n');
}
