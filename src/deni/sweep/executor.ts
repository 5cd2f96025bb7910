import type {
  IRunProgress,
  IRunResult,
  IRunSpec,
  RunOneFn
} from '../contract/types';

/** Callbacks through which an executor reports each run back to the sweep (which stores results). */
export interface IExecutorHooks {
  onStart(spec: IRunSpec): void;
  onProgress(spec: IRunSpec, progress: IRunProgress): void;
  /** A finished run; the sweep writes it to the store before the executor moves on. */
  onResult(result: IRunResult): void;
  /** A run that threw (not counting cancellation); it is recorded and retried on the next execution. */
  onFailure(spec: IRunSpec, error: Error): void;
}

/** Something that executes RunSpecs: in-process, a pool of local processes, or a Redis queue. */
export interface IExecutor {
  /** Runs executed at once (for the ETA). */
  readonly parallelism: number;
  /**
   * Executes `runs`; resolves when every run has finished, failed or (after `signal` aborts) been
   * cancelled. Rejects only when the executor itself cannot work (no worker starts, Redis refuses).
   */
  execute(
    runs: IRunSpec[],
    hooks: IExecutorHooks,
    signal?: AbortSignal
  ): Promise<void>;
}

/** Whether an error means "cancelled" rather than "failed". */
export function isAbortError(error: unknown, signal?: AbortSignal): boolean {
  return (
    (signal?.aborted ?? false) ||
    (error instanceof Error &&
      (error.name === 'AbortError' || error.name === 'RunAbortedError'))
  );
}

/** Normalises anything thrown into an Error. */
export function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Runs RunSpecs in this process with a given run function, `concurrency` at a time. Meant for
 * library use with a custom trainer and for tests; the kernel uses LocalExecutor so that training
 * never blocks its event loop.
 */
export class InlineExecutor implements IExecutor {
  constructor(
    private readonly runOne: RunOneFn,
    readonly parallelism = 1
  ) {}

  async execute(
    runs: IRunSpec[],
    hooks: IExecutorHooks,
    signal?: AbortSignal
  ): Promise<void> {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < runs.length && !signal?.aborted) {
        const spec = runs[next++];
        hooks.onStart(spec);
        try {
          const result = await this.runOne(spec, {
            signal,
            onProgress: p => hooks.onProgress(spec, p)
          });
          hooks.onResult(result);
        } catch (e) {
          if (!isAbortError(e, signal)) {
            hooks.onFailure(spec, toError(e));
          }
        }
      }
    };
    await Promise.all(
      Array.from({ length: Math.max(1, this.parallelism) }, lane)
    );
  }
}
