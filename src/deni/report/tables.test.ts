import { describe, expect, it } from 'vitest';
import { Rng } from '../random';
import { buildReport } from './build';
import { computeStats } from './stats';
import { formatReport } from './format';
import { syntheticGroup, syntheticResult } from './synthetic';
import { byRunTable, paperTables, pairedTable } from './tables';
import type { IPlainTable } from './types';

const stats = (results: Parameters<typeof computeStats>[0]) =>
  computeStats(results, { rng: new Rng(1), resamples: 50 });

describe('paper-style table', () => {
  const results = [
    ...syntheticGroup([80, 82, 84], { strategy: 'default', dataset: 'sst2' }),
    ...syntheticGroup([83, 83, 83.5], {
      strategy: 'ensemble',
      dataset: 'sst2'
    }),
    ...syntheticGroup([84, 85, 86], { strategy: 'deni', dataset: 'sst2' }),
    ...syntheticGroup([70, 71, 72], { strategy: 'default', dataset: 'trec' }),
    ...syntheticGroup([73, 73.5, 74], { strategy: 'deni', dataset: 'trec' })
  ];

  it('has strategies as rows, data sets as columns and "mean (std)" cells', () => {
    const [table] = paperTables(stats(results));
    expect(table.columns).toEqual(['sst2', 'trec']);
    expect(table.rows.map(r => r.label)).toEqual([
      'default',
      'ensemble',
      'deni'
    ]);
    expect(table.rows[0].cells[0]?.text).toBe('82.00 (1.63)');
    expect(table.rows[1].cells[1]).toBeNull();
  });

  it('marks the best mean and the lowest std of each column', () => {
    const [table] = paperTables(stats(results));
    const marks = table.rows.map(r =>
      r.cells.map(c => (c ? [!!c.bestMean, !!c.bestStd] : null))
    );
    expect(marks).toEqual([
      [
        [false, false],
        [false, false]
      ],
      [[false, true], null],
      [
        [true, false],
        [true, true]
      ]
    ]);
  });

  it('marks ties at the shown precision and skips single-cell columns', () => {
    const tied = [
      ...syntheticGroup([80, 82], { strategy: 'default' }),
      ...syntheticGroup([80.001, 82.001], { strategy: 'deni' }),
      ...syntheticGroup([50, 60], { strategy: 'swa', dataset: 'alone' })
    ];
    const [table] = paperTables(stats(tied));
    const sst2 = table.columns.indexOf('sst2');
    expect(table.rows.map(r => r.cells[sst2]?.bestMean)).toEqual([
      true,
      undefined,
      true
    ]);
    const alone = table.columns.indexOf('alone');
    expect(table.rows[1].cells[alone]?.bestMean).toBeUndefined();
  });

  it('spans data set x tuning columns and splits by model', () => {
    const multi = [
      ...syntheticGroup([1, 2], { tuning: 'full', model: 'a' }),
      ...syntheticGroup([1, 3], { tuning: 'lora', model: 'a' }),
      ...syntheticGroup([1, 4], { tuning: 'full', model: 'b' })
    ];
    const tables = paperTables(stats(multi));
    expect(tables.map(t => t.id)).toEqual(['paper:a', 'paper:b']);
    expect(tables[0].columns).toEqual(['sst2 / full', 'sst2 / lora']);
    expect(tables[1].columns).toEqual(['sst2 / full']);
    const one = paperTables(stats(multi), { columns: ['model', 'tuning'] });
    expect(one).toHaveLength(1);
    expect(one[0].columns).toEqual(['a / full', 'a / lora', 'b / full']);
    expect(() =>
      paperTables(stats(multi), { columns: ['seed' as 'model'] })
    ).toThrow(/unknown dimension "seed"; valid: dataset, model, tuning/);
  });
});

describe('plain tables', () => {
  it('holds statistics, cost and runs', () => {
    const bundle = buildReport(
      's',
      [
        ...syntheticGroup([80, 82], {
          strategy: 'default',
          modelSteps: 100,
          peakTensorBytes: 2 ** 20
        }),
        ...syntheticGroup([81, 83], { strategy: 'ensemble', modelSteps: 1000 })
      ],
      { status: 'done', resamples: 50 }
    );
    const ids = bundle.plainTables?.map(t => t.id);
    expect(ids).toEqual(['stats', 'cost']);
    const cost = bundle.plainTables?.[1];
    const col = (label: string) =>
      cost?.columns.findIndex(c => c.label === label) as number;
    expect(cost?.rows.map(r => r[col('x default')])).toEqual([1, 10]);
    expect(cost?.rows.map(r => r[col('x ensemble')])).toEqual([0.1, 1]);
    expect(cost?.rows[0][col('peak tensor MiB')]).toBe(1);
    expect(bundle.runs).toHaveLength(4);
  });

  it('puts the std ratio interval after std / default and the wall ratios after wall s', () => {
    const bundle = buildReport(
      's',
      [
        ...syntheticGroup([80, 82, 85, 79, 81], {
          strategy: 'default',
          wallSeconds: 20
        }),
        ...syntheticGroup([81, 83, 82, 84, 82.5], {
          strategy: 'ensemble',
          wallSeconds: 60
        }),
        ...syntheticGroup([83, 83.5, 84, 82, 83], {
          strategy: 'deni',
          wallSeconds: 35
        })
      ],
      { status: 'running', resamples: 200 }
    );
    const [statsTab, cost] = bundle.plainTables ?? [];
    const labels = (t: IPlainTable) => t.columns.map(c => c.label);
    const after = (t: IPlainTable, label: string, n: number) => {
      const i = labels(t).indexOf(label);
      return labels(t).slice(i, i + n + 1);
    };
    expect(after(statsTab, 'std / default', 3)).toEqual([
      'std / default',
      'std / default CI low',
      'std / default CI high',
      'Brown-Forsythe p'
    ]);
    expect(after(cost, 'wall s', 3)).toEqual([
      'wall s',
      'wall x default',
      'wall x ensemble',
      'peak tensor MiB'
    ]);
    expect(statsTab.rows.every(r => r.length === statsTab.columns.length)).toBe(
      true
    );
    expect(cost.rows.every(r => r.length === cost.columns.length)).toBe(true);
    const cell = (t: IPlainTable, row: number, label: string) =>
      t.rows[row][labels(t).indexOf(label)];
    // Default has no ratio to itself; the others show their interval around the point ratio.
    expect(cell(statsTab, 0, 'std / default CI low')).toBeNull();
    const deni = bundle.stats[2];
    expect(cell(statsTab, 2, 'std / default CI low')).toBe(
      deni.stdRatioCI?.[0]
    );
    expect(cell(statsTab, 2, 'std / default CI high')).toBe(
      deni.stdRatioCI?.[1]
    );
    expect(cell(statsTab, 2, 'std / default CI low')).toBeLessThan(
      deni.stdVsDefault as number
    );
    expect(cell(statsTab, 2, 'std / default CI high')).toBeGreaterThan(
      deni.stdVsDefault as number
    );
    expect([0, 1, 2].map(r => cell(cost, r, 'wall x default'))).toEqual([
      1, 3, 1.75
    ]);
    expect(
      cost.rows.map(r => r[labels(cost).indexOf('wall x ensemble')])
    ).toEqual([20 / 60, 1, 35 / 60]);
  });
});

/** Results of one strategy at the given run indices. */
function syntheticResultsAt(
  strategy: string | { name: 'deni'; params: { K: number } },
  values: [run: number, f1: number][],
  dataset = 'sst2'
) {
  return values.map(([run, macroF1]) =>
    syntheticResult({ strategy, run, macroF1, dataset })
  );
}

describe('per-run-index tables (byrun, paired)', () => {
  const runs = syntheticResultsAt;
  // Given out of order, to show the tables follow the paper's order and run indices.
  const results = [
    ...runs({ name: 'deni', params: { K: 5 } }, [
      [1, 81.004],
      [0, 83.25],
      [2, 85]
    ]),
    ...runs('ensemble', [
      [0, 80],
      [2, 40]
    ]),
    ...runs('default', [
      [0, 80],
      [1, 82],
      [2, 81]
    ]),
    ...runs('default', [[0, 70]], 'trec'),
    ...runs('ensemble', [[0, 71.5]], 'trec')
  ];
  const bundle = buildReport('s', results, { status: 'done', resamples: 50 });

  it('byrun: a row per run index, a column per strategy, differences to default and failures', () => {
    const table = byRunTable(bundle.runs ?? [], bundle.stats);
    expect(table.columns.map(c => c.label)).toEqual([
      'dataset',
      'run',
      'default',
      'ensemble',
      'deni(K=5)'
    ]);
    expect(table.rows).toEqual([
      ['sst2', 0, '80.00', '80.00 (0.00)', '83.25 (+3.25)'],
      ['sst2', 1, '82.00', null, '81.00 (-1.00)'],
      ['sst2', 2, '81.00', '40.00 (failed)', '85.00 (+4.00)'],
      ['trec', 0, '70.00', '71.50 (+1.50)', null]
    ]);
    // Model and tuning columns only where they vary.
    const two = buildReport(
      's',
      [
        ...syntheticGroup([80, 81], { strategy: 'default', model: 'a' }),
        ...syntheticGroup([82, 80], { strategy: 'deni', model: 'b' })
      ],
      { status: 'done', resamples: 10 }
    );
    const t2 = byRunTable(two.runs ?? [], two.stats, 1);
    expect(t2.columns.map(c => c.label)).toEqual([
      'dataset',
      'model',
      'run',
      'default',
      'deni'
    ]);
    // No default in b's configuration: values without differences.
    expect(t2.rows[2]).toEqual(['sst2', 'b', 0, null, '82.0']);
  });

  it('paired: pairs, mean difference, interval, p and wins / ties / losses per non-default group', () => {
    const table = pairedTable(bundle.stats);
    const labels = table.columns.map(c => c.label);
    expect(labels).toEqual([
      'dataset',
      'model',
      'tuning',
      'strategy',
      'pairs',
      'mean diff',
      'diff 95 % CI low',
      'diff 95 % CI high',
      'sign-flip p',
      'wins',
      'ties',
      'losses'
    ]);
    expect(table.title).toContain('exact over all 2^pairs sign patterns');
    const rows = table.rows.map(r => [
      r[0],
      r[3],
      r[4],
      r[9],
      r[10],
      r[11],
      r[8]
    ]);
    expect(rows).toEqual([
      ['sst2', 'ensemble', 1, 0, 1, 0, 1],
      ['sst2', 'deni(K=5)', 3, 2, 0, 1, 0.5],
      ['trec', 'ensemble', 1, 1, 0, 0, 1]
    ]);
    expect(table.rows[1][5]).toBeCloseTo((3.25 - 0.996 + 4) / 3, 12);
  });

  it('renders both in every format from the bundle alone', () => {
    const tables: ('byrun' | 'paired')[] = ['byrun', 'paired'];
    const md = formatReport(bundle, 'md', { tables });
    expect(md).toContain(
      '| sst2 | 2 | 81.00 | 40.00 (failed) | 85.00 (+4.00) |'
    );
    expect(md).toMatch(
      /\| sst2 \| minilm-l6 \| full \| deni\(K=5\) \| 3 \| 2\.08 \| -?\d+\.\d\d \| \d+\.\d\d \| 0\.5000 \| 2 \| 0 \| 1 \|/
    );
    // The full formats show them by default, the short ones do not.
    expect(formatReport(bundle, 'md')).toContain('### Paired against default');
    expect(formatReport(bundle, 'html')).toContain('jp-deni-byrun-table');
    expect(formatReport(bundle, 'text')).not.toContain('Paired against');
    const html = formatReport(bundle, 'html', { tables });
    expect(html).toContain('<td class="jp-deni-num">83.25 (+3.25)</td>');
    expect(html).toContain('jp-deni-paired-table');
    const tex = formatReport(bundle, 'latex', { tables });
    expect(tex).toContain(
      'sst2 & 2 & 81.00 & 40.00 (failed) & 85.00 (+4.00) \\\\'
    );
    expect(tex).toContain('diff 95 \\% CI low');
    const text = formatReport(bundle, 'text', { tables });
    expect(text).toMatch(/sst2\s+1\s+82\.00\s+81\.00 \(-1\.00\)/);
    // CSV: one table, numbers at full precision.
    const byrun = formatReport(bundle, 'csv', { tables: ['byrun'] });
    expect(byrun.split('\r\n')[0]).toBe(
      'dataset,run,default,ensemble,deni(K=5)'
    );
    expect(byrun.split('\r\n')[2]).toBe('sst2,1,82.00,,81.00 (-1.00)');
    const paired = formatReport(bundle, 'csv', { tables: ['paired'] });
    const deni = paired.split('\r\n')[2].split(',');
    expect(Number(deni[5])).toBe(bundle.stats[2].paired?.meanDiff);
    expect(deni[5].length).toBeGreaterThan(6);
  });

  it('shows 0 pairs where nothing pairs up, nothing without default, and byrun needs the runs', () => {
    const unpaired = buildReport(
      's',
      [
        ...syntheticGroup([80, 30], { strategy: 'default' }),
        ...syntheticResultsAt('deni', [[1, 81]])
      ],
      { status: 'done', resamples: 10 }
    );
    expect(pairedTable(unpaired.stats).rows).toEqual([
      ['sst2', 'minilm-l6', 'full', 'deni', 0, null, null, null, null, 0, 0, 0]
    ]);
    const alone = buildReport(
      's',
      syntheticGroup([80, 81], { strategy: 'deni' }),
      { status: 'done', resamples: 10, includeRuns: false }
    );
    expect(pairedTable(alone.stats).rows).toEqual([]);
    expect(() => formatReport(alone, 'csv', { tables: ['byrun'] })).toThrow(
      /no byrun table \(it has: paper, stats, cost, paired\)/
    );
  });
});
