import {
  cellParts,
  csvFullPrecision,
  plainOf,
  plainText,
  TABLE_CHOICES,
  type TableChoice
} from './cells';
import { csvField } from './escape';
import type { IPlainTable, IReportBundle } from './types';

/**
 * One table of the report as CSV (RFC 4180, CRLF line ends, header row). `stats` (default) has one
 * row per group with every statistic at full precision; `runs` one row per run; `cost` the cost
 * table; `byrun` and `paired` the per-run-index tables; `paper` the paper-style cells (with a
 * `table` column when the report has several). Numbers are at full precision where the table
 * kind says so (cells.ts), else rounded as shown.
 */
export function renderCsv(
  bundle: IReportBundle,
  table: TableChoice = 'stats'
): string {
  if (table === 'paper') {
    const several = bundle.tables.length > 1;
    const columns = [...new Set(bundle.tables.flatMap(t => t.columns))];
    const lines = [
      [...(several ? ['table'] : []), 'strategy', ...columns]
        .map(csvField)
        .join(',')
    ];
    for (const t of bundle.tables) {
      for (const row of t.rows) {
        const cells = columns.map(c => {
          const i = t.columns.indexOf(c);
          const cell = i < 0 ? null : row.cells[i];
          if (!cell) {
            return '';
          }
          const { mean, std } = cellParts(cell, t);
          return csvField(`${mean} (${std})`);
        });
        lines.push(
          [
            ...(several ? [csvField(t.id ?? t.title)] : []),
            csvField(row.label),
            ...cells
          ].join(',')
        );
      }
    }
    return lines.join('\r\n') + '\r\n';
  }
  if (!TABLE_CHOICES.includes(table)) {
    throw new RangeError(
      `report CSV: unknown table ${JSON.stringify(table)}; valid: ${TABLE_CHOICES.join(', ')}`
    );
  }
  const plain = plainOf(bundle, table);
  if (!plain) {
    const has = TABLE_CHOICES.filter(
      c => c === 'paper' || plainOf(bundle, c) !== undefined
    );
    throw new Error(
      `report CSV: the bundle has no ${table} table (it has: ${has.join(', ')})`
    );
  }
  return plainTableCsv(plain, !csvFullPrecision(table));
}

/**
 * A plain table as CSV. Numbers are written at full precision unless `rounded`, so the CSV can
 * be analysed further without losing digits.
 */
export function plainTableCsv(table: IPlainTable, rounded = false): string {
  const lines = [table.columns.map(c => csvField(c.label)).join(',')];
  for (const row of table.rows) {
    lines.push(
      row
        .map((v, i) =>
          typeof v === 'number' && rounded
            ? csvField(plainText(v, table.columns[i]))
            : csvField(v)
        )
        .join(',')
    );
  }
  return lines.join('\r\n') + '\r\n';
}
