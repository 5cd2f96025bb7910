import {
  cellParts,
  defaultTables,
  plainText,
  selectTables,
  type TableChoice
} from './cells';
import { summaryText } from './summary';
import type { IPlainTable, IReportBundle, IReportTable } from './types';

/**
 * The report as plain text for terminals: the summary, then aligned tables. In paper tables `*`
 * follows the best mean of a column and `~` the lowest std. Control characters in names are shown
 * as spaces so a hostile name cannot move the cursor.
 */
export function renderText(
  bundle: IReportBundle,
  tables: readonly TableChoice[] = defaultTables('short')
): string {
  const { paper, plain } = selectTables(bundle, tables);
  const out = [clean(summaryText(bundle), true), ''];
  for (const table of paper) {
    out.push(paperTableText(table), '');
  }
  if (paper.length > 0) {
    out.push('* best mean of the column, ~ lowest std', '');
  }
  for (const table of plain) {
    out.push(plainTableText(table), '');
  }
  return out.join('\n');
}

/** One paper-style table as aligned text. */
export function paperTableText(table: IReportTable): string {
  const header = ['strategy', ...table.columns];
  const rows = table.rows.map(row => [
    row.label,
    ...row.cells.map(cell => {
      if (!cell) {
        return '-';
      }
      const { mean, std } = cellParts(cell, table);
      return `${mean}${cell.bestMean ? '*' : ''} (${std}${cell.bestStd ? '~' : ''})`;
    })
  ]);
  return align(
    table.title,
    header,
    rows,
    header.map((_, i) => i > 0)
  );
}

/** One plain table as aligned text. */
export function plainTableText(table: IPlainTable): string {
  return align(
    table.title,
    table.columns.map(c => c.label),
    table.rows.map(row => row.map((v, i) => plainText(v, table.columns[i]))),
    table.columns.map(c => c.align === 'right')
  );
}

function align(
  title: string,
  header: string[],
  rows: string[][],
  right: boolean[]
): string {
  const all = [header, ...rows].map(r => r.map(c => clean(c)));
  const widths = header.map((_, i) =>
    all.reduce((w, r) => Math.max(w, (r[i] ?? '').length), 0)
  );
  const line = (r: string[]) =>
    r
      .map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const t = clean(title);
  return [
    t,
    '='.repeat(t.length),
    line(all[0]),
    widths.map(w => '-'.repeat(w)).join('  '),
    ...all.slice(1).map(line)
  ].join('\n');
}

function clean(text: string, keepNewlines = false): string {
  let out = '';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    const control = code < 32 || (code >= 127 && code < 160);
    out += control && !(keepNewlines && ch === '\n') ? ' ' : ch;
  }
  return out;
}
