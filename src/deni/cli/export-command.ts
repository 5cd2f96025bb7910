/** `deni export`: a sweep's runs in the paper's long format. */
import { Option } from 'commander';
import {
  DEFAULT_STORE,
  exportJsonl,
  exportResults,
  type ExportFormat
} from '../sweep';
import { openStore, sweepResults, write, type CliCommand } from './common';

/** Registers `deni export`. */
export const exportCommand: CliCommand = program => {
  program
    .command('export')
    .description(
      "Export a sweep's runs in the paper's long format (one row per run)."
    )
    .argument('<sweep>', 'sweep name')
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
        sweep: string,
        opts: { format: ExportFormat | 'jsonl'; store: string; out?: string }
      ) => {
        // A damaged page would export silently wrong or missing rows: check first.
        const { results } = sweepResults(opts.store, sweep, true);
        if (opts.format === 'jsonl') {
          const store = openStore(opts.store);
          try {
            write(exportJsonl(store, sweep), opts.out);
          } finally {
            store.close();
          }
          return;
        }
        write(exportResults(results, opts.format), opts.out);
      }
    );
};
