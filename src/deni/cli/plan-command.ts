/** `deni plan`: a strategy's schedule and cost, without training. */
import { InvalidArgumentError, Option } from 'commander';
import { DENI_SCHEDULES } from '../contract/strategies';
import { TUNING_METHOD_NAMES } from '../contract/tuning-methods';
import { DEFAULT_STORE } from '../sweep';
import {
  CliError,
  EXIT_CODES,
  intOption,
  paramOption,
  sweepResults,
  type CliCommand
} from './common';
import { readSpec } from './sweep-command';

function numberOption(name: string, above: number, below: number) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !(n > above && n < below)) {
      throw new InvalidArgumentError(
        `${name} must be a number above ${above}${below < Infinity ? ` and below ${below}` : ''}, got ${JSON.stringify(value)}.`
      );
    }
    return n;
  };
}

/** The options of `deni plan --spec / --detect-std-ratio`. */
interface IStudyPlanOptions {
  spec?: string;
  detectStdRatio?: number;
  power: number;
  alpha: number;
  pilot?: string;
  store: string;
  workers?: number;
  measure: boolean;
  remeasure?: boolean;
  json?: boolean;
}

/** `deni plan --spec / --detect-std-ratio`: runs needed, expected time, warnings. */
async function studyPlanCommand(opts: IStudyPlanOptions): Promise<void> {
  const { planStudy, formatStudyPlan, pilotFromResults } =
    await import('../planning');
  const spec = opts.spec ? readSpec(opts.spec).spec : undefined;
  let scores;
  if (opts.pilot) {
    const { results } = sweepResults(opts.store, opts.pilot);
    try {
      scores = pilotFromResults(opts.pilot, results);
    } catch (e) {
      throw new CliError(`--pilot: ${(e as Error).message}`, EXIT_CODES.usage);
    }
  }
  let plan;
  try {
    plan = await planStudy({
      spec,
      question:
        opts.detectStdRatio !== undefined
          ? { ratio: opts.detectStdRatio, power: opts.power, alpha: opts.alpha }
          : undefined,
      scores,
      workers: opts.workers,
      measure: opts.measure,
      refresh: opts.remeasure,
      log: line => process.stderr.write(`${line}\n`)
    });
  } catch (e) {
    throw new CliError((e as Error).message, EXIT_CODES.usage);
  }
  process.stdout.write(
    opts.json
      ? `${JSON.stringify(plan, null, 2)}\n`
      : `${formatStudyPlan(plan)}\n`
  );
}

/** Registers `deni plan`. */
export const planCommand: CliCommand = program => {
  program
    .command('plan')
    .description(
      "Plan before training: a strategy's schedule and cost (--strategy), the runs per strategy " +
        'needed to detect a std ratio against default (--detect-std-ratio), and the expected wall ' +
        'time of a sweep on this machine (--spec).'
    )
    .option('--strategy <name>', 'strategy (see `deni strategies`)')
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
    .addOption(
      new Option(
        '--schedule <schedule>',
        'DENI/NI/DE step constants: paper (absolute) or relative (fractions of T); same as --param schedule=...'
      ).choices([...DENI_SCHEDULES])
    )
    .option(
      '--spec <file>',
      'sweep spec to plan: expected wall time on this machine, runs needed against its runs'
    )
    .option(
      '--detect-std-ratio <R>',
      'runs per strategy needed to detect strategy std / default std = R (e.g. 0.5) with Brown-Forsythe',
      numberOption('--detect-std-ratio', 0, Infinity)
    )
    .option(
      '--power <p>',
      'target power of --detect-std-ratio',
      numberOption('--power', 0, 1),
      0.8
    )
    .option(
      '--alpha <a>',
      'significance level of --detect-std-ratio',
      numberOption('--alpha', 0, 1),
      0.05
    )
    .option(
      '--pilot <sweep>',
      "resample this stored sweep's default runs instead of assuming normal scores"
    )
    .option('--store <path>', 'result store of --pilot', DEFAULT_STORE)
    .option(
      '--workers <n>',
      'worker processes for the time estimate (default: the spec, else one per core)',
      intOption('--workers', 1, 1024)
    )
    .option(
      '--remeasure',
      'measure the step time again even when it is cached for this machine'
    )
    .option(
      '--no-measure',
      'do not measure the step time when it is not cached (no time estimate then)'
    )
    .option('--json', 'print the plan as JSON')
    .action(
      async (
        opts: IStudyPlanOptions & {
          strategy?: string;
          samples: number;
          epochs: number;
          batch: number;
          testSamples?: number;
          tuning: string;
          param?: Record<string, number | string | boolean>;
          schedule?: string;
        }
      ) => {
        if (opts.spec || opts.detectStdRatio !== undefined) {
          await studyPlanCommand(opts);
          if (!opts.strategy) {
            return;
          }
        } else if (!opts.strategy) {
          throw new CliError(
            'deni plan needs --strategy <name>, --detect-std-ratio <R> or --spec <file>',
            EXIT_CODES.usage
          );
        }
        const { formatPlan, getStrategy } = await import('../strategies');
        let strategy;
        try {
          strategy = getStrategy(opts.strategy ?? '');
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
            params: opts.schedule
              ? { ...opts.param, schedule: opts.schedule }
              : opts.param
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
