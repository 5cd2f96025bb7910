/** `deni export`: sweeps' runs in the paper's long format, or every stored field as JSON Lines. */
import { Option } from 'commander';
import {
  DEFAULT_STORE,
  exportJsonl,
  exportResults,
  type ExportFormat
} from '../sweep';
import {
  CliError,
  EXIT_CODES,
  openStore,
  sweepResults,
  write,
  type CliCommand
} from './common';

/** Registers `deni export`. */
export const exportCommand: CliCommand = program => {
  program
    .command('export')
    .description(
      "Export sweeps' runs in the paper's long format (one row per run). Several sweeps give one file: " +
        'csv/json hold the rows of all of them (the `sweep` column tells them apart), jsonl one section ' +
        '(header line + run lines) per sweep, in the order named, which `deni import` reads back.'
    )
    .argument('<sweep...>', 'sweep name(s)')
    .addOption(
      new Option(
        '--format <format>',
        'output format (jsonl: every stored field of every run, for `deni import`)'
      )
        .choices(['csv', 'json', 'jsonl'])
        .default('csv')
    )
    .option('--store <path>', 'result store', DEFAULT_STORE)
    .option('--out <file>', 'write to a file instead of stdout')
    .action(
      (
        sweeps: string[],
        opts: { format: ExportFormat | 'jsonl'; store: string; out?: string }
      ) => {
        const twice = sweeps.find((s, i) => sweeps.indexOf(s) !== i);
        if (twice !== undefined) {
          throw new CliError(
            `sweep ${JSON.stringify(twice)} is named twice; name each sweep once`,
            EXIT_CODES.usage
          );
        }
        // A damaged page would export silently wrong or missing rows: check first (once).
        const results = sweeps.flatMap(
          (sweep, i) => sweepResults(opts.store, sweep, i === 0).results
        );
        if (opts.format === 'jsonl') {
          const store = openStore(opts.store);
          try {
            write(exportJsonl(store, sweeps), opts.out);
          } finally {
            store.close();
          }
          return;
        }
        write(exportResults(results, opts.format), opts.out);
      }
    );
};
