/** `deni plan`: a strategy's schedule and cost, without training. */
import { Option } from 'commander';
import { TUNING_METHOD_NAMES } from '../contract/tuning-methods';
import {
  CliError,
  EXIT_CODES,
  intOption,
  paramOption,
  type CliCommand
} from './common';

/** Registers `deni plan`. */
export const planCommand: CliCommand = program => {
  program
    .command('plan')
    .description(
      "Print a strategy's schedule (what happens at which step) and its cost, without training."
    )
    .requiredOption('--strategy <name>', 'strategy (see `deni strategies`)')
    .option(
      '--samples <n>',
      'labelled training samples',
      intOption('--samples', 1),
      1000
    )
    .option('--epochs <n>', 'epochs', intOption('--epochs', 1), 10)
    .option('--batch <n>', 'batch size', intOption('--batch', 1), 8)
    .option(
      '--test-samples <n>',
      'test samples (for forward-pass cost)',
      intOption('--test-samples', 1)
    )
    .addOption(
      new Option(
        '--tuning <method>',
        'tuning method (noise targets differ; cost does not)'
      )
        .choices([...TUNING_METHOD_NAMES])
        .default('full')
    )
    .option(
      '--param <name=value>',
      'override a strategy parameter (repeatable), e.g. --param K=5',
      paramOption
    )
    .option('--json', 'print the plan as JSON')
    .action(
      async (opts: {
        strategy: string;
        samples: number;
        epochs: number;
        batch: number;
        testSamples?: number;
        tuning: string;
        param?: Record<string, number | string | boolean>;
        json?: boolean;
      }) => {
        const { formatPlan, getStrategy } = await import('../strategies');
        let strategy;
        try {
          strategy = getStrategy(opts.strategy);
        } catch (e) {
          throw new CliError(
            `--strategy: ${(e as Error).message}`,
            EXIT_CODES.usage
          );
        }
        let plan;
        try {
          plan = strategy.plan({
            samples: opts.samples,
            epochs: opts.epochs,
            batchSize: opts.batch,
            testSamples: opts.testSamples,
            params: opts.param
          });
        } catch (e) {
          throw new CliError((e as Error).message, EXIT_CODES.usage);
        }
        if (opts.json) {
          process.stdout.write(
            `${JSON.stringify({ tuning: opts.tuning, ...plan }, null, 2)}\n`
          );
        } else {
          process.stdout.write(
            `tuning: ${opts.tuning}\n${formatPlan(plan, strategy.description)}\n`
          );
        }
      }
    );
};
