import {
  resolveBackend,
  type BackendResolver,
  type IResolvedBackend
} from '../backend/resolve';
import type { ConcreteBackendName } from '../contract/backends';
import { defaultWorkerCount } from '../sweep/local-executor';
import { dataRegistryDefaults } from '../sweep/run-sweep';
import { expandSweep } from '../sweep/expand';
import { datasetLabel, strategyLabel } from '../contract/labels';
import { normalizeSweepSpec } from '../sweep/spec';
import type { IRunSpec, ISweepSpec } from '../contract/types';
import {
  estimateSweepSeconds,
  type IRunWork,
  type IWallEstimate
} from './estimate';
import type { IStepTime, IStepTimeRequest } from './measure';
import { effectiveLengths, type IEffectiveLengths } from './seq-lengths';
import { stepTime, type IStepTimeEntry } from './step-time';

/** A configuration's (dataset, model, tuning, strategy) planned work and time per run. */
export interface IGroupEstimate {
  label: string;
  strategy: string;
  runs: number;
  modelSteps: number;
  testForwardPasses: number;
  secondsPerRun: number;
}

/** The sweep's expected wall time on this machine, and what it rests on. */
export interface ISweepEstimate extends IWallEstimate {
  /** Runs the estimate covers (every run of the spec; stored ones are not subtracted). */
  runs: number;
  groups: IGroupEstimate[];
  /** The step-time measurements used, one per (model, tuning, lengths). */
  stepTimes: IStepTimeEntry[];
  lengths: Record<string, IEffectiveLengths>;
  /** The back-end the runs are priced on (what the spec's `auto` became). */
  backend: IResolvedBackend;
}

/** Options of estimateSweep. */
export interface IEstimateOptions {
  /** Worker processes (default: the spec's executor, else one per core). */
  workers?: number;
  /** Measure step times that are not cached (default true); false: undefined when one is missing. */
  measure?: boolean;
  /** Measure again even when cached. */
  refresh?: boolean;
  /** Step-time cache file (tests). */
  cacheFile?: string;
  log?: (line: string) => void;
  /**
   * The concrete back-end the spec's `auto` stands for, when it is already known (a stored
   * sweep's runs say which back-end computed them); otherwise `resolveBackend` decides it.
   */
  backend?: ConcreteBackendName;
  /**
   * What decides `auto` (default resolveBackend: what `auto` picks on this machine, the same
   * decision runSweep makes, so the plan prices the runs the sweep will key and run).
   */
  resolveBackend?: BackendResolver;
}

/** Models whose trainable state a run creates: its members, plus each member's copies. */
function modelsOf(plan: {
  members: number;
  events: { kind: string; models?: number }[];
}): number {
  const copies = plan.events
    .filter(e => e.kind === 'copies')
    .reduce((n, e) => n + (e.models ?? 0), 0);
  return plan.members * (1 + copies);
}

/**
 * Expected wall time of a sweep on this machine, before anything trains: every run's plan (model-
 * steps, test forward passes, models created) priced with the step time measured for its model,
 * back-end (`auto` resolved as runSweep resolves it), tuning method, batch and effective sequence lengths on this machine with the sweep's
 * workers sharing the cores (cached per machine and version; measured here once when missing),
 * and the runs laid out on the workers as the local executor hands them out.
 * Undefined when `measure` is false and a measurement is missing.
 */
export async function estimateSweep(
  input: ISweepSpec,
  options: IEstimateOptions = {}
): Promise<ISweepEstimate | undefined> {
  const spec = normalizeSweepSpec(input);
  const backend: IResolvedBackend =
    options.backend && spec.backend === 'auto'
      ? {
          requested: 'auto',
          name: options.backend,
          reason: `${options.backend}, the back-end its runs ran on`
        }
      : await (options.resolveBackend ?? resolveBackend)(spec.backend);
  const runs = expandSweep(spec, {
    ...(await dataRegistryDefaults()),
    backend: backend.name
  });
  const workers =
    options.workers ?? spec.executor.workers ?? defaultWorkerCount();
  const { getStrategy } = await import('../strategies');
  const lengths = new Map<string, IEffectiveLengths>();
  const timeIndex = new Map<string, number>();
  const entries: IStepTimeEntry[] = [];
  const work: IRunWork[] = [];
  const groups = new Map<string, IGroupEstimate>();
  for (const run of runs) {
    const lkey = JSON.stringify([run.dataset, run.model, run.budget]);
    let len = lengths.get(lkey);
    if (!len) {
      len = await effectiveLengths({
        dataset: run.dataset,
        model: run.model,
        maxLength: run.budget.maxLength,
        samples: run.budget.samples,
        testSamples: run.budget.testSamples,
        batchSize: run.budget.batchSize,
        seed: spec.seed
      });
      lengths.set(lkey, len);
    }
    const req: IStepTimeRequest = {
      model: run.model,
      backend: run.backend,
      tuning: run.tuning,
      batchSize: run.budget.batchSize,
      seqLen: Math.ceil(len.train),
      evalSeqLen: Math.ceil(len.eval)
    };
    const tkey = JSON.stringify(req);
    let timing = timeIndex.get(tkey);
    if (timing === undefined) {
      const entry = await stepTime(req, {
        workers,
        measure: options.measure,
        refresh: options.refresh,
        file: options.cacheFile,
        log: options.log
      });
      if (!entry) {
        return undefined;
      }
      timing = entries.length;
      entries.push(entry);
      timeIndex.set(tkey, timing);
    }
    const plan = getStrategy(run.strategy.name).plan({
      samples: run.budget.samples,
      epochs: run.budget.epochs,
      batchSize: run.budget.batchSize,
      testSamples: len.testSize,
      poolSamples: len.poolSamples,
      params: run.strategy.params
    });
    const w: IRunWork = {
      label: groupLabel(run),
      modelSteps: plan.cost.modelSteps,
      testForwardPasses: plan.cost.testForwardPasses ?? 0,
      models: modelsOf(plan),
      timing
    };
    work.push(w);
  }
  const times: IStepTime[] = entries.map(e => e.time);
  const wall = estimateSweepSeconds(work, times, workers);
  work.forEach((w, i) => {
    const g = groups.get(w.label) ?? {
      label: w.label,
      strategy: w.label.split(' / ').pop() ?? '',
      runs: 0,
      modelSteps: w.modelSteps,
      testForwardPasses: w.testForwardPasses,
      secondsPerRun: wall.perRun[i]
    };
    g.runs++;
    groups.set(w.label, g);
  });
  return {
    ...wall,
    runs: runs.length,
    groups: [...groups.values()],
    stepTimes: entries,
    backend,
    lengths: Object.fromEntries(
      [...lengths.entries()].map(([k, v]) => {
        const [d, m] = JSON.parse(k) as [IRunSpec['dataset'], string];
        return [`${datasetLabel(d)} / ${m}`, v];
      })
    )
  };
}

function groupLabel(run: IRunSpec): string {
  return `${datasetLabel(run.dataset)} / ${run.model} / ${run.tuning} / ${strategyLabel(run.strategy)}`;
}
