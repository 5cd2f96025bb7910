import { cellParts, plainText, selectTables, type TableChoice } from './cells';
import { csvField } from './escape';
import type { IPlainTable, IReportBundle } from './types';

/**
 * One table of the report as CSV (RFC 4180, CRLF line ends, header row). `stats` (default) has one
 * row per group with every statistic at full precision; `runs` one row per run; `cost` the cost
 * table; `paper` the paper-style cells (with a `table` column when the report has several).
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
  const { plain } = selectTables(bundle, [table]);
  if (plain.length === 0) {
    throw new Error(
      `report CSV: the bundle has no ${table} table (it holds: ${
        (bundle.plainTables ?? []).map(t => t.id).join(', ') || 'none'
      })`
    );
  }
  return plainTableCsv(plain[0], table !== 'runs' && table !== 'stats');
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
