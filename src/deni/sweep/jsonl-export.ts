import { canonicalJson } from './run-key';
import type { IStoredRunRow, ResultStore } from './store';
import type { IRunSpec, ISweepSpec } from '../contract/types';

/**
 * `deni export <sweep> [<sweep> ...] --format jsonl`: sweeps and every stored field of their runs
 * as JSON Lines, the format `deni import` reads and `experiments/<study>/runs.jsonl` holds. A file
 * is one or more sections, one per sweep, in the order named. A section is a header line (format,
 * version, the sweep's spec and size) followed by one line per run of the sweep in expansion
 * order: its position, its RunSpec in this sweep, and the stored row (every column of the runs
 * table; the JSON columns `spec`, `versions` and `result` as objects), or null while unfinished.
 * A one-sweep file is exactly one section, so files written before sections existed still read.
 */

/** Format tag of the first line. */
export const RUNS_FORMAT = 'deni-runs';

/** Version of the format; `deni import` refuses files from a newer version. */
export const RUNS_FORMAT_VERSION = 1;

/** The header line of a sweep's section. */
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

/** One sweep's section: its header line and its run lines (throws when the store has no such sweep). */
function sectionLines(store: ResultStore, sweep: string): string[] {
  const info = store.sweep(sweep);
  if (!info) {
    const known = store.sweeps().map(s => s.name);
    throw new RangeError(
      `no sweep named ${JSON.stringify(sweep)} in ${store.file}; known sweeps: ${known.length ? known.join(', ') : 'none'}`
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
  return lines;
}

/**
 * The JSON Lines export of one sweep or of several (one section each, in the order given). Throws
 * when the store has no such sweep, or when a sweep is named twice (a file holds each sweep once).
 */
export function exportJsonl(
  store: ResultStore,
  sweeps: string | readonly string[]
): string {
  const names = typeof sweeps === 'string' ? [sweeps] : [...sweeps];
  if (names.length === 0) {
    throw new RangeError('name at least one sweep to export');
  }
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) {
    throw new RangeError(
      `sweep ${JSON.stringify(twice)} is named twice; a runs file holds each sweep once`
    );
  }
  const lines = names.flatMap(n => sectionLines(store, n));
  return `${lines.join('\n')}\n`;
}
