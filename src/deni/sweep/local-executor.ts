import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  WASM_THREADS_ENV,
  coreCount,
  threadsPerWorker
} from '../backend/threads';
import { describeRun } from './expand';
import type { IExecutor, IExecutorHooks } from './executor';
import type { IRunSpec } from '../contract/types';
import { RUNNER_ENV, type FromWorker, type ToWorker } from './worker-protocol';

/** Options of LocalExecutor. */
export interface ILocalExecutorOptions {
  /** Worker processes; default one per core (os.availableParallelism()). */
  workers?: number;
  /** Module the workers load their run function from; default the built-in trainer. */
  runnerModule?: string;
  /** Worker entry script; default dist/worker.mjs beside the bundle, or worker-main.ts under tsx. */
  workerScript?: string;
  /** After cancellation, how long in-flight runs get to stop before their workers are killed. */
  cancelGraceMs?: number;
  /** Extra environment for the workers. */
  env?: Record<string, string>;
}

/** Default worker count: one per core. */
export function defaultWorkerCount(): number {
  return coreCount();
}

/**
 * This module's file. Under `tsx` the sources run as CommonJS (the package is not type: module),
 * where import.meta is empty; in the ESM bundle and under vitest it is import.meta.url.
 */
function thisFile(): string {
  return typeof __filename === 'string' && __filename.length > 0
    ? __filename
    : fileURLToPath(import.meta.url);
}

function tsxLoader(): string {
  const req = createRequire(thisFile());
  return pathToFileURL(req.resolve('tsx')).href;
}

/** How to start a worker process: the bundled dist/worker.mjs, or worker-main.ts through tsx in dev. */
export function workerCommand(
  script?: string,
  runnerModule?: string
): { script: string; execArgv: string[] } {
  const here = thisFile();
  const dev = here.endsWith('.ts');
  // The bundle is code-split: this code may sit in dist/chunks/, the worker entry in dist/.
  const dir = path.dirname(here);
  const bundleDir = path.basename(dir) === 'chunks' ? path.dirname(dir) : dir;
  const file =
    script ??
    (dev
      ? path.join(dir, 'worker-main.ts')
      : path.join(bundleDir, 'worker.mjs'));
  if (!existsSync(file)) {
    throw new Error(
      `worker script ${file} not found; build it with \`npm run build:node\` (dist/worker.mjs)`
    );
  }
  const needsTsx =
    file.endsWith('.ts') || (runnerModule?.endsWith('.ts') ?? false);
  return { script: file, execArgv: needsTsx ? ['--import', tsxLoader()] : [] };
}

interface ISlot {
  child: ChildProcess;
  ready: boolean;
  spec?: IRunSpec;
  exited: boolean;
  /** Stopped by the pool (no work left), so its exit is no error. */
  stopped?: boolean;
}

/**
 * A pool of local worker processes (child_process.fork). Each worker runs one RunSpec at a time;
 * results come back over IPC and the sweep process stores them, so a worker killed at any moment
 * loses only its run in flight. Cancelling stops dispatching, asks in-flight runs to abort, waits
 * `cancelGraceMs` for them (a run that still finishes is stored), then kills what remains.
 */
export class LocalExecutor implements IExecutor {
  readonly parallelism: number;

  constructor(private readonly options: ILocalExecutorOptions = {}) {
    const workers = options.workers ?? defaultWorkerCount();
    if (!Number.isInteger(workers) || workers < 1) {
      throw new RangeError(
        `workers must be an integer >= 1, got ${String(workers)}`
      );
    }
    this.parallelism = workers;
  }

  execute(
    runs: IRunSpec[],
    hooks: IExecutorHooks,
    signal?: AbortSignal
  ): Promise<void> {
    if (runs.length === 0 || signal?.aborted) {
      return Promise.resolve();
    }
    const { script, execArgv } = workerCommand(
      this.options.workerScript,
      this.options.runnerModule
    );
    const pending = [...runs];
    const slots: ISlot[] = [];
    const grace = this.options.cancelGraceMs ?? 5000;
    let fatal: Error | undefined;
    let finished = false;
    let killTimer: NodeJS.Timeout | undefined;

    return new Promise<void>((resolve, reject) => {
      const finish = (): void => {
        if (finished) {
          return;
        }
        finished = true;
        if (killTimer) {
          clearTimeout(killTimer);
        }
        signal?.removeEventListener('abort', onAbort);
        for (const slot of slots) {
          if (!slot.exited) {
            slot.child.kill('SIGKILL');
          }
        }
        if (fatal) {
          reject(fatal);
        } else {
          resolve();
        }
      };

      const maybeDone = (): void => {
        const busy = slots.some(s => s.spec && !s.exited);
        const stopping = (signal?.aborted ?? false) || fatal !== undefined;
        if (!busy && (pending.length === 0 || stopping)) {
          for (const slot of slots) {
            if (slot.exited) {
              continue;
            }
            // A worker still loading its runner would miss the message: stop it outright.
            slot.stopped = true;
            if (slot.ready && slot.child.connected) {
              slot.child.send({ type: 'shutdown' } satisfies ToWorker);
            } else {
              slot.child.kill('SIGKILL');
            }
          }
          if (slots.every(s => s.exited)) {
            finish();
          }
        }
      };

      const dispatch = (slot: ISlot): void => {
        if (
          signal?.aborted ||
          fatal ||
          slot.exited ||
          !slot.ready ||
          slot.spec
        ) {
          return;
        }
        const spec = pending.shift();
        if (!spec) {
          maybeDone();
          return;
        }
        slot.spec = spec;
        hooks.onStart(spec);
        slot.child.send({ type: 'run', spec } satisfies ToWorker);
      };

      // Workers share the cores: each gets its share of wasm threads unless told otherwise.
      const baseEnv = { ...process.env, ...this.options.env };
      const threads = String(threadsPerWorker(this.parallelism, baseEnv));
      const spawn = (): void => {
        const child = fork(script, [], {
          execArgv,
          env: {
            ...baseEnv,
            [WASM_THREADS_ENV]: threads,
            [RUNNER_ENV]: this.options.runnerModule
              ? path.resolve(this.options.runnerModule)
              : ''
          },
          stdio: ['ignore', 'inherit', 'inherit', 'ipc']
        });
        const slot: ISlot = { child, ready: false, exited: false };
        slots.push(slot);
        child.on('message', (msg: FromWorker) => {
          switch (msg.type) {
            case 'ready':
              slot.ready = true;
              dispatch(slot);
              break;
            case 'fatal':
              fatal = new Error(
                `worker process could not start: ${msg.message}`
              );
              break;
            case 'progress':
              if (slot.spec?.key === msg.key) {
                hooks.onProgress(slot.spec, msg.progress);
              }
              break;
            case 'result': {
              const spec = slot.spec;
              slot.spec = undefined;
              if (spec) {
                try {
                  hooks.onResult(msg.result);
                } catch (e) {
                  hooks.onFailure(spec, e as Error);
                }
              }
              dispatch(slot);
              maybeDone();
              break;
            }
            case 'error': {
              const spec = slot.spec;
              slot.spec = undefined;
              if (spec && !(msg.aborted && signal?.aborted)) {
                const err = new Error(msg.message);
                err.stack = msg.stack ?? err.stack;
                hooks.onFailure(spec, err);
              }
              dispatch(slot);
              maybeDone();
              break;
            }
          }
        });
        child.on('error', e => {
          if (!slot.ready && !fatal) {
            fatal = new Error(
              `cannot start worker process ${script}: ${e.message}`
            );
          }
        });
        child.on('exit', (code, sig) => {
          slot.exited = true;
          const spec = slot.spec;
          slot.spec = undefined;
          if (spec && !signal?.aborted) {
            hooks.onFailure(
              spec,
              new Error(
                `worker process ${child.pid} exited (${sig ?? `code ${code}`}) while running ${describeRun(spec)}`
              )
            );
          }
          if (
            !slot.ready &&
            !slot.stopped &&
            !fatal &&
            !finished &&
            !signal?.aborted
          ) {
            fatal = new Error(
              `worker process ${script} exited (${sig ?? `code ${code}`}) before it was ready`
            );
          }
          // Replace a worker lost mid-sweep, so the pool keeps its size.
          if (!finished && !fatal && !signal?.aborted && pending.length > 0) {
            spawn();
          }
          maybeDone();
        });
      };

      const onAbort = (): void => {
        for (const slot of slots) {
          if (slot.spec && !slot.exited && slot.child.connected) {
            slot.child.send({
              type: 'cancel',
              key: slot.spec.key
            } satisfies ToWorker);
          }
        }
        killTimer = setTimeout(() => {
          for (const slot of slots) {
            if (!slot.exited) {
              slot.child.kill('SIGKILL');
            }
          }
        }, grace);
        maybeDone();
      };
      signal?.addEventListener('abort', onAbort, { once: true });

      const count = Math.min(this.parallelism, pending.length);
      for (let i = 0; i < count; i++) {
        spawn();
      }
    });
  }
}
