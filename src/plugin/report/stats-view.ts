/** Per-group statistics (the numbers behind the paper-style table), folded away by default. */
import type { IGroupStats, IPlainTable } from '../../deni/report/types';
import { el, fmt, fmtP } from './dom';

const COLUMNS: [string, (s: IGroupStats) => string][] = [
  ['Data set', s => s.dataset],
  ['Model', s => s.model],
  ['Tuning', s => s.tuning],
  ['Strategy', s => s.strategy],
  ['Runs', s => String(s.runs)],
  ['Mean', s => fmt(s.mean)],
  ['Std', s => fmt(s.std)],
  ['Min', s => fmt(s.min)],
  ['Max', s => fmt(s.max)],
  ['Failed', s => String(s.failed)],
  ['Mean 95% CI', s => `${fmt(s.meanCI[0])} \u2013 ${fmt(s.meanCI[1])}`],
  ['Std 95% CI', s => `${fmt(s.stdCI[0])} \u2013 ${fmt(s.stdCI[1])}`],
  ['p (variance)', s => fmtP(s.varianceP)],
  ['p (mean)', s => fmtP(s.meanP)],
  ['Cost vs default', s => fmt(s.costVsDefault)],
  ['Cost vs ensemble', s => fmt(s.costVsEnsemble)],
  ['Wall time (s)', s => fmt(s.wallSeconds, 1)]
];

/** A `<details>` block with one row per group; null when there are no statistics. */
export function statsNode(stats: IGroupStats[]): HTMLElement | null {
  if (stats.length === 0) {
    return null;
  }
  const head = el(
    'tr',
    {},
    COLUMNS.map(([label]) => el('th', { text: label, attrs: { scope: 'col' } }))
  );
  const rows = stats.map(s =>
    el(
      'tr',
      {},
      COLUMNS.map(([, get]) => el('td', { text: get(s) }))
    )
  );
  return el('details', { className: 'jp-deni-stats' }, [
    el('summary', { text: `Statistics per group (${stats.length})` }),
    el('div', { className: 'jp-deni-table-scroll' }, [
      el('table', { className: 'jp-deni-table jp-deni-stats-table' }, [
        el('thead', {}, [head]),
        el('tbody', {}, rows)
      ])
    ]),
    el('div', {
      className: 'jp-deni-legend',
      text: 'Std is the population std (ddof 0), as in the paper. p-values test against the default strategy (Brown-Forsythe for variance, Welch for means). Cost is mean model-steps relative to default and to ensemble.'
    })
  ]);
}

function plainCell(
  value: string | number | null,
  digits: number | undefined
): string {
  if (value === null) {
    return '';
  }
  if (typeof value === 'number') {
    return digits === undefined ? String(value) : fmt(value, digits);
  }
  return value;
}

/**
 * The report module's plain tables (statistics, cost, per-run), each folded in a `<details>`;
 * the per-run table can be long, so nothing is open by default.
 */
export function plainTableNode(table: IPlainTable): HTMLElement {
  const head = el(
    'tr',
    {},
    table.columns.map(c => el('th', { text: c.label, attrs: { scope: 'col' } }))
  );
  const rows = table.rows.map(row =>
    el(
      'tr',
      {},
      table.columns.map((c, i) =>
        el('td', {
          text: plainCell(row[i] ?? null, c.digits),
          className: c.align === 'left' ? 'jp-deni-align-left' : undefined
        })
      )
    )
  );
  return el(
    'details',
    { className: 'jp-deni-stats', attrs: { 'data-table-id': table.id } },
    [
      el('summary', { text: `${table.title} (${table.rows.length} rows)` }),
      el('div', { className: 'jp-deni-table-scroll' }, [
        el('table', { className: 'jp-deni-table jp-deni-plain-table' }, [
          el('thead', {}, [head]),
          el('tbody', {}, rows)
        ])
      ])
    ]
  );
}
