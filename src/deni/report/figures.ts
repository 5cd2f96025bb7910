import { distinct } from './groups';
import type { IFigureSpec, IGroupStats, IRunRow } from './types';

/**
 * Plotly figure specs (plain JSON: data + layout, no functions) built from the statistics and
 * per-run rows of a report, so the plugin can draw them and a notebook can carry them. Colours
 * follow the strategy, identically in every figure.
 */

/** Ids of the figures buildFigures makes, in order; the first is the main figure. */
export const FIGURE_IDS = [
  'f1-violin',
  'f1-box',
  'mean-std',
  'cost-std',
  'per-dataset'
] as const;

/** Colour-blind-safe palette (Okabe-Ito, then Tableau 10), one colour per strategy. */
const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#D55E00',
  '#CC79A7',
  '#56B4E9',
  '#F0E442',
  '#000000',
  '#4E79A7',
  '#F28E2B',
  '#E15759',
  '#76B7B2',
  '#59A14F',
  '#EDC948',
  '#B07AA1',
  '#FF9DA7',
  '#9C755F',
  '#BAB0AC'
];

const F1_AXIS = 'macro-F1 x 100';

type Trace = Record<string, unknown>;

/**
 * Hover text of one run. Short on purpose (a full label per point would triple the JSON of a large
 * sweep); no hovertemplate, which the plugin drops as a template (src/plugin/report).
 */
function runText(r: IRunRow): string {
  return `run ${r.run}`;
}

/** Macro-F1 rounded to 1e-4 for plotting: far below what a plot shows, a third of the JSON. */
function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** Configuration label of a row or group: the parts that vary in the report. */
function configLabeller(
  items: readonly Pick<IRunRow, 'dataset' | 'model' | 'tuning'>[]
): (x: Pick<IRunRow, 'dataset' | 'model' | 'tuning'>) => string {
  const dims = (['dataset', 'model', 'tuning'] as const).filter(
    d => distinct(items.map(i => i[d])).length > 1
  );
  const use = dims.length > 0 ? dims : (['dataset'] as const);
  return x => use.map(d => x[d]).join(' / ');
}

/** All figures of a report (see FIGURE_IDS). Figures that would be empty are left out. */
export function buildFigures(
  stats: readonly IGroupStats[],
  runs: readonly IRunRow[]
): IFigureSpec[] {
  if (runs.length === 0 || stats.length === 0) {
    return [];
  }
  const strategies = distinct(stats.map(s => s.strategy));
  const color = (strategy: string) =>
    PALETTE[Math.max(0, strategies.indexOf(strategy)) % PALETTE.length];
  const figures = [
    distributionFigure(runs, strategies, color, 'violin'),
    distributionFigure(runs, strategies, color, 'box'),
    meanStdFigure(stats, strategies, color),
    costStdFigure(stats, strategies, color),
    perDatasetFigure(runs, strategies, color)
  ];
  return figures.filter((f): f is IFigureSpec => f !== null);
}

/**
 * Macro-F1 per strategy as violins (with the box, mean line and every run drawn inside) or as box
 * plots (mean and std marked). With several configurations, one trace per configuration, grouped.
 */
export function distributionFigure(
  runs: readonly IRunRow[],
  strategies: readonly string[],
  color: (strategy: string) => string,
  kind: 'violin' | 'box'
): IFigureSpec {
  const config = configLabeller(runs);
  const configs = distinct(runs.map(config));
  const style = (c: string): Trace =>
    kind === 'violin'
      ? {
          type: 'violin',
          // Kernel density stops at the data: no violin tail below 0 from a failed run.
          spanmode: 'hard',
          box: { visible: true },
          meanline: { visible: true },
          points: 'all',
          jitter: 0.3,
          line: { color: c },
          marker: { color: c, size: 4 }
        }
      : {
          type: 'box',
          boxmean: 'sd',
          boxpoints: 'all',
          jitter: 0.3,
          line: { color: c },
          marker: { color: c, size: 4 }
        };
  let data: Trace[];
  if (configs.length === 1) {
    data = strategies
      .map(strategy => {
        const own = runs.filter(r => r.strategy === strategy);
        return {
          ...style(color(strategy)),
          name: strategy,
          x: own.map(r => r.strategy),
          y: own.map(r => round(r.macroF1)),
          text: own.map(runText),
          hoverinfo: 'y+text+name'
        };
      })
      .filter(t => t.y.length > 0);
  } else {
    const palette = (i: number) => PALETTE[i % PALETTE.length];
    data = configs.map((c, i) => {
      const own = runs.filter(r => config(r) === c);
      return {
        ...style(palette(i)),
        name: c,
        x: own.map(r => r.strategy),
        y: own.map(r => round(r.macroF1)),
        text: own.map(runText),
        hoverinfo: 'y+text+name'
      };
    });
  }
  const title = `Macro-F1 per strategy (${kind === 'violin' ? 'violin and box' : 'box, mean and std'})`;
  return {
    id: kind === 'violin' ? 'f1-violin' : 'f1-box',
    title,
    data,
    layout: {
      title: { text: title },
      xaxis: {
        title: { text: 'strategy' },
        type: 'category',
        categoryorder: 'array',
        categoryarray: [...strategies]
      },
      yaxis: { title: { text: F1_AXIS }, zeroline: false },
      ...(kind === 'violin' ? { violinmode: 'group' } : { boxmode: 'group' }),
      showlegend: true
    }
  };
}

/** Mean against std of every group, one trace per strategy, bootstrap intervals as error bars. */
export function meanStdFigure(
  stats: readonly IGroupStats[],
  strategies: readonly string[],
  color: (strategy: string) => string
): IFigureSpec {
  const config = configLabeller(stats);
  const data = strategies.map(strategy => {
    const own = stats.filter(s => s.strategy === strategy);
    return {
      type: 'scatter',
      mode: 'markers',
      name: strategy,
      x: own.map(s => s.mean),
      y: own.map(s => s.std),
      text: own.map(s => `${strategy} - ${config(s)} (${s.runs} runs)`),
      hoverinfo: 'x+y+text',
      marker: { color: color(strategy), size: 9 },
      error_x: {
        type: 'data',
        symmetric: false,
        array: own.map(s => s.meanCI[1] - s.mean),
        arrayminus: own.map(s => s.mean - s.meanCI[0]),
        thickness: 1
      },
      error_y: {
        type: 'data',
        symmetric: false,
        array: own.map(s => s.stdCI[1] - s.std),
        arrayminus: own.map(s => s.std - s.stdCI[0]),
        thickness: 1
      }
    };
  });
  const title = 'Mean against std of macro-F1 (bootstrap intervals)';
  return {
    id: 'mean-std',
    title,
    data,
    layout: {
      title: { text: title },
      xaxis: { title: { text: `mean ${F1_AXIS} (higher is better)` } },
      yaxis: {
        title: { text: 'std over runs (lower is better)' },
        rangemode: 'tozero'
      },
      showlegend: true
    }
  };
}

/**
 * Std against relative cost (model-steps over default's), one trace per strategy, plus the
 * efficiency frontier: the strategies (averaged over configurations) that no cheaper strategy beats
 * on std. Without a default group the x axis is absolute model-steps.
 */
export function costStdFigure(
  stats: readonly IGroupStats[],
  strategies: readonly string[],
  color: (strategy: string) => string
): IFigureSpec | null {
  const relative = stats.some(s => s.costVsDefault !== undefined);
  const xOf = (s: IGroupStats) => (relative ? s.costVsDefault : s.modelSteps);
  const usable = stats.filter(s => {
    const x = xOf(s);
    return x !== undefined && x > 0;
  });
  if (usable.length === 0) {
    return null;
  }
  const config = configLabeller(usable);
  const data: Trace[] = [];
  const points: { strategy: string; x: number; y: number }[] = [];
  for (const strategy of strategies) {
    const own = usable.filter(s => s.strategy === strategy);
    if (own.length === 0) {
      continue;
    }
    const xs = own.map(s => xOf(s) as number);
    const ys = own.map(s => s.std);
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: strategy,
      x: xs,
      y: ys,
      text: own.map(s => `${strategy} - ${config(s)}`),
      hoverinfo: 'x+y+text',
      marker: { color: color(strategy), size: 9 }
    });
    points.push({
      strategy,
      x: xs.reduce((a, b) => a + b, 0) / xs.length,
      y: ys.reduce((a, b) => a + b, 0) / ys.length
    });
  }
  const frontier = paretoFrontier(points);
  data.push({
    type: 'scatter',
    mode: 'lines+markers',
    name: 'efficiency frontier',
    x: frontier.map(p => p.x),
    y: frontier.map(p => p.y),
    text: frontier.map(p => p.strategy),
    hoverinfo: 'x+y+text',
    line: { dash: 'dash', color: '#7f7f7f' },
    marker: { symbol: 'diamond-open', size: 12, color: '#7f7f7f' }
  });
  const title = 'Std of macro-F1 against training cost (efficiency frontier)';
  return {
    id: 'cost-std',
    title,
    data,
    layout: {
      title: { text: title },
      xaxis: {
        title: {
          text: relative
            ? 'model-steps relative to default (log)'
            : 'model-steps (log)'
        },
        type: 'log'
      },
      yaxis: {
        title: { text: 'std over runs (lower is better)' },
        rangemode: 'tozero'
      },
      showlegend: true
    }
  };
}

/**
 * Points not dominated by a cheaper-or-equal point with lower-or-equal std (strictly better in
 * one), sorted by cost: the lower-left staircase of the cost/std plane.
 */
export function paretoFrontier<T extends { x: number; y: number }>(
  points: readonly T[]
): T[] {
  const sorted = [...points].sort((a, b) => a.x - b.x || a.y - b.y);
  const out: T[] = [];
  let bestY = Infinity;
  for (const p of sorted) {
    if (p.y < bestY) {
      out.push(p);
      bestY = p.y;
    }
  }
  return out;
}

/**
 * Small multiples: one panel per data set, box plots of macro-F1 per strategy; with several
 * model/tuning combinations the boxes of a strategy are grouped by combination along the x axis.
 */
export function perDatasetFigure(
  runs: readonly IRunRow[],
  strategies: readonly string[],
  color: (strategy: string) => string
): IFigureSpec {
  const datasets = distinct(runs.map(r => r.dataset));
  const manyModels = distinct(runs.map(x => x.model)).length > 1;
  const manyTunings = distinct(runs.map(x => x.tuning)).length > 1;
  const combo = (r: IRunRow) =>
    [...(manyModels ? [r.model] : []), ...(manyTunings ? [r.tuning] : [])].join(
      ' / '
    );
  const grouped = runs.some(r => combo(r) !== '');
  const columns = Math.min(3, datasets.length);
  const rows = Math.ceil(datasets.length / columns);
  const data: Trace[] = [];
  const layout: Record<string, unknown> = {
    // A 1 x 1 grid is refused by plotly.validate ("did not get coerced"): only add it when needed.
    ...(datasets.length > 1
      ? { grid: { rows, columns, pattern: 'independent' } }
      : {}),
    boxmode: 'group',
    showlegend: true
  };
  datasets.forEach((dataset, i) => {
    const suffix = i === 0 ? '' : String(i + 1);
    for (const strategy of strategies) {
      const own = runs.filter(
        r => r.dataset === dataset && r.strategy === strategy
      );
      if (own.length === 0) {
        continue;
      }
      data.push({
        type: 'box',
        name: strategy,
        legendgroup: strategy,
        showlegend: !data.some(t => t.legendgroup === strategy),
        ...(grouped ? { x: own.map(combo) } : {}),
        y: own.map(r => round(r.macroF1)),
        text: own.map(runText),
        hoverinfo: 'y+text+name',
        boxpoints: 'all',
        jitter: 0.3,
        marker: { color: color(strategy), size: 3 },
        line: { color: color(strategy) },
        xaxis: `x${suffix}`,
        yaxis: `y${suffix}`
      });
    }
    layout[`xaxis${suffix}`] = { title: { text: dataset }, type: 'category' };
    layout[`yaxis${suffix}`] =
      i % columns === 0 ? { title: { text: F1_AXIS } } : {};
  });
  const title = 'Macro-F1 per data set';
  layout.title = { text: title };
  layout.height = Math.max(360, 320 * rows);
  return { id: 'per-dataset', title, data, layout };
}
