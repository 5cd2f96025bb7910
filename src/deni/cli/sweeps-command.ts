/** `deni sweeps`: the sweeps of a result store with their progress. */
import { DEFAULT_STORE, type IStoredSweep } from '../sweep';
import { openStore, type CliCommand } from './common';

/**
 * A sweep's back-end as `deni sweeps` shows it: `tensorflow`, or for an `auto` spec what its runs
 * name, `auto -> wasm` (plain `auto` for runs registered before `auto` was resolved).
 */
export function sweepBackendText(s: IStoredSweep): string {
  const concrete = s.runBackends.filter(b => b !== 'auto');
  return s.spec.backend === 'auto' && concrete.length > 0
    ? `auto -> ${concrete.join(', ')}`
    : s.spec.backend;
}

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
          updatedAt: s.updatedAt,
          backend: sweepBackendText(s)
        }));
        process.stdout.write(
          opts.json
            ? `${JSON.stringify(sweeps, null, 2)}\n`
            : sweeps
                .map(
                  s =>
                    `${s.name}\t${s.done}/${s.total} runs\t${s.failed} failed\t${s.updatedAt}\tbackend ${s.backend}`
                )
                .join('\n') +
                (sweeps.length ? '\n' : `no sweeps in ${store.file}\n`)
        );
      } finally {
        store.close();
      }
    });
};
