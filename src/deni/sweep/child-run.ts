/**
 * One run in a child process, as a RunOneFn. The Redis worker trains this way so that its own
 * event loop stays free: BullMQ renews a job's lock from a timer, and a training step that
 * blocks the loop past the lock's lifetime would hand the run to a second worker (stored once,
 * but paid twice). A fresh process per run also keeps tensor memory and peak-memory readings
 * independent of what ran before.
 */
import { LocalExecutor } from './local-executor';
import type { IRunResult, RunOneFn } from '../contract/types';

/** A RunOneFn that executes each run in a child process loading `runnerModule` (default: the trainer). */
export function childProcessRunner(runnerModule?: string): RunOneFn {
  return (spec, options) =>
    new Promise<IRunResult>((resolve, reject) => {
      let settled = false;
      const executor = new LocalExecutor({ workers: 1, runnerModule });
      executor
        .execute(
          [spec],
          {
            onStart: () => undefined,
            onProgress: (_s, p) => options.onProgress?.(p),
            onResult: result => {
              settled = true;
              resolve(result);
            },
            onFailure: (_s, error) => {
              settled = true;
              reject(error);
            }
          },
          options.signal
        )
        .then(
          () => {
            if (!settled) {
              reject(
                Object.assign(new Error('run aborted'), { name: 'AbortError' })
              );
            }
          },
          (err: unknown) => reject(err)
        );
    });
}
