/** `deni report`: statistics, tables and figures of a stored sweep. */
import { Option } from 'commander';
import type { ReportFormat } from '../report';
import { DEFAULT_STORE } from '../sweep';
import {
  failureNote,
  intOption,
  sweepResults,
  write,
  type CliCommand
} from './common';

/** Registers `deni report`. */
export const reportCommand: CliCommand = program => {
  program
    .command('report')
    .description(
      'Statistics, paper-style tables and figures of a stored sweep.'
    )
    .argument('<sweep>', 'sweep name')
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['html', 'md', 'latex', 'csv', 'json', 'text'])
        .default('text')
    )
    .option('--store <path>', 'result store', DEFAULT_STORE)
    .option('--out <file>', 'write to a file instead of stdout')
    .option(
      '--seed <n>',
      'bootstrap seed',
      intOption('--seed', 0, 4294967295),
      0
    )
    .action(
      async (
        sweep: string,
        opts: {
          format: ReportFormat;
          store: string;
          out?: string;
          seed: number;
        }
      ) => {
        const { buildReport, formatReport } = await import('../report');
        const { reportTiming } = await import('../planning');
        const { info, results, failures } = sweepResults(opts.store, sweep);
        // Failed runs were attempted: a sweep missing only those is done, not interrupted.
        const status =
          results.length + failures.length >= info.total
            ? 'done'
            : 'interrupted';
        const timing = await reportTiming(info.spec, results, info.total);
        const bundle = buildReport(sweep, results, {
          status,
          timing,
          seed: opts.seed,
          progress: {
            sweep,
            done: results.length,
            total: info.total,
            cached: results.length,
            failed: info.failed
          }
        });
        write(
          formatReport(bundle, opts.format, {
            standalone: opts.format === 'html'
          }) + failureNote(opts.format, failures),
          opts.out
        );
      }
    );
};
