import { byRunTable, pairedTable, runsTable } from './tables';
import type {
  IPlainColumn,
  IPlainTable,
  IReportBundle,
  IReportTable,
  ITableCell
} from './types';

/** How one kind of table is made and where it shows by default. */
interface ITableKind {
  /**
   * The plain table of a bundle, or undefined when the bundle cannot give it; absent for `paper`
   * (the paper-style tables, `bundle.tables`, have their own renderers).
   */
  plain?: (bundle: IReportBundle) => IPlainTable | undefined;
  /** CSV writes its numbers at full precision (for further analysis), not rounded as shown. */
  csvFull: boolean;
  /** Shown by default in the full formats (html, md) and in the short ones (latex, text). */
  inFull: boolean;
  inShort: boolean;
}

/** Digits of macro-F1 the bundle's tables were made with. */
const digitsOf = (bundle: IReportBundle) => bundle.tables[0]?.digits ?? 2;

/** A plain table stored in the bundle. */
const stored = (bundle: IReportBundle, id: string) =>
  (bundle.plainTables ?? []).find(t => t.id === id);

/**
 * Every kind of table, in output order: the one place a kind is declared. The choice names, the
 * marker names of EXPERIMENTS.md, the default selections and the CSV precision all derive from it.
 * Tables not stored in the bundle are made from its runs or statistics when asked for (storing
 * the per-run ones would double the bundle).
 */
const TABLE_KINDS = {
  paper: { csvFull: false, inFull: true, inShort: true },
  stats: {
    plain: b => stored(b, 'stats'),
    csvFull: true,
    inFull: true,
    inShort: false
  },
  cost: {
    plain: b => stored(b, 'cost'),
    csvFull: false,
    inFull: true,
    inShort: true
  },
  /** One row per run (the paper's long format). */
  runs: {
    plain: b =>
      stored(b, 'runs') ??
      (b.runs && b.runs.length > 0
        ? runsTable(b.runs, digitsOf(b))
        : undefined),
    csvFull: true,
    inFull: true,
    inShort: false
  },
  /** Macro-F1 by run index: a row per run index, a column per strategy. */
  byrun: {
    plain: b =>
      b.runs && b.runs.length > 0
        ? byRunTable(b.runs, b.stats, digitsOf(b))
        : undefined,
    csvFull: true,
    inFull: true,
    inShort: false
  },
  /** Each strategy against default paired by run index. */
  paired: {
    plain: b =>
      b.stats.length > 0 ? pairedTable(b.stats, digitsOf(b)) : undefined,
    csvFull: true,
    inFull: true,
    inShort: false
  }
} satisfies Record<string, ITableKind>;

/** Which tables an output holds: the paper-style tables and the plain ones by id. */
export type TableChoice = keyof typeof TABLE_KINDS;

/** All table choices, in output order. */
export const TABLE_CHOICES = Object.keys(TABLE_KINDS) as TableChoice[];

/** The default tables of the full formats (html, md) or of the short ones (latex, text). */
export function defaultTables(set: 'full' | 'short'): TableChoice[] {
  return TABLE_CHOICES.filter(c =>
    set === 'full' ? TABLE_KINDS[c].inFull : TABLE_KINDS[c].inShort
  );
}

/** Whether CSV writes a table's numbers at full precision rather than as shown. */
export function csvFullPrecision(choice: TableChoice): boolean {
  return TABLE_KINDS[choice].csvFull;
}

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
  const plain = TABLE_CHOICES.filter(c => choose.includes(c))
    .map(c => plainOf(bundle, c))
    .filter((t): t is IPlainTable => t !== undefined);
  return { paper: choose.includes('paper') ? bundle.tables : [], plain };
}

/** The plain table of one kind made from a bundle (undefined for `paper` and where it cannot). */
export function plainOf(
  bundle: IReportBundle,
  choice: TableChoice
): IPlainTable | undefined {
  const kind: ITableKind = TABLE_KINDS[choice];
  return kind.plain?.(bundle);
}

/** The legend under paper tables, in words. */
export const LEGEND_WORDS =
  'best mean of each column in bold, lowest std marked';
