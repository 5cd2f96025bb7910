/**
 * Entry of a local worker process (dist/worker.mjs; `tsx src/deni/sweep/worker-main.ts` in dev).
 * It loads the run function once, then executes one RunSpec at a time as the sweep process asks,
 * reporting progress and the result over the IPC channel. The sweep process alone writes the store.
 * When the parent dies (kill -9 included) the IPC channel closes and the worker exits with it.
 */
import { RUNNER_ENV, type FromWorker, type ToWorker } from './worker-protocol';
import { loadRunner } from './runner';

function send(message: FromWorker): void {
  if (process.connected) {
    process.send?.(message);
  }
}

async function main(): Promise<void> {
  if (!process.send) {
    process.stderr.write(
      'deni worker-main runs as a child of a sweep (child_process.fork); for a Redis worker use `deni worker --redis URL`\n'
    );
    process.exit(2);
  }
  process.on('disconnect', () => process.exit(0));
  // Ctrl-C in a terminal reaches the whole process group: the sweep process decides what stops
  // (it sends `cancel`), so a worker must not die of SIGINT with its run half done.
  process.on('SIGINT', () => undefined);
  let runOne;
  try {
    runOne = await loadRunner(process.env[RUNNER_ENV] || undefined);
  } catch (e) {
    send({ type: 'fatal', message: (e as Error).message });
    process.exit(1);
  }
  const controllers = new Map<string, AbortController>();
  process.on('message', (raw: ToWorker) => {
    if (raw.type === 'shutdown') {
      process.exit(0);
    }
    if (raw.type === 'cancel') {
      controllers.get(raw.key)?.abort();
      return;
    }
    const spec = raw.spec;
    const controller = new AbortController();
    controllers.set(spec.key, controller);
    runOne(spec, {
      signal: controller.signal,
      onProgress: progress =>
        send({ type: 'progress', key: spec.key, progress })
    }).then(
      result => {
        controllers.delete(spec.key);
        send({ type: 'result', key: spec.key, result });
      },
      (e: unknown) => {
        controllers.delete(spec.key);
        const err = e instanceof Error ? e : new Error(String(e));
        send({
          type: 'error',
          key: spec.key,
          message: err.message,
          stack: err.stack,
          aborted: controller.signal.aborted || err.name === 'AbortError'
        });
      }
    );
  });
  send({ type: 'ready', pid: process.pid });
}

void main();
