import {
  describeResolvedBackend,
  resolveBackend,
  type BackendResolver,
  type IResolvedBackend
} from '../backend/resolve';
import type { ISweepSpec } from '../contract/types';
import { normalizeSweepSpec } from '../sweep/spec';
import { NORMAL_MODEL, type ScoreModel } from '../report/power';
import {
  answerPowerQuestion,
  formatEstimate,
  formatPowerAnswer,
  planWarnings,
  type IPowerAnswer,
  type IPowerQuestion
} from './study-plan';
import { estimateSweep, type ISweepEstimate } from './sweep-estimate';

/** What `deni plan` / `%deni plan` ask beyond one strategy's schedule. */
export interface IStudyPlanRequest {
  /** The sweep to plan (its runs, strategies, budget, workers). */
  spec?: ISweepSpec;
  /** The power question. */
  question?: IPowerQuestion;
  /** Score model (a pilot's); default the normal assumption. */
  scores?: ScoreModel;
  /** Workers (default: the spec's, else one per core). */
  workers?: number;
  /** Measure step times missing from the cache (default true). */
  measure?: boolean;
  refresh?: boolean;
  cacheFile?: string;
  log?: (line: string) => void;
  /** What decides the spec's `auto` (default resolveBackend, as runSweep). */
  resolveBackend?: BackendResolver;
}

/** Runs needed, expected time and warnings of a study. */
export interface IStudyPlan {
  power?: IPowerAnswer;
  estimate?: ISweepEstimate;
  /** Why there is no estimate (e.g. not measured yet and measuring was not allowed). */
  estimateMissing?: string;
  /** The back-end the spec's runs would be keyed by and run on here (what `auto` became). */
  backend?: IResolvedBackend;
  warnings: string[];
}

/**
 * Plans a study: the runs its power question needs (against the spec's runs when a spec is given)
 * and the spec's expected wall time on this machine. Nothing trains; a step-time measurement
 * (seconds) runs only when none is cached and `measure` allows it.
 */
export async function planStudy(req: IStudyPlanRequest): Promise<IStudyPlan> {
  const out: IStudyPlan = { warnings: [] };
  if (req.question) {
    out.power = answerPowerQuestion(
      req.question,
      req.scores ?? NORMAL_MODEL,
      req.spec?.runs
    );
  }
  if (req.spec) {
    // Decided once, as runSweep decides it: the plan prices the runs the sweep would run here.
    const backend = await (req.resolveBackend ?? resolveBackend)(
      normalizeSweepSpec(req.spec).backend
    );
    out.backend = backend;
    const est = await estimateSweep(req.spec, {
      workers: req.workers,
      measure: req.measure,
      refresh: req.refresh,
      cacheFile: req.cacheFile,
      log: req.log,
      resolveBackend: () => Promise.resolve(backend)
    });
    if (est) {
      out.estimate = est;
    } else {
      out.estimateMissing =
        'step time not measured on this machine yet (run `deni plan --spec` once to measure it)';
    }
  }
  out.warnings = planWarnings(out.power, req.spec);
  return out;
}

/** The study plan as text (`deni plan`, `%deni plan`). */
export function formatStudyPlan(plan: IStudyPlan): string {
  const parts: string[] = [];
  if (plan.power) {
    parts.push(formatPowerAnswer(plan.power));
  }
  if (plan.backend?.requested === 'auto') {
    parts.push(describeResolvedBackend(plan.backend));
  }
  if (plan.estimate) {
    parts.push(formatEstimate(plan.estimate));
  } else if (plan.estimateMissing) {
    parts.push(`expected wall time: unknown - ${plan.estimateMissing}`);
  }
  for (const w of plan.warnings) {
    parts.push(`warning: ${w}`);
  }
  return parts.join('\n');
}
