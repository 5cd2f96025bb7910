/** `deni import`: seed a result store from a `deni export --format jsonl` file. */
import {
  DEFAULT_STORE,
  formatImportSummary,
  ImportError,
  importRunsFile,
  ResultStore
} from '../sweep';
import { CliError, EXIT_CODES, type CliCommand } from './common';

/** Registers `deni import`. */
export const importCommand: CliCommand = program => {
  program
    .command('import')
    .description(
      'Seed a result store from a `deni export --format jsonl` file of one or more sweeps (identical runs are skipped; every sweep of the file in one transaction: a conflict anywhere imports nothing).'
    )
    .argument('<file>', 'JSON Lines export')
    .option(
      '--store <path>',
      'result store (created when missing)',
      DEFAULT_STORE
    )
    .action((file: string, opts: { store: string }) => {
      let store: ResultStore;
      try {
        store = ResultStore.open(opts.store);
      } catch (e) {
        throw new CliError((e as Error).message, EXIT_CODES.store);
      }
      try {
        // One line per sweep of the file (a file may hold several, each its own section).
        for (const r of importRunsFile(store, file)) {
          process.stdout.write(`${formatImportSummary(r, store.file)}\n`);
        }
      } catch (e) {
        if (e instanceof ImportError) {
          throw new CliError(e.message, EXIT_CODES.usage);
        }
        throw e;
      } finally {
        store.close();
      }
    });
};
