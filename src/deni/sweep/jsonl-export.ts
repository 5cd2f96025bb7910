import { canonicalJson } from './run-key';
import type { IStoredRunRow, ResultStore } from './store';
import type { IRunSpec, ISweepSpec } from '../contract/types';

/**
 * `deni export <sweep> --format jsonl`: a sweep and every stored field of its runs as JSON Lines,
 * the format `deni import` reads and `experiments/<study>/runs.jsonl` holds. Line 1 is the header
 * (format, version, the sweep's spec and size); then one line per run of the sweep in expansion
 * order: its position, its RunSpec in this sweep, and the stored row (every column of the runs
 * table; the JSON columns `spec`, `versions` and `result` as objects), or null while unfinished.
 */

/** Format tag of the first line. */
export const RUNS_FORMAT = 'deni-runs';

/** Version of the format; `deni import` refuses files from a newer version. */
export const RUNS_FORMAT_VERSION = 1;

/** The header line. */
export interface IRunsHeader {
  format: typeof RUNS_FORMAT;
  version: number;
  sweep: string;
  spec: ISweepSpec;
  /** Runs the sweep expands into (finished or not). */
  total: number;
}

/** A stored row with its JSON columns as objects. */
export type IExportedRow = Omit<
  IStoredRunRow,
  'spec' | 'versions' | 'result'
> & {
  spec: unknown;
  versions: unknown;
  result: unknown;
};

/** One run line. */
export interface IRunLine {
  position: number;
  runSpec: IRunSpec;
  stored: IExportedRow | null;
}

/** The JSON columns of the runs table: objects in the file, text in the store. */
export const JSON_COLUMNS = ['spec', 'versions', 'result'] as const;

/** A stored row as written to the file. */
export function exportRow(row: IStoredRunRow): IExportedRow {
  const out: Record<string, unknown> = { ...row };
  for (const c of JSON_COLUMNS) {
    out[c] = JSON.parse(String(row[c]));
  }
  return out as IExportedRow;
}

/**
 * A row as the store holds it: `spec` as canonical JSON, `versions` and `result` as
 * JSON.stringify gives them (so a stored row exported and imported is the same text).
 */
export function storedRowOf(row: IExportedRow): IStoredRunRow {
  const out: Record<string, unknown> = { ...row };
  out.spec = canonicalJson(row.spec);
  out.versions = JSON.stringify(row.versions);
  out.result = JSON.stringify(row.result);
  return out as IStoredRunRow;
}

/** The JSON Lines export of a sweep (throws when the store has no such sweep). */
export function exportJsonl(store: ResultStore, sweep: string): string {
  const info = store.sweep(sweep);
  if (!info) {
    throw new RangeError(
      `no sweep named ${JSON.stringify(sweep)} in ${store.file}`
    );
  }
  const header: IRunsHeader = {
    format: RUNS_FORMAT,
    version: RUNS_FORMAT_VERSION,
    sweep,
    spec: info.spec,
    total: info.total
  };
  const lines = [JSON.stringify(header)];
  store.runSpecs(sweep).forEach((runSpec, position) => {
    const row = store.storedRow(runSpec.key);
    const line: IRunLine = {
      position,
      runSpec,
      stored: row ? exportRow(row) : null
    };
    lines.push(JSON.stringify(line));
  });
  return `${lines.join('\n')}\n`;
}
