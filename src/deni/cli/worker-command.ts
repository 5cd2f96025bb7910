/** `deni worker`: serve a Redis queue of RunSpecs. */
import { DEFAULT_QUEUE, describeRun, runRedisWorker } from '../sweep';
import { intOption, type CliCommand } from './common';

/** Registers `deni worker`. */
export const workerCommand: CliCommand = program => {
  program
    .command('worker')
    .description(
      'Serve a Redis queue: run queued RunSpecs and return their results to the submitting sweep.'
    )
    .requiredOption(
      '--redis <url>',
      'Redis URL, redis://[:password@]host:port[/db]'
    )
    .option('--queue <name>', 'queue name', DEFAULT_QUEUE)
    .option(
      '--concurrency <n>',
      'runs at once in this process',
      intOption('--concurrency', 1, 64),
      1
    )
    .option(
      '--lock-duration <ms>',
      'lock lifetime: runs of a worker that died are requeued after this',
      intOption('--lock-duration', 500),
      30000
    )
    .option(
      '--runner <module>',
      'module exporting runOne(spec, {onProgress, signal}) instead of the built-in trainer'
    )
    .action(
      async (opts: {
        redis: string;
        queue: string;
        concurrency: number;
        lockDuration: number;
        runner?: string;
      }) => {
        const handle = await runRedisWorker({
          url: opts.redis,
          queue: opts.queue,
          concurrency: opts.concurrency,
          lockDurationMs: opts.lockDuration,
          runnerModule: opts.runner,
          onEvent: e =>
            process.stderr.write(
              `${new Date().toISOString()} ${e.kind} ${describeRun(e.spec)}${e.message ? `: ${e.message}` : ''}\n`
            )
        });
        process.stderr.write(
          `deni worker ${process.pid}: serving queue ${opts.queue}\n`
        );
        await new Promise<void>(resolve => {
          const stop = (): void => {
            process.stderr.write(
              'deni worker: stopping after the run in flight\n'
            );
            void handle.close().then(resolve);
          };
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
      }
    );
};
