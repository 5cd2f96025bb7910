import {
  describeScoreModel,
  NORMAL_MODEL,
  pilotModel,
  POWER_DEFAULTS,
  runsNeeded,
  simulatePower,
  type IRunsNeeded,
  type ScoreModel
} from '../report/power';
import type { IRunResult, ISweepSpec } from '../contract/types';
import { formatDuration } from '../report/summary';
import type { ISweepEstimate } from './sweep-estimate';

/** The power question: which std ratio against default must the study detect, how surely. */
export interface IPowerQuestion {
  /** Strategy std / default std to detect (e.g. 0.5). */
  ratio: number;
  /** Target power (default 0.8). */
  power?: number;
  /** Two-sided alpha of Brown-Forsythe (default 0.05). */
  alpha?: number;
  /** Simulations per power estimate (default 2000). */
  simulations?: number;
  /** Largest runs per strategy searched (default 500). */
  maxRuns?: number;
  /** Seed of the simulation (default 0). */
  seed?: number;
}

/** Answer to the power question, and what the planned sweep's runs would achieve. */
export interface IPowerAnswer extends IRunsNeeded {
  /** Runs per strategy of the planned sweep, and the power they give (when a spec is planned). */
  plannedRuns?: number;
  plannedPower?: number;
}

/**
 * The score model of a pilot: its default-strategy runs, grouped per (dataset, model, tuning), as
 * pooled standardised residuals. Throws naming the sweep when it has no usable default runs.
 */
export function pilotFromResults(
  sweep: string,
  results: readonly IRunResult[]
): ScoreModel {
  const groups = new Map<string, number[]>();
  for (const r of results) {
    if (r.spec.strategy.name !== 'default' || r.spec.strategy.params) {
      continue;
    }
    const key = JSON.stringify([r.spec.dataset, r.spec.model, r.spec.tuning]);
    groups.set(key, [...(groups.get(key) ?? []), r.macroF1]);
  }
  if (groups.size === 0) {
    throw new RangeError(
      `pilot sweep ${JSON.stringify(sweep)} has no runs of the default strategy (the simulation resamples default's scores)`
    );
  }
  return pilotModel([...groups.values()], `sweep ${sweep}`);
}

/**
 * Runs per strategy needed for the question (see report/power.ts runsNeeded), with the power of
 * `plannedRuns` when a sweep is planned.
 */
export function answerPowerQuestion(
  q: IPowerQuestion,
  model: ScoreModel = NORMAL_MODEL,
  plannedRuns?: number
): IPowerAnswer {
  const settings = {
    power: q.power ?? POWER_DEFAULTS.power,
    alpha: q.alpha ?? POWER_DEFAULTS.alpha,
    simulations: q.simulations,
    maxRuns: q.maxRuns,
    seed: q.seed
  };
  const answer: IPowerAnswer = runsNeeded(q.ratio, model, settings);
  if (plannedRuns !== undefined && plannedRuns >= 2) {
    answer.plannedRuns = plannedRuns;
    answer.plannedPower = simulatePower(
      q.ratio,
      plannedRuns,
      plannedRuns,
      model,
      settings
    ).power;
  }
  return answer;
}

/** Warnings of a planned sweep: it cannot answer its question with the runs chosen. */
export function planWarnings(
  answer: IPowerAnswer | undefined,
  spec?: Pick<ISweepSpec, 'runs' | 'strategies'>
): string[] {
  const out: string[] = [];
  if (!answer || answer.plannedRuns === undefined) {
    return out;
  }
  const pct = (x: number) => `${Math.round(100 * x)} %`;
  if (answer.runs === null || answer.plannedRuns < answer.runs) {
    out.push(
      `${answer.plannedRuns} runs per strategy detect a std ratio of ${answer.ratio} with ${pct(answer.plannedPower ?? 0)} power, ` +
        `not ${pct(answer.targetPower)}: ` +
        (answer.runs === null
          ? `not even ${answer.maxRuns} runs would; ask about a larger difference.`
          : `the study needs ${answer.runs} runs per strategy (runs: ${answer.runs}).`)
    );
  }
  if (spec && !spec.strategies.some(s => s.name === 'default')) {
    out.push(
      'the sweep has no default strategy: the report compares every strategy against default, so there is nothing to compare.'
    );
  }
  return out;
}

/** The power answer as lines of text. */
export function formatPowerAnswer(a: IPowerAnswer): string {
  const lines: string[] = [];
  const pct = (x: number) => `${Math.round(100 * x)} %`;
  lines.push(
    a.runs === null
      ? `runs needed: more than ${a.maxRuns} per strategy to detect std / default = ${a.ratio} ` +
          `(power at ${a.maxRuns} runs: ${pct(a.power)})`
      : `runs needed: ${a.runs} per strategy (and for default) to detect std / default = ${a.ratio} ` +
          `with ${pct(a.targetPower)} power at alpha ${a.alpha} (simulated power at ${a.runs}: ${pct(a.power)})`
  );
  lines.push(
    `  test: Brown-Forsythe (the report's), ${a.simulations} simulated studies per n; ${a.assumption}`
  );
  if (a.plannedRuns !== undefined) {
    lines.push(
      `  planned: ${a.plannedRuns} runs per strategy -> power ${pct(a.plannedPower ?? 0)}`
    );
  }
  return lines.join('\n');
}

/** The wall-time estimate as lines of text. */
export function formatEstimate(e: ISweepEstimate): string {
  const lines: string[] = [];
  lines.push(
    `expected wall time on this machine: ${formatDuration(e.seconds)} for ${e.runs} runs on ` +
      `${e.workers} worker(s) (${formatDuration(e.workSeconds)} of runs in all)`
  );
  for (const g of e.groups) {
    lines.push(
      `  ${g.label}: ${g.runs} runs x ${formatDuration(g.secondsPerRun)} ` +
        `(${g.modelSteps} model-steps, ${g.testForwardPasses} test forward passes)`
    );
  }
  for (const s of e.stepTimes) {
    const t = s.time;
    lines.push(
      `  step time ${s.request.model} ${s.request.tuning} ${t.backend} batch ${s.request.batchSize} x ` +
        `${s.request.seqLen} tokens: ${(1000 * t.stepSeconds).toFixed(0)} ms/step, ` +
        `${(1000 * t.evalSecondsPerSample).toFixed(1)} ms/test sample, start ${t.startupSeconds.toFixed(1)} s ` +
        `(${s.workers} worker(s) x ${s.threads} thread(s); measured ${s.measuredAt} on ${s.machine.cpu}, ` +
        `${s.machine.cores} cores, v${s.machine.version})`
    );
  }
  return lines.join('\n');
}

export { describeScoreModel };
