import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { datasetLabel } from './expand';
import { canonicalJson } from './run-key';
import { strategyLabel } from './spec';
import type { IRunResult, IRunSpec, ISweepSpec } from './types';

/** Schema version of the SQLite file (PRAGMA user_version). */
export const STORE_SCHEMA_VERSION = 1;

/** A sweep known to the store. */
export interface IStoredSweep {
  name: string;
  /** Runs the sweep expands into. */
  total: number;
  /** Of these, runs with a stored result. */
  done: number;
  /** Failures recorded for runs without a result. */
  failed: number;
  spec: ISweepSpec;
  createdAt: string;
  updatedAt: string;
}

/** A recorded failed attempt of a run (failures are retried on the next execution). */
export interface IRunFailure {
  key: string;
  sweep: string;
  run: number;
  error: string;
  at: string;
  host: string;
}

const DDL = `
CREATE TABLE IF NOT EXISTS runs (
  key TEXT PRIMARY KEY,
  dataset TEXT NOT NULL,
  model TEXT NOT NULL,
  tuning TEXT NOT NULL,
  strategy TEXT NOT NULL,
  run INTEGER NOT NULL,
  spec TEXT NOT NULL,
  macro_f1 REAL NOT NULL,
  accuracy REAL NOT NULL,
  model_steps REAL NOT NULL,
  test_forward_passes REAL NOT NULL,
  wall_seconds REAL NOT NULL,
  peak_tensor_bytes REAL NOT NULL,
  peak_rss_bytes REAL NOT NULL,
  backend TEXT NOT NULL,
  versions TEXT NOT NULL,
  host TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  stored_at TEXT NOT NULL,
  stored_by TEXT NOT NULL,
  result TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sweeps (
  name TEXT PRIMARY KEY,
  spec TEXT NOT NULL,
  total INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sweep_runs (
  sweep TEXT NOT NULL,
  position INTEGER NOT NULL,
  key TEXT NOT NULL,
  run_spec TEXT NOT NULL,
  PRIMARY KEY (sweep, position)
);
CREATE INDEX IF NOT EXISTS sweep_runs_key ON sweep_runs (key);
CREATE TABLE IF NOT EXISTS failures (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL,
  sweep TEXT NOT NULL,
  run INTEGER NOT NULL,
  error TEXT NOT NULL,
  host TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS failures_key ON failures (key);
`;

/** The columns of the runs table, in table order. */
export const RUN_COLUMNS = [
  'key',
  'dataset',
  'model',
  'tuning',
  'strategy',
  'run',
  'spec',
  'macro_f1',
  'accuracy',
  'model_steps',
  'test_forward_passes',
  'wall_seconds',
  'peak_tensor_bytes',
  'peak_rss_bytes',
  'backend',
  'versions',
  'host',
  'started_at',
  'finished_at',
  'stored_at',
  'stored_by',
  'result'
] as const;

/** One row of the runs table, every column as stored. */
export type IStoredRunRow = Record<
  (typeof RUN_COLUMNS)[number],
  string | number
>;

interface IRunRow {
  result: string;
}

function isFiniteNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/** Checks a result before it is written, so a malformed result never becomes a row. */
export function checkResult(result: IRunResult): void {
  const problems: string[] = [];
  if (typeof result.key !== 'string' || result.key !== result.spec?.key) {
    problems.push(
      `key ${JSON.stringify(result.key)} differs from spec.key ${JSON.stringify(result.spec?.key)}`
    );
  }
  for (const field of ['macroF1', 'accuracy'] as const) {
    if (!isFiniteNumber(result[field])) {
      problems.push(
        `${field} is ${String(result[field])}, expected a finite number`
      );
    }
  }
  for (const field of [
    'modelSteps',
    'testForwardPasses',
    'wallSeconds',
    'peakTensorBytes',
    'peakRssBytes'
  ] as const) {
    if (!isFiniteNumber(result.cost?.[field])) {
      problems.push(
        `cost.${field} is ${String(result.cost?.[field])}, expected a finite number`
      );
    }
  }
  if (problems.length > 0) {
    throw new Error(
      `refusing to store a malformed run result: ${problems.join('; ')}`
    );
  }
}

/**
 * The result store: one SQLite file (WAL) holding every finished run by key, the sweeps that name
 * them, and failed attempts. A run is written in one transaction when it finishes, so a process
 * killed at any moment leaves either the whole row or nothing. Only the process that runs a sweep
 * writes; workers hand results back to it.
 */
export class ResultStore {
  readonly file: string;
  private db: Database.Database;

  private constructor(file: string, db: Database.Database) {
    this.file = file;
    this.db = db;
  }

  /** Opens (creating folders and tables as needed) the store at `file`. */
  static open(file: string): ResultStore {
    const abs = path.resolve(file);
    if (abs !== ':memory:') {
      mkdirSync(path.dirname(abs), { recursive: true });
    }
    let db: Database.Database;
    try {
      db = new Database(abs);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 10000');
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > STORE_SCHEMA_VERSION) {
        throw new Error(
          `store schema version ${version} is newer than this deni (${STORE_SCHEMA_VERSION}); upgrade jupyterlab-deni`
        );
      }
      db.exec(DDL);
      db.pragma(`user_version = ${STORE_SCHEMA_VERSION}`);
    } catch (e) {
      throw new Error(
        `cannot open result store ${abs}: ${(e as Error).message}`
      );
    }
    return new ResultStore(abs, db);
  }

  /** Records a sweep and the runs it expands into (replacing an earlier definition of the same name). */
  registerSweep(spec: ISweepSpec, runs: IRunSpec[]): void {
    const now = new Date().toISOString();
    const tx = this.db.transaction(() => {
      const existing = this.db
        .prepare('SELECT created_at FROM sweeps WHERE name = ?')
        .get(spec.name) as { created_at: string } | undefined;
      this.db
        .prepare(
          'INSERT OR REPLACE INTO sweeps (name, spec, total, created_at, updated_at) VALUES (?, ?, ?, ?, ?)'
        )
        .run(
          spec.name,
          canonicalJson(spec),
          runs.length,
          existing?.created_at ?? now,
          now
        );
      this.db.prepare('DELETE FROM sweep_runs WHERE sweep = ?').run(spec.name);
      const insert = this.db.prepare(
        'INSERT INTO sweep_runs (sweep, position, key, run_spec) VALUES (?, ?, ?, ?)'
      );
      runs.forEach((r, i) =>
        insert.run(spec.name, i, r.key, JSON.stringify(r))
      );
    });
    tx();
  }

  /** Whether a result with exactly this key is stored. */
  has(key: string): boolean {
    return (
      this.db.prepare('SELECT 1 FROM runs WHERE key = ?').get(key) !== undefined
    );
  }

  /** Stored result for a key, if any. */
  get(key: string): IRunResult | undefined {
    const row = this.db
      .prepare('SELECT result FROM runs WHERE key = ?')
      .get(key) as IRunRow | undefined;
    return row ? (JSON.parse(row.result) as IRunResult) : undefined;
  }

  /** Keys among `keys` that have a stored result. */
  storedKeys(keys: string[]): Set<string> {
    const out = new Set<string>();
    const stmt = this.db.prepare('SELECT 1 FROM runs WHERE key = ?');
    for (const k of keys) {
      if (stmt.get(k) !== undefined) {
        out.add(k);
      }
    }
    return out;
  }

  /**
   * Writes a finished run in one transaction. Returns false (and writes nothing) when a result with
   * the same key is already stored: the first finished copy of a run is the record.
   */
  save(result: IRunResult, storedBy = 'deni'): boolean {
    checkResult(result);
    const s = result.spec;
    const c = result.cost;
    const info = this.db
      .prepare(
        `INSERT OR IGNORE INTO runs (key, dataset, model, tuning, strategy, run, spec, macro_f1, accuracy,
           model_steps, test_forward_passes, wall_seconds, peak_tensor_bytes, peak_rss_bytes, backend,
           versions, host, started_at, finished_at, stored_at, stored_by, result)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
      )
      .run(
        result.key,
        datasetLabel(s.dataset),
        s.model,
        s.tuning,
        strategyLabel(s.strategy),
        s.run,
        canonicalJson(s),
        result.macroF1,
        result.accuracy,
        c.modelSteps,
        c.testForwardPasses,
        c.wallSeconds,
        c.peakTensorBytes,
        c.peakRssBytes,
        result.backend,
        JSON.stringify({ node: process.versions.node, ...result.versions }),
        result.host,
        result.startedAt,
        result.finishedAt,
        new Date().toISOString(),
        storedBy,
        JSON.stringify(result)
      );
    if (info.changes > 0) {
      this.db.prepare('DELETE FROM failures WHERE key = ?').run(result.key);
    }
    return info.changes > 0;
  }

  /** Records a failed attempt (the run stays missing and is retried next time). */
  recordFailure(spec: IRunSpec, error: string, host: string): void {
    this.db
      .prepare(
        'INSERT INTO failures (key, sweep, run, error, host, at) VALUES (?, ?, ?, ?, ?, ?)'
      )
      .run(
        spec.key,
        spec.sweep,
        spec.run,
        error,
        host,
        new Date().toISOString()
      );
  }

  /** Latest recorded failure of each still-missing run of a sweep. */
  failures(sweep: string): IRunFailure[] {
    return this.db
      .prepare(
        `SELECT f.key, f.sweep, f.run, f.error, f.at, f.host FROM failures f
         JOIN (SELECT key, MAX(id) AS id FROM failures GROUP BY key) last ON last.id = f.id
         JOIN sweep_runs sr ON sr.key = f.key AND sr.sweep = ?
         WHERE NOT EXISTS (SELECT 1 FROM runs r WHERE r.key = f.key)
         ORDER BY sr.position`
      )
      .all(sweep) as IRunFailure[];
  }

  /**
   * Finished results of a sweep in expansion order (dataset x model x tuning x strategy x run).
   * `spec.sweep` is set to `sweep`, since a result may have been computed under another sweep name.
   */
  results(sweep: string): IRunResult[] {
    const rows = this.db
      .prepare(
        `SELECT r.result AS result, sr.run_spec AS run_spec FROM sweep_runs sr JOIN runs r ON r.key = sr.key
         WHERE sr.sweep = ? ORDER BY sr.position`
      )
      .all(sweep) as { result: string; run_spec: string }[];
    return rows.map(row => {
      const result = JSON.parse(row.result) as IRunResult;
      const spec = JSON.parse(row.run_spec) as IRunSpec;
      return { ...result, spec };
    });
  }

  /** The RunSpecs of a sweep in expansion order (finished or not). */
  runSpecs(sweep: string): IRunSpec[] {
    return (
      this.db
        .prepare(
          'SELECT run_spec FROM sweep_runs WHERE sweep = ? ORDER BY position'
        )
        .all(sweep) as { run_spec: string }[]
    ).map(r => JSON.parse(r.run_spec) as IRunSpec);
  }

  /** Every sweep in the store with its progress. */
  sweeps(): IStoredSweep[] {
    const rows = this.db
      .prepare(
        `SELECT s.name, s.spec, s.total, s.created_at, s.updated_at,
           (SELECT COUNT(*) FROM sweep_runs sr JOIN runs r ON r.key = sr.key WHERE sr.sweep = s.name) AS done
         FROM sweeps s ORDER BY s.name`
      )
      .all() as {
      name: string;
      spec: string;
      total: number;
      created_at: string;
      updated_at: string;
      done: number;
    }[];
    return rows.map(r => ({
      name: r.name,
      total: r.total,
      done: r.done,
      failed: this.failures(r.name).length,
      spec: JSON.parse(r.spec) as ISweepSpec,
      createdAt: r.created_at,
      updatedAt: r.updated_at
    }));
  }

  /** One sweep, or undefined. */
  sweep(name: string): IStoredSweep | undefined {
    return this.sweeps().find(s => s.name === name);
  }

  /**
   * Every stored column of a run (for `deni export --format jsonl`), or undefined. Columns are
   * named as in the table (snake_case).
   */
  storedRow(key: string): IStoredRunRow | undefined {
    return this.db.prepare('SELECT * FROM runs WHERE key = ?').get(key) as
      IStoredRunRow | undefined;
  }

  /**
   * Writes a run row exactly as given (every column, e.g. from an export); an existing key is
   * left alone (callers compare first). Used by `importRuns` inside `transaction`.
   */
  insertStoredRow(row: IStoredRunRow): void {
    const cols = RUN_COLUMNS;
    this.db
      .prepare(
        `INSERT OR IGNORE INTO runs (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`
      )
      .run(...cols.map(c => row[c]));
  }

  /** Runs `fn` in one transaction: everything it writes is committed together or not at all. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** Number of stored runs (all sweeps). */
  count(): number {
    return (
      this.db.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }
    ).n;
  }

  /** SQLite's own consistency check ('ok' when the file is sound). */
  integrityCheck(): string {
    return String(this.db.pragma('integrity_check', { simple: true }));
  }

  close(): void {
    this.db.close();
  }
}
