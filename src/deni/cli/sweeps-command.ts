/** `deni sweeps`: the sweeps of a result store with their progress. */
import { DEFAULT_STORE } from '../sweep';
import { openStore, type CliCommand } from './common';

/** Registers `deni sweeps`. */
export const sweepsCommand: CliCommand = program => {
  program
    .command('sweeps')
    .description('List the sweeps in a result store with their progress.')
    .option('--store <path>', 'result store', DEFAULT_STORE)
    .option('--json', 'print JSON')
    .action((opts: { store: string; json?: boolean }) => {
      const store = openStore(opts.store);
      try {
        const sweeps = store.sweeps().map(s => ({
          name: s.name,
          done: s.done,
          total: s.total,
          failed: s.failed,
          updatedAt: s.updatedAt
        }));
        process.stdout.write(
          opts.json
            ? `${JSON.stringify(sweeps, null, 2)}\n`
            : sweeps
                .map(
                  s =>
                    `${s.name}\t${s.done}/${s.total} runs\t${s.failed} failed\t${s.updatedAt}`
                )
                .join('\n') +
                (sweeps.length ? '\n' : `no sweeps in ${store.file}\n`)
        );
      } finally {
        store.close();
      }
    });
};
