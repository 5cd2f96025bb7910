/**
 * Reads the answer of `%deni plan` into a cost estimate for the whole sweep. The kernel lists
 * model-steps per run per strategy (as JSON when it offers it, else in its text: one
 * `strategy <name>` block per strategy ending in `cost: <n> model-steps`); the sweep multiplies
 * that by runs and by the data set x model x tuning configurations. When neither can be read,
 * the kernel's text is shown as it is.
 */
import type { IQuietResult } from './deni-kernel';
import { strategyNames } from './deni-kernel';

/** Cost of one strategy, per run. */
export interface IPlanRow {
  strategy: string;
  modelSteps: number;
}

/** Estimate of the whole sweep. */
export interface IPlanEstimate {
  rows: IPlanRow[];
  /** data sets x models x tuning methods. */
  configurations: number;
  runs: number;
  /** Σ rows.modelSteps x runs x configurations. */
  totalModelSteps: number;
}

/** What the widget shows: a structured estimate (with the kernel's text), or only the text. */
export type PlanAnswer =
  | { kind: 'estimate'; estimate: IPlanEstimate; text: string }
  | { kind: 'text'; text: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toRow(entry: unknown): IPlanRow | null {
  if (!isRecord(entry)) {
    return null;
  }
  const name = entry.strategy ?? entry.name;
  const cost = isRecord(entry.cost) ? entry.cost : entry;
  const steps = cost.modelSteps ?? cost.totalModelSteps;
  if (
    typeof name !== 'string' ||
    typeof steps !== 'number' ||
    !Number.isFinite(steps)
  ) {
    return null;
  }
  return { strategy: name, modelSteps: steps };
}

/** Plan rows found in a JSON answer (an array, or an object holding one), or null. */
export function planRows(json: unknown): IPlanRow[] | null {
  let list: unknown = json;
  if (isRecord(json)) {
    list = json.strategies ?? json.plans ?? json.rows ?? json.plan;
  }
  if (!Array.isArray(list)) {
    const single = toRow(json);
    return single ? [single] : null;
  }
  const rows = list.map(toRow);
  return rows.length > 0 && rows.every((r): r is IPlanRow => r !== null)
    ? rows
    : null;
}

/** Plan rows from the kernel's text (`strategy <name>...` then `cost: <n> model-steps`), or null. */
export function planRowsFromText(text: string): IPlanRow[] | null {
  const rows: IPlanRow[] = [];
  let current: string | null = null;
  for (const line of text.split(/\r?\n/)) {
    const head = /^strategy\s+([A-Za-z0-9_-]+)/.exec(line);
    if (head) {
      current = head[1];
      continue;
    }
    const cost = /^cost:\s*([\d,]+)\s+model-steps/.exec(line);
    if (cost && current) {
      rows.push({
        strategy: current,
        modelSteps: Number(cost[1].replace(/,/g, ''))
      });
      current = null;
    }
  }
  return rows.length ? rows : null;
}

function count(value: unknown): number {
  return Array.isArray(value) ? Math.max(1, value.length) : 1;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Turn a quiet execution of `%deni plan` into what the widget shows. */
export function readPlanAnswer(
  result: IQuietResult,
  spec: Record<string, unknown>
): PlanAnswer {
  if (result.error) {
    return {
      kind: 'text',
      text: `The kernel could not plan this sweep: ${result.error}`
    };
  }
  const text = [
    ...result.bundles.map(b =>
      typeof b['text/plain'] === 'string' ? b['text/plain'] : ''
    ),
    result.stream
  ]
    .join('\n')
    .trim();
  const candidates: (IPlanRow[] | null)[] = [];
  for (const bundle of result.bundles) {
    if (bundle['application/json'] !== undefined) {
      candidates.push(planRows(bundle['application/json']));
    }
    if (typeof bundle['text/plain'] === 'string') {
      candidates.push(planRows(tryJson(bundle['text/plain'])));
    }
  }
  candidates.push(planRows(tryJson(result.stream)), planRowsFromText(text));
  for (const rows of candidates) {
    if (rows) {
      const wanted = new Set(strategyNames(spec));
      const picked = rows.filter(
        r => wanted.size === 0 || wanted.has(r.strategy)
      );
      const runs = typeof spec.runs === 'number' ? spec.runs : 1;
      const configurations =
        count(spec.dataset) * count(spec.model) * count(spec.tuning);
      const perRun = picked.reduce((sum, r) => sum + r.modelSteps, 0);
      return {
        kind: 'estimate',
        estimate: {
          rows: picked,
          configurations,
          runs,
          totalModelSteps: perRun * runs * configurations
        },
        text
      };
    }
  }
  return { kind: 'text', text: text || 'The kernel returned no plan.' };
}
