import { FACTORS } from '../random';
import { datasetLabel } from '../contract/labels';
import { canonicalJson } from './run-key';
import type { IRunResult, RandomFactor } from '../contract/types';

/** One run in the paper's long format: one row per run, everything a table or a plot groups by. */
export interface ILongRow {
  sweep: string;
  dataset: string;
  model: string;
  tuning: string;
  strategy: string;
  /** Strategy overrides as canonical JSON (`{}` when none). */
  strategy_params: string;
  run: number;
  seed_split: number;
  seed_labels: number;
  seed_order: number;
  seed_init: number;
  seed_dropout: number;
  seed_noise: number;
  seed_augment: number;
  macro_f1: number;
  accuracy: number;
  model_steps: number;
  test_forward_passes: number;
  wall_seconds: number;
  peak_tensor_bytes: number;
  peak_rss_bytes: number;
  backend: string;
  key: string;
}

/** Column order of CSV/JSON exports. */
export const LONG_COLUMNS: readonly (keyof ILongRow)[] = [
  'sweep',
  'dataset',
  'model',
  'tuning',
  'strategy',
  'strategy_params',
  'run',
  ...FACTORS.map(f => `seed_${f}` as `seed_${RandomFactor}`),
  'macro_f1',
  'accuracy',
  'model_steps',
  'test_forward_passes',
  'wall_seconds',
  'peak_tensor_bytes',
  'peak_rss_bytes',
  'backend',
  'key'
];

/** Results as long-format rows, in the order given. */
export function toLongRows(results: IRunResult[]): ILongRow[] {
  return results.map(r => {
    const s = r.spec;
    const row = {
      sweep: s.sweep,
      dataset: datasetLabel(s.dataset),
      model: s.model,
      tuning: s.tuning,
      strategy: s.strategy.name,
      strategy_params: canonicalJson(s.strategy.params ?? {}),
      run: s.run,
      macro_f1: r.macroF1,
      accuracy: r.accuracy,
      model_steps: r.cost.modelSteps,
      test_forward_passes: r.cost.testForwardPasses,
      wall_seconds: r.cost.wallSeconds,
      peak_tensor_bytes: r.cost.peakTensorBytes,
      peak_rss_bytes: r.cost.peakRssBytes,
      backend: r.backend,
      key: r.key
    } as ILongRow;
    for (const f of FACTORS) {
      (row as unknown as Record<string, number>)[`seed_${f}`] = s.seeds[f];
    }
    return row;
  });
}

function csvCell(value: unknown): string {
  const text = typeof value === 'number' ? String(value) : String(value ?? '');
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV (header + one line per run, `\n` line ends). Numbers keep full precision. */
export function toCsv(rows: ILongRow[]): string {
  const lines = [LONG_COLUMNS.join(',')];
  for (const row of rows) {
    lines.push(LONG_COLUMNS.map(c => csvCell(row[c])).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** JSON array of long-format rows (keys in LONG_COLUMNS order), pretty-printed. */
export function toJson(rows: ILongRow[]): string {
  const ordered = rows.map(row =>
    Object.fromEntries(LONG_COLUMNS.map(c => [c, row[c]]))
  );
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/** Export formats of `deni export`. */
export type ExportFormat = 'csv' | 'json';

/** Results of a sweep, exported in the paper's long format. */
export function exportResults(
  results: IRunResult[],
  format: ExportFormat
): string {
  const rows = toLongRows(results);
  return format === 'csv' ? toCsv(rows) : toJson(rows);
}
