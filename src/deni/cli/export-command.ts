/** `deni export`: a sweep's runs in the paper's long format. */
import { Option } from 'commander';
import { DEFAULT_STORE, exportResults, type ExportFormat } from '../sweep';
import { sweepResults, write, type CliCommand } from './common';

/** Registers `deni export`. */
export const exportCommand: CliCommand = program => {
  program
    .command('export')
    .description(
      "Export a sweep's runs in the paper's long format (one row per run)."
    )
    .argument('<sweep>', 'sweep name')
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['csv', 'json'])
        .default('csv')
    )
    .option('--store <path>', 'result store', DEFAULT_STORE)
    .option('--out <file>', 'write to a file instead of stdout')
    .action(
      (
        sweep: string,
        opts: { format: ExportFormat; store: string; out?: string }
      ) => {
        const { results } = sweepResults(opts.store, sweep);
        write(exportResults(results, opts.format), opts.out);
      }
    );
};
