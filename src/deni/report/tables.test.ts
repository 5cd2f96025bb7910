import { describe, expect, it } from 'vitest';
import { Rng } from '../random';
import { buildReport } from './build';
import { computeStats } from './stats';
import { syntheticGroup } from './synthetic';
import { paperTables } from './tables';
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
