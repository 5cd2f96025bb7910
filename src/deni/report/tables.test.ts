import { describe, expect, it } from 'vitest';
import { Rng } from '../random';
import { buildReport } from './build';
import { computeStats } from './stats';
import { syntheticGroup } from './synthetic';
import { paperTables } from './tables';

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
});
