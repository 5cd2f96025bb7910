import { describe, expect, it } from 'vitest';
import { buildReport } from './build';
import { paretoFrontier } from './figures';
import { syntheticGroup, syntheticResults } from './synthetic';

type Trace = Record<string, unknown>;

describe('figure specs', () => {
  const results = [
    ...syntheticGroup([80, 82, 84], { strategy: 'default', modelSteps: 100 }),
    ...syntheticGroup([83, 83.2, 83.4], {
      strategy: 'ensemble',
      modelSteps: 1000
    }),
    ...syntheticGroup([84, 84.5, 85], { strategy: 'deni', modelSteps: 370 }),
    ...syntheticGroup([81, 83, 85], { strategy: 'swa', modelSteps: 100 })
  ];
  const bundle = buildReport('fig', results, {
    status: 'done',
    resamples: 100
  });
  const fig = (id: string) => bundle.figures.find(f => f.id === id);

  it('makes every figure, violin first', () => {
    expect(bundle.figures.map(f => f.id)).toEqual([
      'f1-violin',
      'f1-box',
      'mean-std',
      'cost-std',
      'per-dataset'
    ]);
    expect(bundle.mainFigure).toBe('f1-violin');
  });

  it('draws one violin (with box and points) and one box per strategy', () => {
    const violin = fig('f1-violin')?.data as Trace[];
    expect(violin.map(t => t.type)).toEqual([
      'violin',
      'violin',
      'violin',
      'violin'
    ]);
    expect(violin.map(t => t.name)).toEqual([
      'default',
      'ensemble',
      'swa',
      'deni'
    ]);
    expect(violin[3].y).toEqual([84, 84.5, 85]);
    expect(violin[0].box).toEqual({ visible: true });
    expect(violin[0].points).toBe('all');
    const box = fig('f1-box')?.data as Trace[];
    expect(box.map(t => t.type)).toEqual(['box', 'box', 'box', 'box']);
    expect(box[0].boxmean).toBe('sd');
  });

  it('plots mean against std with bootstrap error bars', () => {
    const data = fig('mean-std')?.data as Trace[];
    const deni = bundle.stats.find(s => s.strategy === 'deni');
    const t = data.find(d => d.name === 'deni') as Trace;
    expect(t.x).toEqual([deni?.mean]);
    expect(t.y).toEqual([deni?.std]);
    const ex = t.error_x as { array: number[]; arrayminus: number[] };
    expect(ex.array[0]).toBeCloseTo(
      (deni?.meanCI[1] ?? 0) - (deni?.mean ?? 0),
      12
    );
    expect(ex.arrayminus[0]).toBeGreaterThanOrEqual(0);
  });

  it('plots std against relative cost with the efficiency frontier', () => {
    const f = fig('cost-std');
    const data = f?.data as Trace[];
    const byName = Object.fromEntries(data.map(t => [t.name as string, t]));
    expect(byName.ensemble.x).toEqual([10]);
    expect(byName.deni.x).toEqual([3.7]);
    // default (1, 1.63) -> swa (1, 1.63) tie -> deni (3.7, 0.41) -> ensemble (10, 0.16)
    expect(byName['efficiency frontier'].text).toEqual([
      'default',
      'deni',
      'ensemble'
    ]);
    expect((f?.layout.xaxis as Record<string, unknown>).type).toBe('log');
  });

  it('finds the Pareto frontier of cost and std', () => {
    const pts = [
      { x: 1, y: 3 },
      { x: 2, y: 4 },
      { x: 3, y: 1 },
      { x: 10, y: 1 },
      { x: 10, y: 0.5 }
    ];
    expect(paretoFrontier(pts)).toEqual([
      { x: 1, y: 3 },
      { x: 3, y: 1 },
      { x: 10, y: 0.5 }
    ]);
  });

  it('draws one panel per data set with strategy legends shown once', () => {
    const b = buildReport(
      'multi',
      syntheticResults({
        datasets: [
          { name: 'sst2', classes: 2 },
          { name: 'trec', classes: 6 },
          { name: 'snips', classes: 7 },
          { name: 'cola', classes: 2 }
        ],
        tunings: ['full', 'lora'],
        runs: 4
      }),
      { status: 'done', resamples: 50 }
    );
    const f = b.figures.find(x => x.id === 'per-dataset');
    const data = f?.data as Trace[];
    expect(data).toHaveLength(4 * 3);
    expect(new Set(data.map(t => t.xaxis))).toEqual(
      new Set(['x', 'x2', 'x3', 'x4'])
    );
    expect(data.filter(t => t.showlegend).map(t => t.name)).toEqual([
      'default',
      'ensemble',
      'deni'
    ]);
    expect(data[0].x).toEqual([
      'full',
      'full',
      'full',
      'full',
      'lora',
      'lora',
      'lora',
      'lora'
    ]);
    expect(f?.layout.grid).toEqual({
      rows: 2,
      columns: 3,
      pattern: 'independent'
    });
    // Paper order of data sets, whatever order the results came in.
    expect(
      [1, 2, 3, 4].map(
        i =>
          (f?.layout[`xaxis${i === 1 ? '' : i}`] as { title: { text: string } })
            .title.text
      )
    ).toEqual(['sst2', 'cola', 'trec', 'snips']);
    // Several configurations: the violin figure has one trace per configuration, grouped.
    const violin = b.figures[0];
    expect(violin.data).toHaveLength(8);
    expect(violin.data[0].name).toBe('sst2 / full');
    expect(violin.layout.violinmode).toBe('group');
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(bundle.figures))).toEqual(bundle.figures);
  });
});
