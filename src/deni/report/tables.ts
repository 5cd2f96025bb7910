import { compareStrategies, configId, distinct, findBaselines } from './groups';
import { SIGN_FLIP_EXACT_MAX } from './paired';
import type {
  IGroupStats,
  IPlainColumn,
  IPlainTable,
  IReportTable,
  IRunRow,
  ITableCell
} from './types';

/** A dimension that can span the columns of the paper-style table. */
export type TableDimension = 'dataset' | 'model' | 'tuning';

/** Options of paperTables. */
export interface IPaperTableOptions {
  /**
   * Dimensions whose combinations form the columns, e.g. `['dataset']` or `['dataset', 'tuning']`.
   * Default: `dataset`, plus `tuning` when there are several. Any other dimension that varies
   * splits the output into one table per value (e.g. one table per model).
   */
  columns?: TableDimension[];
  /** Digits after the decimal point (default 2, as the paper). */
  digits?: number;
}

const DIMENSIONS: readonly TableDimension[] = ['dataset', 'model', 'tuning'];

/**
 * Paper-style tables: rows are strategies, columns configurations, cells "mean (std)" of macro-F1.
 * In each column the best mean (highest, compared at the shown precision, ties all marked) gets
 * `bestMean` and the lowest std `bestStd`, when the column has at least two cells.
 */
export function paperTables(
  stats: readonly IGroupStats[],
  options: IPaperTableOptions = {}
): IReportTable[] {
  const digits = options.digits ?? 2;
  checkDigits(digits);
  const varies = (d: TableDimension) =>
    distinct(stats.map(s => s[d])).length > 1;
  const columnDims =
    options.columns ??
    (['dataset', ...(varies('tuning') ? ['tuning'] : [])] as TableDimension[]);
  for (const d of columnDims) {
    if (!DIMENSIONS.includes(d)) {
      throw new RangeError(
        `table columns: unknown dimension ${JSON.stringify(d)}; valid: ${DIMENSIONS.join(', ')}`
      );
    }
  }
  if (columnDims.length === 0) {
    throw new RangeError(
      'table columns: give at least one of dataset, model, tuning'
    );
  }
  const splitDims = DIMENSIONS.filter(
    d => !columnDims.includes(d) && varies(d)
  );
  const label = (s: IGroupStats, dims: readonly TableDimension[]) =>
    dims.map(d => s[d]).join(' / ');
  const splits = distinct(stats.map(s => label(s, splitDims)));
  return splits.map(split => {
    const part = stats.filter(s => label(s, splitDims) === split);
    const columns = distinct(part.map(s => label(s, columnDims)));
    const nameOf = (label: string) =>
      part.find(s => s.strategy === label)?.strategyName ?? label;
    const strategies = distinct(part.map(s => s.strategy)).sort((a, b) =>
      compareStrategies(
        { strategy: a, strategyName: nameOf(a) },
        { strategy: b, strategyName: nameOf(b) }
      )
    );
    const rows = strategies.map(strategy => ({
      label: strategy,
      cells: columns.map((column): ITableCell | null => {
        const s = part.find(
          x => x.strategy === strategy && label(x, columnDims) === column
        );
        return s
          ? {
              text: `${s.mean.toFixed(digits)} (${s.std.toFixed(digits)})`,
              mean: s.mean,
              std: s.std,
              runs: s.runs,
              failed: s.failed
            }
          : null;
      })
    }));
    markBest(rows, columns.length, digits);
    const title =
      'Macro-F1 x 100 over runs: mean (std)' +
      (splitDims.length > 0 ? ` - ${splitDims.join(' / ')} ${split}` : '');
    return {
      id: splitDims.length > 0 ? `paper:${split}` : 'paper',
      title,
      digits,
      columns,
      rows
    };
  });
}

function markBest(
  rows: { cells: (ITableCell | null)[] }[],
  columns: number,
  digits: number
): void {
  const shown = (x: number) => Number(x.toFixed(digits));
  for (let c = 0; c < columns; c++) {
    const cells = rows
      .map(r => r.cells[c])
      .filter((x): x is ITableCell => x !== null);
    if (cells.length < 2) {
      continue;
    }
    const best = Math.max(...cells.map(x => shown(x.mean)));
    const lowest = Math.min(...cells.map(x => shown(x.std)));
    for (const cell of cells) {
      if (shown(cell.mean) === best) {
        cell.bestMean = true;
      }
      if (shown(cell.std) === lowest) {
        cell.bestStd = true;
      }
    }
  }
}

const KEY_COLUMNS: IPlainColumn[] = [
  { label: 'dataset' },
  { label: 'model' },
  { label: 'tuning' },
  { label: 'strategy' }
];

/** Every statistic of every group, one row per group (also the report's CSV). */
export function statsTable(
  stats: readonly IGroupStats[],
  digits = 2
): IPlainTable {
  checkDigits(digits);
  const num = (label: string, d = digits): IPlainColumn => ({
    label,
    digits: d,
    align: 'right'
  });
  return {
    id: 'stats',
    title: 'Statistics per group (tests and ratios against default)',
    columns: [
      ...KEY_COLUMNS,
      num('runs', 0),
      num('mean'),
      num('std'),
      num('sample std'),
      num('min'),
      num('max'),
      num('failed', 0),
      num('mean CI low'),
      num('mean CI high'),
      num('std CI low'),
      num('std CI high'),
      num('mean - default'),
      num('Welch p', 4),
      num('std / default'),
      num('std / default CI low'),
      num('std / default CI high'),
      num('Brown-Forsythe p', 4),
      num(detectableLabel(stats), 2)
    ],
    rows: stats.map(s => [
      s.dataset,
      s.model,
      s.tuning,
      s.strategy,
      s.runs,
      s.mean,
      s.std,
      s.sampleStd,
      s.min,
      s.max,
      s.failed,
      s.meanCI[0],
      s.meanCI[1],
      s.stdCI[0],
      s.stdCI[1],
      s.meanDiff ?? null,
      s.meanP ?? null,
      s.stdVsDefault ?? null,
      s.stdRatioCI?.[0] ?? null,
      s.stdRatioCI?.[1] ?? null,
      s.varianceP ?? null,
      s.detectableStdRatio ?? null
    ])
  };
}

/** Header of the detectable-ratio column, naming the power and alpha it was worked out at. */
function detectableLabel(stats: readonly IGroupStats[]): string {
  const s = stats.find(x => x.detectPower !== undefined);
  return s
    ? `detectable std / default (power ${s.detectPower}, alpha ${s.detectAlpha})`
    : 'detectable std / default';
}

const MIB = 1024 * 1024;

/**
 * Cost per group: model-steps and wall time (absolute and relative to default and ensemble), test
 * forward passes, memory.
 */
export function costTable(stats: readonly IGroupStats[]): IPlainTable {
  const num = (label: string, digits: number): IPlainColumn => ({
    label,
    digits,
    align: 'right'
  });
  return {
    id: 'cost',
    title: 'Cost per run (means; memory: peak over runs)',
    columns: [
      ...KEY_COLUMNS,
      num('model-steps', 0),
      num('x default', 2),
      num('x ensemble', 2),
      num('test forward passes', 0),
      num('wall s', 1),
      num('wall x default', 2),
      num('wall x ensemble', 2),
      num('peak tensor MiB', 1),
      num('peak RSS MiB', 1)
    ],
    rows: stats.map(s => [
      s.dataset,
      s.model,
      s.tuning,
      s.strategy,
      s.modelSteps ?? null,
      s.costVsDefault ?? null,
      s.costVsEnsemble ?? null,
      s.testForwardPasses ?? null,
      s.wallSeconds,
      s.wallVsDefault ?? null,
      s.wallVsEnsemble ?? null,
      s.peakTensorBytes / MIB,
      s.peakRssBytes === undefined ? null : s.peakRssBytes / MIB
    ])
  };
}

/** One row per run, the paper's long format. */
export function runsTable(runs: readonly IRunRow[], digits = 2): IPlainTable {
  checkDigits(digits);
  const num = (label: string, d: number): IPlainColumn => ({
    label,
    digits: d,
    align: 'right'
  });
  return {
    id: 'runs',
    title: 'Runs',
    columns: [
      ...KEY_COLUMNS,
      num('run', 0),
      num('macro-F1', digits),
      num('accuracy', digits),
      { label: 'failed' },
      num('model-steps', 0),
      num('test forward passes', 0),
      num('wall s', 1),
      num('peak tensor MiB', 1),
      { label: 'backend' },
      { label: 'key' }
    ],
    rows: runs.map(r => [
      r.dataset,
      r.model,
      r.tuning,
      r.strategy,
      r.run,
      r.macroF1,
      r.accuracy,
      r.failed ? 'yes' : 'no',
      r.modelSteps,
      r.testForwardPasses,
      r.wallSeconds,
      r.peakTensorBytes / MIB,
      r.backend,
      r.key
    ])
  };
}

/**
 * Macro-F1 by run index: per configuration one row per run index, one column per strategy. Run i
 * of every strategy shares its seeds (split, labels, data order, init, dropout), so a row compares
 * the strategies on the same draw of everything but the strategy. Cells are text: the value, then
 * in brackets its difference to default's run of the same index (strategy - default; both present
 * and not failed), or `(failed)` for a run below chance level; empty where the run is missing.
 * Model and tuning columns appear only when they vary. Strategies follow the paper's order, and
 * default is the configuration's baseline as in the statistics (findBaselines).
 */
export function byRunTable(
  runs: readonly IRunRow[],
  stats: readonly IGroupStats[],
  digits = 2
): IPlainTable {
  checkDigits(digits);
  const keys = stats.map(s => ({
    ...s,
    strategyName: s.strategyName ?? s.strategy
  }));
  const nameOf = new Map(keys.map(k => [k.strategy, k.strategyName]));
  const strategies = distinct(runs.map(r => r.strategy)).sort((a, b) =>
    compareStrategies(
      { strategy: a, strategyName: nameOf.get(a) ?? a },
      { strategy: b, strategyName: nameOf.get(b) ?? b }
    )
  );
  const baselines = findBaselines(keys);
  const varies = (of: (r: IRunRow) => string) =>
    distinct(runs.map(of)).length > 1;
  const dims: ('model' | 'tuning')[] = [];
  if (varies(r => r.model)) {
    dims.push('model');
  }
  if (varies(r => r.tuning)) {
    dims.push('tuning');
  }
  // Configurations in the order the runs come (group order), runs by index within each.
  const configs = distinct(runs.map(r => configId(r)));
  const rows: (string | number | null)[][] = [];
  for (const config of configs) {
    const part = runs.filter(r => configId(r) === config);
    const base = baselines.get(config)?.default?.strategy;
    const find = (strategy: string, run: number) => {
      const found = part.filter(r => r.strategy === strategy && r.run === run);
      // Two runs of one index in a group cannot be told apart: show neither.
      return found.length === 1 ? found[0] : undefined;
    };
    const indices = distinct(part.map(r => r.run)).sort((a, b) => a - b);
    for (const run of indices) {
      const ref = base === undefined ? undefined : find(base, run);
      const first = part[0];
      rows.push([
        first.dataset,
        ...dims.map(d => first[d]),
        run,
        ...strategies.map(strategy => {
          const r = find(strategy, run);
          if (!r) {
            return null;
          }
          const value = r.macroF1.toFixed(digits);
          if (r.failed) {
            return `${value} (failed)`;
          }
          if (strategy === base || !ref || ref.failed) {
            return value;
          }
          return `${value} (${signed(r.macroF1 - ref.macroF1, digits)})`;
        })
      ]);
    }
  }
  return {
    id: 'byrun',
    title:
      'Macro-F1 x 100 by run index (run i has the same seeds in every strategy); ' +
      'in brackets: minus default of the same run; failed: below chance level',
    columns: [
      { label: 'dataset' },
      ...dims.map(d => ({ label: d })),
      { label: 'run', digits: 0, align: 'right' as const },
      ...strategies.map(label => ({ label, align: 'right' as const }))
    ],
    rows
  };
}

/** A difference with its sign: `+0.85`, `-1.20`, and `0.00` only when exactly 0. */
function signed(x: number, digits: number): string {
  const text = Math.abs(x).toFixed(digits);
  return x > 0 ? `+${text}` : x < 0 ? `-${text}` : text;
}

/**
 * Each strategy against default paired by run index (IGroupStats.paired): pairs, mean difference
 * (strategy - default) with its bootstrap interval, the sign-flip p, wins / ties / losses. One row
 * per group compared with a default, with 0 pairs and empty statistics where no run pairs up.
 */
export function pairedTable(
  stats: readonly IGroupStats[],
  digits = 2
): IPlainTable {
  checkDigits(digits);
  const num = (label: string, d: number): IPlainColumn => ({
    label,
    digits: d,
    align: 'right'
  });
  // Every group compared with a default (meanDiff is set exactly then), also where no run pairs up.
  const compared = stats.filter(
    s => s.paired !== undefined || s.meanDiff !== undefined
  );
  const rows = compared.flatMap(s => (s.paired ? [{ s, p: s.paired }] : []));
  const level = rows[0]?.s.confidence ?? stats[0]?.confidence;
  const ci = level === undefined ? 'CI' : `${round(level * 100)} % CI`;
  // Say how p was worked out for the rows at hand: exact, Monte Carlo, or both by pair count.
  const exact = rows.some(r => r.p.exact);
  const draws = distinct(rows.filter(r => !r.p.exact).map(r => r.p.patterns));
  const random = `${draws.join(' / ')} seeded random sign patterns`;
  const method =
    draws.length === 0
      ? 'exact over all 2^pairs sign patterns'
      : exact
        ? `exact over all 2^pairs sign patterns up to ${SIGN_FLIP_EXACT_MAX} pairs, else ${random}`
        : `Monte Carlo over ${random}`;
  return {
    id: 'paired',
    title:
      'Paired against default by run index (pairs: runs present and not failed in both): ' +
      `mean of strategy - default, bootstrap ${ci}, two-sided sign-flip permutation p (${method})`,
    columns: [
      ...KEY_COLUMNS,
      num('pairs', 0),
      num('mean diff', digits),
      num(`diff ${ci} low`, digits),
      num(`diff ${ci} high`, digits),
      num('sign-flip p', 4),
      num('wins', 0),
      num('ties', 0),
      num('losses', 0)
    ],
    rows: compared.map(s => {
      const p = s.paired;
      const key = [s.dataset, s.model, s.tuning, s.strategy];
      if (!p) {
        return [...key, 0, null, null, null, null, 0, 0, 0];
      }
      return [
        ...key,
        p.pairs,
        p.meanDiff,
        p.ci[0],
        p.ci[1],
        p.p,
        p.wins,
        p.ties,
        p.losses
      ];
    })
  };
}

/** A percentage without float noise (95, 99.9). */
function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function checkDigits(digits: number): void {
  if (!Number.isInteger(digits) || digits < 0 || digits > 10) {
    throw new RangeError(`digits must be an integer in [0, 10], got ${digits}`);
  }
}
