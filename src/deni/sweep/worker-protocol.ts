import type { IRunProgress, IRunResult, IRunSpec } from '../contract/types';

/** Messages from the sweep process to a local worker process. */
export type ToWorker =
  | { type: 'run'; spec: IRunSpec }
  | { type: 'cancel'; key: string }
  | { type: 'shutdown' };

/** Messages from a local worker process to the sweep process. */
export type FromWorker =
  | { type: 'ready'; pid: number }
  | { type: 'fatal'; message: string }
  | { type: 'progress'; key: string; progress: IRunProgress }
  | { type: 'result'; key: string; result: IRunResult }
  | {
      type: 'error';
      key: string;
      message: string;
      stack?: string;
      aborted: boolean;
    };

/** Environment variable naming the module a worker loads its run function from. */
export const RUNNER_ENV = 'DENI_RUNNER';
