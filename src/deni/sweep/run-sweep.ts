import os from 'node:os';
import type { IHubOptions } from '../hub';
import path from 'node:path';
import {
  resolveBackend,
  type BackendResolver,
  type IResolvedBackend
} from '../backend/resolve';
import { describeRun, expandSweep, type IExpandOptions } from './expand';
import { InlineExecutor, type IExecutor } from './executor';
import { resolveSweepInputs, type ISweepInputs } from './inputs';
import { LocalExecutor } from './local-executor';
import { RedisExecutor } from './redis-executor';
import { datasetLabel, strategyId } from '../contract/labels';
import { normalizeSweepSpec, SweepSpecError } from './spec';
import { checkSetup, sweepContent } from './setup-check';
import { checkStrategyParams } from './strategy-check';
import { ResultStore, type IRunFailure } from './store';
import type {
  IRunFailureInfo,
  IRunProgress,
  IRunResult,
  IRunSpec,
  ISweepProgress,
  ISweepSpec,
  RunOneFn
} from '../contract/types';

/** Options of runSweep. */
export interface IRunSweepOptions {
  /** Called on every change: runs started, progressed, stored, failed. */
  onProgress?: (progress: ISweepProgress) => void;
  /** Data warnings found before the runs start (empty texts, unlabelled rows), one line each. */
  onWarning?: (line: string) => void;
  /** Called for every result of the sweep as it becomes available (cached ones first). */
  onResult?: (result: IRunResult, info: { cached: boolean }) => void;
  /** Aborting stops dispatching; in-flight runs are cancelled (or stored if they finish first). */
  signal?: AbortSignal;
  /**
   * Run function executed in this process (InlineExecutor) instead of worker processes: for custom
   * trainers in library use and for tests. The kernel leaves it out: training then happens in
   * worker processes and never blocks the caller's event loop.
   */
  runOne?: RunOneFn;
  /** Module local workers load their run function from (default: the built-in trainer). */
  runnerModule?: string;
  /** An executor to use instead of the one the spec names. */
  executor?: IExecutor;
  /** Store path (overrides spec.store) or an open store (left open). */
  store?: string | ResultStore;
  /** Base folder for a relative store path; default process.cwd(). */
  cwd?: string;
  /** Overrides spec.executor.workers. */
  workers?: number;
  /** Grace period for in-flight runs after cancellation (local executor). */
  cancelGraceMs?: number;
  /** Passed to expandSweep; default: max lengths from the data registry (dataRegistryDefaults). */
  expand?: IExpandOptions;
  /** Minimum milliseconds between progress events caused by training steps alone. */
  progressIntervalMs?: number;
  /** Redis queue name (redis executor); default `deni`. */
  queue?: string;
  /**
   * Check strategy parameter overrides with the strategies before running (default: when the
   * built-in trainer runs, i.e. none of `runOne`, `runnerModule` and `executor` is given).
   */
  checkParams?: boolean;
  /**
   * Resolve and download the sweep's Hub data sets and models in this process before any run
   * starts, and key runs by their commits and checksums (default: when the built-in trainer runs,
   * as for checkParams). Local workers then run with HF_HUB_OFFLINE=1: they never download.
   */
  resolveInputs?: boolean;
  /** Hub settings for that resolution (endpoint, cache, token, progress; default the environment). */
  hub?: IHubOptions;
  /**
   * Turns the spec's `auto` into the concrete back-end its runs are keyed by and computed on
   * (default: resolveBackend, what `auto` picks on this machine, asked of a child process once per
   * process; also with an `executor`, whose workers run the built-in trainer, e.g. on Redis). With
   * a custom run function (`runOne`, `runnerModule`) and no resolver, an `auto` sweep's runs say
   * `auto`: that function picks its own back-end.
   */
  resolveBackend?: BackendResolver;
  /** Called once, before any run starts, with the sweep's back-end (what `auto` became). */
  onBackend?: (backend: IResolvedBackend) => void;
}

/** What runSweep returns. */
export interface ISweepOutcome {
  sweep: string;
  spec: ISweepSpec;
  storePath: string;
  /** Runs the sweep expands into. */
  total: number;
  /** Every stored result of the sweep, in expansion order (all of them unless runs failed or were cancelled). */
  results: IRunResult[];
  /** Results taken from the store without training. */
  cached: number;
  /** Runs trained (and stored) by this execution. */
  executed: number;
  /**
   * Runs that failed in this execution (recorded in the store, retried next time), with their
   * label and message apart (`error` is the two joined, as the store's failure list shows).
   */
  failed: (IRunFailure & IRunFailureInfo)[];
  /** Whether the signal aborted the sweep before every run was done. */
  cancelled: boolean;
  /** The back-end the runs name (what `auto` became); absent for an unresolved `auto` (custom runner). */
  backend?: IResolvedBackend;
}

/** Resolves the store path of a sweep (relative paths against `cwd`). */
export function resolveStorePath(
  spec: ISweepSpec,
  store?: string,
  cwd = process.cwd()
): string {
  return path.resolve(cwd, store ?? spec.store ?? '.deni/results.sqlite');
}

/** Builds the executor the spec asks for. */
export function createExecutor(
  spec: ISweepSpec,
  options: IRunSweepOptions = {}
): IExecutor {
  if (options.executor) {
    return options.executor;
  }
  if (options.runOne) {
    return new InlineExecutor(
      options.runOne,
      options.workers ?? spec.executor.workers ?? 1
    );
  }
  if (spec.executor.kind === 'redis') {
    if (!spec.executor.redis) {
      throw new Error(
        'executor.redis: missing; the redis executor needs a URL redis://[:password@]host:port'
      );
    }
    return new RedisExecutor({
      url: spec.executor.redis,
      queue: options.queue
    });
  }
  return new LocalExecutor({
    workers: options.workers ?? spec.executor.workers,
    runnerModule: options.runnerModule,
    cancelGraceMs: options.cancelGraceMs,
    // The sweep process resolved every Hub input: a worker that finds one missing fails clearly.
    env: inputsResolved(options) ? workerHubEnv(options.hub) : undefined
  });
}

/** Max-length defaults from the data registry's cards (loaded lazily: it is only needed here). */
export async function dataRegistryDefaults(): Promise<IExpandOptions> {
  const { findDatasetCard } = await import('../data');
  return {
    maxLengthFor: d =>
      typeof d === 'string' ? findDatasetCard(d)?.maxLength : undefined
  };
}

interface IInFlight {
  spec: IRunSpec;
  startedAt: number;
  progress?: IRunProgress;
}

/**
 * Runs a sweep: decides its back-end (`auto` once, here: see `resolveBackend`), expands it into
 * RunSpecs keyed by that back-end, reuses every stored result whose key matches exactly,
 * executes the rest (local worker processes, Redis workers, or `runOne` in-process), and writes
 * each finished run to the store in its own transaction. Interrupting it at any moment (even
 * `kill -9`) loses at most the runs in flight; running it again resumes.
 */
export async function runSweep(
  input: ISweepSpec,
  options: IRunSweepOptions = {}
): Promise<ISweepOutcome> {
  const spec = normalizeSweepSpec(input);
  if (
    options.checkParams ??
    (!options.runOne && !options.runnerModule && !options.executor)
  ) {
    const errors = await checkStrategyParams(spec);
    if (errors.length > 0) {
      throw new SweepSpecError(errors);
    }
    const setup = await checkSetup(spec, options.onWarning);
    if (setup.length > 0) {
      throw new SweepSpecError(setup);
    }
  }
  // Keys name the back-end that computes the runs: `auto` is decided here, once for the sweep,
  // so that every worker (local or on another machine) runs the same back-end.
  const backend = await sweepBackend(spec, options);
  if (backend) {
    options.onBackend?.(backend);
  }
  const expandOptions = {
    ...(options.expand ?? (await dataRegistryDefaults())),
    ...(backend ? { backend: backend.name } : {})
  };
  let inputs: ISweepInputs | undefined;
  if (inputsResolved(options)) {
    inputs = await resolveInputsWithProgress(
      spec,
      expandSweep(spec, expandOptions).length,
      options
    );
  }
  // Keys cover what runs read: an edited data file or model folder is trained again.
  const runs = expandSweep(spec, {
    ...expandOptions,
    inputs,
    contentOf: expandOptions.contentOf ?? (await sweepContent(spec))
  });
  const ownStore = !(options.store instanceof ResultStore);
  const store =
    options.store instanceof ResultStore
      ? options.store
      : ResultStore.open(resolveStorePath(spec, options.store, options.cwd));
  try {
    store.registerSweep(spec, runs);
    const stored = store.storedKeys(runs.map(r => r.key));
    // The same configuration twice in one sweep is one run: execute it once.
    const seen = new Set<string>();
    const todo = runs.filter(r => {
      if (stored.has(r.key) || seen.has(r.key)) {
        return false;
      }
      seen.add(r.key);
      return true;
    });
    const cached = runs.length - todo.length;
    if (options.onResult) {
      for (const r of runs) {
        if (stored.has(r.key)) {
          const result = store.get(r.key);
          if (result) {
            options.onResult({ ...result, spec: r }, { cached: true });
          }
        }
      }
    }

    const executor = createExecutor(spec, options);
    const inFlight = new Map<string, IInFlight>();
    const durations: number[] = [];
    const failed: (IRunFailure & IRunFailureInfo)[] = [];
    const host = os.hostname();
    let done = cached;
    let executed = 0;
    let current: IInFlight | undefined;
    let lastStepEmit = 0;
    const interval = options.progressIntervalMs ?? 200;

    const eta = (): number | undefined => {
      let perRun: number | undefined;
      if (durations.length > 0) {
        perRun = durations.reduce((a, b) => a + b, 0) / durations.length;
      } else {
        for (const f of inFlight.values()) {
          if (f.progress && f.progress.step > 0 && f.progress.totalSteps > 0) {
            perRun =
              ((Date.now() - f.startedAt) / 1000) *
              (f.progress.totalSteps / f.progress.step);
            break;
          }
        }
      }
      if (perRun === undefined) {
        return undefined;
      }
      let remaining = todo.length - executed - failed.length - inFlight.size;
      for (const f of inFlight.values()) {
        const frac =
          f.progress && f.progress.totalSteps > 0
            ? f.progress.step / f.progress.totalSteps
            : 0;
        remaining += 1 - Math.min(1, frac);
      }
      return Math.max(
        0,
        (remaining * perRun) / Math.max(1, executor.parallelism)
      );
    };

    const emit = (): void => {
      if (!options.onProgress) {
        return;
      }
      const c =
        current && inFlight.has(current.spec.key)
          ? current
          : [...inFlight.values()][0];
      const progress: ISweepProgress = {
        sweep: spec.name,
        done,
        total: runs.length,
        cached,
        failed: failed.length,
        running: inFlight.size
      };
      if (c) {
        progress.current = {
          run: c.spec.run,
          strategy: strategyId(c.spec.strategy),
          tuning: c.spec.tuning,
          step: c.progress?.step ?? 0,
          totalSteps: c.progress?.totalSteps ?? 0,
          dataset: datasetLabel(c.spec.dataset),
          model: c.spec.model,
          key: c.spec.key
        };
      }
      const e = eta();
      if (e !== undefined) {
        progress.etaSeconds = Math.round(e);
      }
      options.onProgress(progress);
    };

    emit();
    await executor.execute(
      todo,
      {
        onStart: s => {
          const f = { spec: s, startedAt: Date.now() };
          inFlight.set(s.key, f);
          current = f;
          emit();
        },
        onProgress: (s, p) => {
          const f = inFlight.get(s.key);
          if (f) {
            f.progress = p;
            current = f;
          }
          const now = Date.now();
          if (now - lastStepEmit >= interval) {
            lastStepEmit = now;
            emit();
          }
        },
        onResult: result => {
          const f = inFlight.get(result.key);
          inFlight.delete(result.key);
          const spec0 = f?.spec ?? runs.find(r => r.key === result.key);
          if (!spec0 || result.key !== spec0.key) {
            throw new Error(`result for unknown run key ${result.key}`);
          }
          if (
            store.save({ ...result, spec: { ...result.spec, ...spec0 } }, host)
          ) {
            executed++;
            done++;
            if (f) {
              durations.push((Date.now() - f.startedAt) / 1000);
            }
          }
          options.onResult?.({ ...result, spec: spec0 }, { cached: false });
          emit();
        },
        onFailure: (s, error) => {
          inFlight.delete(s.key);
          const label = describeRun(s);
          store.recordFailure(s, error.message, host);
          failed.push({
            key: s.key,
            sweep: s.sweep,
            run: s.run,
            label,
            message: error.message,
            error: `${label}: ${error.message}`,
            at: new Date().toISOString(),
            host
          });
          emit();
        }
      },
      options.signal
    );
    inFlight.clear();
    emit();
    const results = store.results(spec.name);
    return {
      sweep: spec.name,
      spec,
      storePath: store.file,
      total: runs.length,
      results,
      cached,
      executed,
      failed,
      cancelled:
        (options.signal?.aborted ?? false) && results.length < runs.length,
      ...(backend ? { backend } : {})
    };
  } finally {
    if (ownStore) {
      store.close();
    }
  }
}

/** The Hub settings workers inherit: the sweep's cache and endpoint, and no network. */
function workerHubEnv(hub: IHubOptions = {}): Record<string, string> {
  return {
    HF_HUB_OFFLINE: '1',
    ...(hub.cacheDir ? { HF_HUB_CACHE: hub.cacheDir } : {}),
    ...(hub.endpoint ? { HF_ENDPOINT: hub.endpoint } : {})
  };
}

/**
 * The sweep's back-end (see IRunSweepOptions.resolveBackend): a concrete name as written; `auto`
 * through the resolver, resolveBackend unless a custom run function runs; undefined for an `auto`
 * a custom run function is left to pick.
 */
async function sweepBackend(
  spec: ISweepSpec,
  options: IRunSweepOptions
): Promise<IResolvedBackend | undefined> {
  const customRun = options.runOne !== undefined || !!options.runnerModule;
  const resolver =
    options.resolveBackend ?? (customRun ? undefined : resolveBackend);
  if (resolver) {
    return resolver(spec.backend);
  }
  return spec.backend === 'auto' ? undefined : resolveBackend(spec.backend);
}

/** Whether runSweep resolves the Hub inputs itself (see IRunSweepOptions.resolveInputs). */
function inputsResolved(options: IRunSweepOptions): boolean {
  return (
    options.resolveInputs ??
    (!options.runOne && !options.runnerModule && !options.executor)
  );
}

/** resolveSweepInputs, reporting download bytes as sweep progress (at most every 200 ms per file). */
async function resolveInputsWithProgress(
  spec: ISweepSpec,
  total: number,
  options: IRunSweepOptions
): Promise<ISweepInputs> {
  let last = 0;
  return resolveSweepInputs(spec, {
    ...options.hub,
    onProgress: p => {
      options.hub?.onProgress?.(p);
      const now = Date.now();
      if (options.onProgress && (now - last >= 200 || p.bytes === p.total)) {
        last = now;
        options.onProgress({
          sweep: spec.name,
          done: 0,
          total,
          cached: 0,
          failed: 0,
          download: { ...p }
        });
      }
    }
  });
}

/** Stored results of a sweep (`deni.results(name)`), in expansion order. */
export function results(
  sweep: string,
  storePath = '.deni/results.sqlite'
): IRunResult[] {
  // Reading never creates a store (or its folder).
  const store = ResultStore.open(storePath, { readOnly: true });
  try {
    if (!store.sweep(sweep)) {
      const known = store.sweeps().map(s => s.name);
      throw new Error(
        `no sweep named "${sweep}" in ${store.file}; known sweeps: ${known.length ? known.join(', ') : 'none'}`
      );
    }
    return store.results(sweep);
  } finally {
    store.close();
  }
}
