import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { datasetLabel } from '../contract/labels';
import { withoutCredentials } from './redis-url';
import { canonicalJson } from './run-key';
import { strategyId } from '../contract/labels';
import type { IRunResult, IRunSpec, ISweepSpec } from '../contract/types';

/** Schema version of the SQLite file (PRAGMA user_version). */
export const STORE_SCHEMA_VERSION = 1;

/** The store cannot be opened, is missing (read-only use) or is damaged: `deni` exits 3. */
export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreError';
  }
}

/** Options of {@link ResultStore.open}. */
export interface IStoreOpenOptions {
  /**
   * Read-only (report, export): a missing store is an error and nothing is created, not even
   * its folder. Default: open for writing, creating the file, and run SQLite's quick_check.
   */
  readOnly?: boolean;
  /** Where warnings go (a result row that is not valid JSON); default stderr. */
  warn?: (line: string) => void;
}

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
  /**
   * The back-ends its runs name, in order of first use: what the spec's `auto` became (one name,
   * unless the sweep was last registered from a store written before `auto` was resolved).
   */
  runBackends: string[];
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

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The sweep as stored: the Redis URL without its password (given again at run time). */
function storedSpec(spec: ISweepSpec): ISweepSpec {
  if (!spec.executor?.redis) {
    return spec;
  }
  return {
    ...spec,
    executor: {
      ...spec.executor,
      redis: withoutCredentials(spec.executor.redis)
    }
  };
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

  private readonly warn: (line: string) => void;

  private constructor(
    file: string,
    db: Database.Database,
    warn?: (line: string) => void
  ) {
    this.file = file;
    this.db = db;
    this.warn = warn ?? (line => process.stderr.write(`warning: ${line}\n`));
  }

  /**
   * Opens the store at `file`. For writing (the default) it creates folders and tables as needed
   * and runs SQLite's quick_check, so a damaged file is reported before a sweep adds to it.
   * Read-only opening never creates anything. Failures are {@link StoreError}s naming the file.
   */
  static open(file: string, options: IStoreOpenOptions = {}): ResultStore {
    const abs = file === ':memory:' ? file : path.resolve(file);
    if (options.readOnly && abs !== ':memory:' && !existsSync(abs)) {
      throw new StoreError(
        `no result store at ${abs}: run a sweep first (deni sweep / %%deni sweep), or name the store with --store PATH`
      );
    }
    let db: Database.Database;
    try {
      if (abs !== ':memory:' && !options.readOnly) {
        mkdirSync(path.dirname(abs), { recursive: true });
      }
      db = new Database(
        abs,
        options.readOnly ? { readonly: true, fileMustExist: true } : {}
      );
      if (!options.readOnly) {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
      }
      db.pragma('busy_timeout = 10000');
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > STORE_SCHEMA_VERSION) {
        throw new Error(
          `store schema version ${version} is newer than this deni (${STORE_SCHEMA_VERSION}); upgrade jupyterlab-deni`
        );
      }
      if (!options.readOnly) {
        db.exec(DDL);
        db.pragma(`user_version = ${STORE_SCHEMA_VERSION}`);
      }
    } catch (e) {
      throw new StoreError(
        `cannot open result store ${abs}: ${(e as Error).message}`
      );
    }
    const store = new ResultStore(abs, db, options.warn);
    if (!options.readOnly) {
      try {
        store.assertSound();
      } catch (e) {
        db.close();
        throw e;
      }
    }
    return store;
  }

  /**
   * SQLite's quick_check (a damaged page, a broken index); throws a {@link StoreError} naming the
   * store and what to do. Run before writing and before export.
   */
  assertSound(): void {
    let problems: string[];
    try {
      problems = (
        this.db.pragma('quick_check(20)') as { quick_check: string }[]
      ).map(r => r.quick_check);
    } catch (e) {
      problems = [(e as Error).message];
    }
    if (problems.length === 1 && problems[0] === 'ok') {
      return;
    }
    throw new StoreError(
      `result store ${this.file} is damaged (SQLite quick_check: ${problems.slice(0, 3).join('; ')}). ` +
        `Keep a copy of the file, then recover what is readable with \`sqlite3 ${this.file} .recover | sqlite3 recovered.sqlite\` ` +
        'and use the recovered file (or move the damaged one away: missing runs are trained again)'
    );
  }

  /** A stored JSON column, or undefined (with a warning naming store and run) when it is not JSON. */
  private parse<T>(text: string, key: string, what: string): T | undefined {
    try {
      return JSON.parse(text) as T;
    } catch (e) {
      this.warn(
        `result store ${this.file}: the ${what} of run ${key} is not valid JSON (${(e as Error).message}); skipped (the run is trained again when its sweep runs)`
      );
      return undefined;
    }
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
          // Credentials (a Redis password) never go into the file.
          canonicalJson(storedSpec(spec)),
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

  /** Stored result for a key, if any (undefined, with a warning, for a row that is not JSON). */
  get(key: string): IRunResult | undefined {
    const row = this.db
      .prepare('SELECT result FROM runs WHERE key = ?')
      .get(key) as IRunRow | undefined;
    return row ? this.parse<IRunResult>(row.result, key, 'result') : undefined;
  }

  /** Keys among `keys` that have a usable stored result (a row that is not JSON is missing). */
  storedKeys(keys: string[]): Set<string> {
    const out = new Set<string>();
    const stmt = this.db.prepare('SELECT result FROM runs WHERE key = ?');
    for (const k of keys) {
      const row = stmt.get(k) as IRunRow | undefined;
      if (row && this.parse(row.result, k, 'result') !== undefined) {
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
    // A row whose JSON was damaged is replaced by the new result.
    const old = this.db
      .prepare('SELECT result FROM runs WHERE key = ?')
      .get(result.key) as IRunRow | undefined;
    if (old && !isJson(old.result)) {
      this.db.prepare('DELETE FROM runs WHERE key = ?').run(result.key);
    }
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
        strategyId(s.strategy),
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
        `SELECT r.key AS key, r.result AS result, sr.run_spec AS run_spec FROM sweep_runs sr JOIN runs r ON r.key = sr.key
         WHERE sr.sweep = ? ORDER BY sr.position`
      )
      .all(sweep) as { key: string; result: string; run_spec: string }[];
    const out: IRunResult[] = [];
    for (const row of rows) {
      const spec = this.parse<IRunSpec>(row.run_spec, row.key, 'run spec');
      const result = this.parse<IRunResult>(row.result, row.key, 'result');
      if (spec && result) {
        out.push({ ...result, spec });
      }
    }
    return out;
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
    const backends = this.db.prepare(
      // json_valid first: a damaged row must not make the listing fail.
      `SELECT CASE WHEN json_valid(run_spec) THEN json_extract(run_spec, '$.backend') END AS backend
       FROM sweep_runs WHERE sweep = ? GROUP BY backend ORDER BY MIN(position)`
    );
    return rows.map(r => ({
      name: r.name,
      total: r.total,
      done: r.done,
      failed: this.failures(r.name).length,
      spec: JSON.parse(r.spec) as ISweepSpec,
      runBackends: (backends.all(r.name) as { backend: unknown }[])
        .map(b => b.backend)
        .filter((b): b is string => typeof b === 'string'),
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
