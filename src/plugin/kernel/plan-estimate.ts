/**
 * Reads the answer of `%deni plan --json` (the engine's IPlanAnswer, application/json) into a
 * cost estimate for the whole sweep: model-steps per run per strategy, times runs and the data
 * set x model x tuning configurations. Without a readable answer the kernel's text is shown as
 * it is.
 */
import type {
  IPlanAnswer,
  IPlanEntry
} from '../../deni/contract/strategy-plan';
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

/** Whether a value received from the kernel is one plan entry (the fields the estimate reads). */
function isPlanEntry(value: unknown): value is IPlanEntry {
  return (
    isRecord(value) &&
    typeof value.strategy === 'string' &&
    isRecord(value.cost) &&
    typeof value.cost.modelSteps === 'number' &&
    Number.isFinite(value.cost.modelSteps)
  );
}

/** The kernel's answer, when a value is one (checked: it crossed a process boundary). */
export function asPlanAnswer(value: unknown): IPlanAnswer | null {
  return isRecord(value) &&
    Array.isArray(value.plans) &&
    value.plans.length > 0 &&
    value.plans.every(isPlanEntry)
    ? (value as unknown as IPlanAnswer)
    : null;
}

function count(value: unknown): number {
  return Array.isArray(value) ? Math.max(1, value.length) : 1;
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
  const answer = result.bundles
    .map(b => asPlanAnswer(b['application/json']))
    .find(a => a !== null);
  if (answer) {
    const wanted = new Set(strategyNames(spec));
    const picked: IPlanRow[] = answer.plans
      .filter(p => wanted.size === 0 || wanted.has(p.strategy))
      .map(p => ({ strategy: p.strategy, modelSteps: p.cost.modelSteps }));
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
  return { kind: 'text', text: text || 'The kernel returned no plan.' };
}
