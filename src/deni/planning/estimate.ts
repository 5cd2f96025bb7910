import type { IStepTime } from './measure';

/** What one run does, in the units a step-time measurement prices. */
export interface IRunWork {
  /** Label for tables (e.g. `sst2 / minilm-l6 / full / deni(K=3)`). */
  label: string;
  /** Optimiser steps summed over every model the run trains (the plan's model-steps). */
  modelSteps: number;
  /** Test forward passes (test samples x models predicting). */
  testForwardPasses: number;
  /** Models whose trainable state the run creates (ensemble members, DENI's copies). */
  models: number;
  /** Which measurement prices it (index into the step times handed to estimateSweepSeconds). */
  timing: number;
}

/** Seconds one run takes on one worker. */
export function runSeconds(work: IRunWork, time: IStepTime): number {
  return (
    work.modelSteps * time.stepSeconds +
    work.testForwardPasses * time.evalSecondsPerSample +
    work.models * time.modelSetupSeconds
  );
}

/** Expected wall time of a sweep. */
export interface IWallEstimate {
  /** Wall seconds from the first worker's start to the last run's end. */
  seconds: number;
  /** Seconds of all runs added up (one worker's worth of work). */
  workSeconds: number;
  workers: number;
  /** Seconds per run, in the order given. */
  perRun: number[];
}

/**
 * Wall time of runs on `workers` processes the way the local executor hands them out: in order,
 * each to the first worker that is free; every worker first starts its back-end and loads the
 * checkpoint (startupSeconds of the first measurement it uses).
 */
export function estimateSweepSeconds(
  runs: readonly IRunWork[],
  times: readonly IStepTime[],
  workers: number
): IWallEstimate {
  if (!Number.isInteger(workers) || workers < 1) {
    throw new RangeError(`workers must be an integer >= 1, got ${workers}`);
  }
  const perRun = runs.map(r => {
    const t = times[r.timing];
    if (!t) {
      throw new RangeError(
        `run ${r.label}: no step time ${r.timing} (have ${times.length})`
      );
    }
    return runSeconds(r, t);
  });
  const startup = times.length > 0 ? times[0].startupSeconds : 0;
  const used = Math.min(workers, Math.max(1, runs.length));
  const free = Array.from({ length: used }, () => startup);
  for (const s of perRun) {
    let w = 0;
    for (let i = 1; i < free.length; i++) {
      if (free[i] < free[w]) {
        w = i;
      }
    }
    free[w] += s;
  }
  return {
    seconds: runs.length > 0 ? Math.max(...free) : 0,
    workSeconds: perRun.reduce((a, b) => a + b, 0),
    workers,
    perRun
  };
}

/**
 * Wall seconds the runs of a finished sweep took: the union of their [startedAt, finishedAt]
 * intervals, so the pause between an interrupted execution and its resumption is not counted.
 * Undefined when no run has both times.
 */
export function measuredWallSeconds(
  runs: readonly { startedAt?: string; finishedAt?: string }[]
): number | undefined {
  const spans = runs
    .map(r => [Date.parse(r.startedAt ?? ''), Date.parse(r.finishedAt ?? '')])
    .filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b) && b >= a)
    .sort((x, y) => x[0] - y[0]);
  if (spans.length === 0) {
    return undefined;
  }
  let total = 0;
  let [start, end] = spans[0];
  for (const [a, b] of spans.slice(1)) {
    if (a > end) {
      total += end - start;
      start = a;
      end = b;
    } else {
      end = Math.max(end, b);
    }
  }
  total += end - start;
  return total / 1000;
}
