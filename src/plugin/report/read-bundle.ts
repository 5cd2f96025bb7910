/**
 * Checks that MIME data really is a v1 report bundle before anything is rendered, so a malformed
 * or foreign payload becomes a readable error naming the bad field instead of a broken view.
 */
import type {
  IFigureSpec,
  IGroupStats,
  IPlainColumn,
  IPlainTable,
  IReportBundle,
  IReportTable,
  ITableCell
} from '../../deni/report/types';

/** Result of {@link readBundle}: the typed bundle, or a readable error. */
export type ReadBundleResult =
  { ok: true; bundle: IReportBundle } | { ok: false; error: string };

const STATUSES: ReadonlyArray<IReportBundle['status']> = [
  'running',
  'done',
  'interrupted',
  'error'
];

class BundleError extends Error {}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(
      value.length > 40 ? value.slice(0, 40) + '...' : value
    );
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  return value === null
    ? 'null'
    : typeof value === 'object'
      ? 'an object'
      : String(value);
}

function fail(path: string, value: unknown, expected: string): never {
  throw new BundleError(`${path} is ${describe(value)}; expected ${expected}.`);
}

function str(obj: Record<string, unknown>, key: string, path: string): string {
  const v = obj[key];
  if (typeof v !== 'string') {
    fail(`${path}.${key}`, v, 'a string');
  }
  return v;
}

function num(obj: Record<string, unknown>, key: string, path: string): number {
  const v = obj[key];
  if (typeof v !== 'number') {
    fail(`${path}.${key}`, v, 'a number');
  }
  return v;
}

function optNum(
  obj: Record<string, unknown>,
  key: string,
  path: string
): number | undefined {
  return obj[key] === undefined || obj[key] === null
    ? undefined
    : num(obj, key, path);
}

function arr(
  obj: Record<string, unknown>,
  key: string,
  path: string
): unknown[] {
  const v = obj[key];
  if (v === undefined) {
    return [];
  }
  if (!Array.isArray(v)) {
    fail(`${path}.${key}`, v, 'an array');
  }
  return v;
}

function pair(
  obj: Record<string, unknown>,
  key: string,
  path: string
): [number, number] {
  const v = obj[key];
  if (v === undefined || v === null) {
    return [Number.NaN, Number.NaN];
  }
  if (
    !Array.isArray(v) ||
    v.length !== 2 ||
    v.some(x => typeof x !== 'number')
  ) {
    fail(`${path}.${key}`, v, 'two numbers [low, high]');
  }
  return [v[0] as number, v[1] as number];
}

function readCell(value: unknown, path: string): ITableCell | null {
  if (value === null || value === undefined) {
    return null;
  }
  if (!isRecord(value)) {
    fail(path, value, 'a cell object or null');
  }
  return {
    text: str(value, 'text', path),
    mean: num(value, 'mean', path),
    std: num(value, 'std', path),
    bestMean: value.bestMean === true,
    bestStd: value.bestStd === true
  };
}

function readTable(value: unknown, path: string): IReportTable {
  if (!isRecord(value)) {
    fail(path, value, 'a table object');
  }
  const columns = arr(value, 'columns', path).map((c, i) =>
    typeof c === 'string' ? c : fail(`${path}.columns[${i}]`, c, 'a string')
  );
  const rows = arr(value, 'rows', path).map((r, i) => {
    const rp = `${path}.rows[${i}]`;
    if (!isRecord(r)) {
      fail(rp, r, 'a row object');
    }
    const cells = arr(r, 'cells', rp).map((c, j) =>
      readCell(c, `${rp}.cells[${j}]`)
    );
    return { label: str(r, 'label', rp), cells };
  });
  return { title: str(value, 'title', path), columns, rows };
}

function readStats(value: unknown, path: string): IGroupStats {
  if (!isRecord(value)) {
    fail(path, value, 'a statistics object');
  }
  return {
    dataset: str(value, 'dataset', path),
    model: str(value, 'model', path),
    tuning: str(value, 'tuning', path),
    strategy: str(value, 'strategy', path),
    runs: num(value, 'runs', path),
    mean: num(value, 'mean', path),
    std: num(value, 'std', path),
    sampleStd: optNum(value, 'sampleStd', path) ?? Number.NaN,
    min: num(value, 'min', path),
    max: num(value, 'max', path),
    failed: optNum(value, 'failed', path) ?? 0,
    meanCI: pair(value, 'meanCI', path),
    stdCI: pair(value, 'stdCI', path),
    varianceP: optNum(value, 'varianceP', path),
    meanP: optNum(value, 'meanP', path),
    costVsDefault: optNum(value, 'costVsDefault', path),
    costVsEnsemble: optNum(value, 'costVsEnsemble', path),
    wallSeconds: optNum(value, 'wallSeconds', path) ?? Number.NaN,
    peakTensorBytes: optNum(value, 'peakTensorBytes', path) ?? Number.NaN
  };
}

function readFigure(value: unknown, path: string): IFigureSpec {
  if (!isRecord(value)) {
    fail(path, value, 'a figure object');
  }
  const data = arr(value, 'data', path).map((t, i) =>
    isRecord(t) ? t : fail(`${path}.data[${i}]`, t, 'a trace object')
  );
  const layout = value.layout === undefined ? {} : value.layout;
  if (!isRecord(layout)) {
    fail(`${path}.layout`, layout, 'an object');
  }
  return {
    id: typeof value.id === 'string' ? value.id : `figure-${path}`,
    title: typeof value.title === 'string' ? value.title : '',
    data,
    layout
  };
}

function readPlainTable(value: unknown, path: string): IPlainTable {
  if (!isRecord(value)) {
    fail(path, value, 'a table object');
  }
  const columns = arr(value, 'columns', path).map((c, i): IPlainColumn => {
    const cp = `${path}.columns[${i}]`;
    if (!isRecord(c)) {
      fail(cp, c, 'a column object');
    }
    return {
      label: str(c, 'label', cp),
      digits: optNum(c, 'digits', cp),
      align: c.align === 'left' || c.align === 'right' ? c.align : undefined
    };
  });
  const rows = arr(value, 'rows', path).map((r, i) => {
    if (!Array.isArray(r)) {
      fail(`${path}.rows[${i}]`, r, 'an array of cells');
    }
    return r.map((cell, j) =>
      cell === null || typeof cell === 'string' || typeof cell === 'number'
        ? cell
        : fail(`${path}.rows[${i}][${j}]`, cell, 'a string, a number or null')
    );
  });
  return {
    id: typeof value.id === 'string' ? value.id : path,
    title: str(value, 'title', path),
    columns,
    rows
  };
}

/** Validate MIME data as a v1 report bundle; optional fields default to empty. */
export function readBundle(data: unknown): ReadBundleResult {
  try {
    if (!isRecord(data)) {
      fail('bundle', data, 'a JSON object');
    }
    if (data.version !== 1) {
      fail(
        'bundle.version',
        data.version,
        '1 (this extension renders report bundles v1)'
      );
    }
    const status = data.status as IReportBundle['status'];
    if (!STATUSES.includes(status)) {
      fail('bundle.status', data.status, `one of ${STATUSES.join(', ')}`);
    }
    let progress: IReportBundle['progress'];
    if (data.progress !== undefined && data.progress !== null) {
      const p = data.progress;
      if (!isRecord(p)) {
        fail('bundle.progress', p, 'an object');
      }
      progress = {
        done: num(p, 'done', 'bundle.progress'),
        total: num(p, 'total', 'bundle.progress'),
        cached: optNum(p, 'cached', 'bundle.progress') ?? 0,
        failed: optNum(p, 'failed', 'bundle.progress') ?? 0,
        current: typeof p.current === 'string' ? p.current : undefined,
        etaSeconds: optNum(p, 'etaSeconds', 'bundle.progress')
      };
    }
    if (
      data.error !== undefined &&
      data.error !== null &&
      typeof data.error !== 'string'
    ) {
      fail('bundle.error', data.error, 'a string');
    }
    const bundle: IReportBundle = {
      version: 1,
      sweep: str(data, 'sweep', 'bundle'),
      status,
      progress,
      stats: arr(data, 'stats', 'bundle').map((s, i) =>
        readStats(s, `bundle.stats[${i}]`)
      ),
      tables: arr(data, 'tables', 'bundle').map((t, i) =>
        readTable(t, `bundle.tables[${i}]`)
      ),
      figures: arr(data, 'figures', 'bundle').map((f, i) =>
        readFigure(f, `bundle.figures[${i}]`)
      ),
      error: typeof data.error === 'string' ? data.error : undefined
    };
    if (data.plainTables !== undefined) {
      bundle.plainTables = arr(data, 'plainTables', 'bundle').map((t, i) =>
        readPlainTable(t, `bundle.plainTables[${i}]`)
      );
    }
    return { ok: true, bundle };
  } catch (err) {
    if (err instanceof BundleError) {
      return {
        ok: false,
        error: `Cannot show this DENI report: ${err.message}`
      };
    }
    throw err;
  }
}
