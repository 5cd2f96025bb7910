import { runsTable } from './tables';
import type {
  IPlainColumn,
  IPlainTable,
  IReportBundle,
  IReportTable,
  ITableCell
} from './types';

/** Which tables an output holds: the paper-style tables and the plain ones by id. */
export type TableChoice = 'paper' | 'stats' | 'cost' | 'runs';

/** All table choices, in output order. */
export const TABLE_CHOICES: readonly TableChoice[] = [
  'paper',
  'stats',
  'cost',
  'runs'
];

/** Text of a plain-table value: numbers rounded to the column's digits, null as empty. */
export function plainText(
  value: string | number | null,
  column: IPlainColumn
): string {
  if (value === null) {
    return '';
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      return '';
    }
    return column.digits === undefined
      ? String(value)
      : value.toFixed(column.digits);
  }
  return value;
}

/** The mean and std parts of a paper-table cell, rounded as the table says. */
export function cellParts(
  cell: ITableCell,
  table: IReportTable
): { mean: string; std: string } {
  const digits = table.digits ?? 2;
  return { mean: cell.mean.toFixed(digits), std: cell.std.toFixed(digits) };
}

/** The paper tables and the chosen plain tables of a bundle, in TABLE_CHOICES order. */
export function selectTables(
  bundle: IReportBundle,
  choose: readonly TableChoice[]
): { paper: IReportTable[]; plain: IPlainTable[] } {
  for (const c of choose) {
    if (!TABLE_CHOICES.includes(c)) {
      throw new RangeError(
        `report tables: unknown table ${JSON.stringify(c)}; valid: ${TABLE_CHOICES.join(', ')}`
      );
    }
  }
  const plain = TABLE_CHOICES.filter(c => c !== 'paper' && choose.includes(c))
    .map(id => {
      const stored = (bundle.plainTables ?? []).find(t => t.id === id);
      // The per-run table is not stored (it would double the bundle); it is made from `runs`.
      if (!stored && id === 'runs' && bundle.runs && bundle.runs.length > 0) {
        return runsTable(bundle.runs, bundle.tables[0]?.digits ?? 2);
      }
      return stored;
    })
    .filter((t): t is IPlainTable => t !== undefined);
  return { paper: choose.includes('paper') ? bundle.tables : [], plain };
}

/** The legend under paper tables, in words. */
export const LEGEND_WORDS =
  'best mean of each column in bold, lowest std marked';
