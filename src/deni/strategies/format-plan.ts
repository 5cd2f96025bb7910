import { describeEvent } from './event-handlers';
import { listStrategies } from './registry';
import type { IPlan, IPlanConfig } from './types';

/** The text `deni plan` prints: settings, the event schedule, and the cost columns. */
export function formatPlan(plan: IPlan, description?: string): string {
  const lines: string[] = [];
  lines.push(
    `strategy ${plan.strategy}${description ? `: ${description}` : ''}`
  );
  const params = Object.entries(plan.params).map(([k, v]) => `${k}=${v}`);
  lines.push(`parameters: ${params.length ? params.join(' ') : '(none)'}`);
  const opt = plan.optimizer;
  lines.push(
    `training: ${plan.trainSamples} samples, batch ${plan.batchSize}, ${plan.epochs} epochs -> ` +
      `T = ${plan.totalSteps} optimiser steps per model` +
      (plan.members > 1 ? `, ${plan.members} independent members` : '')
  );
  lines.push(
    `optimiser: ${opt.kind === 'adamw' ? 'AdamW' : 'Adam'} (betas ${opt.beta1}/${opt.beta2}, eps ${opt.eps}, ` +
      `weight decay ${opt.weightDecay}); linear decay to 0, warm-up ${plan.warmupSteps} steps; ` +
      `head dropout ${plan.headDropout}; prediction: ${plan.prediction}`
  );
  for (const d of plan.details ?? []) {
    lines.push(d);
  }
  lines.push(
    'schedule (step = main-model optimiser step after which it happens):'
  );
  for (const e of plan.events) {
    lines.push(
      `  step ${String(e.step).padStart(6)}  ${e.kind.padEnd(14)}  ${describeEvent(e, plan.params)}`
    );
  }
  const c = plan.cost;
  lines.push(
    `cost: ${c.modelSteps} model-steps (${c.relativeToDefault.toFixed(2)} x default, ` +
      `${(100 * c.relativeToEnsemble).toFixed(1)} % of an ensemble of 10); ` +
      `${c.passesPerTestSample} forward pass(es) per test sample` +
      (c.testForwardPasses !== undefined
        ? ` = ${c.testForwardPasses} test forward passes`
        : '')
  );
  return lines.join('\n');
}

/** One row of the planned-cost comparison (PAPER.md's cost columns). */
export interface ICostRow {
  strategy: string;
  totalSteps: number;
  modelSteps: number;
  relativeToDefault: number;
  relativeToEnsemble: number;
  passesPerTestSample: number;
}

/**
 * Planned cost of every strategy for one budget, with paper defaults (all-data needs
 * `poolSamples`; without it, it is left out).
 */
export function planCostTable(
  config: Omit<IPlanConfig, 'params' | 'trainSamples'>
): ICostRow[] {
  const rows: ICostRow[] = [];
  for (const s of listStrategies()) {
    if (s.dataNeeds().allData && config.poolSamples === undefined) {
      continue;
    }
    const p = s.plan(config);
    rows.push({
      strategy: s.name,
      totalSteps: p.totalSteps,
      modelSteps: p.cost.modelSteps,
      relativeToDefault: p.cost.relativeToDefault,
      relativeToEnsemble: p.cost.relativeToEnsemble,
      passesPerTestSample: p.cost.passesPerTestSample
    });
  }
  return rows;
}

/** The planned-cost comparison as a text table. */
export function formatCostTable(rows: ICostRow[]): string {
  const head = [
    'strategy',
    'T',
    'model-steps',
    'x default',
    '% ensemble',
    'test passes/sample'
  ];
  const body = rows.map(r => [
    r.strategy,
    String(r.totalSteps),
    String(r.modelSteps),
    r.relativeToDefault.toFixed(2),
    (100 * r.relativeToEnsemble).toFixed(1),
    String(r.passesPerTestSample)
  ]);
  const widths = head.map((h, i) =>
    Math.max(h.length, ...body.map(b => b[i].length))
  );
  return [head, ...body]
    .map(cells =>
      cells
        .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
        .join('  ')
    )
    .join('\n');
}
