/**
 * The `deni` command: run sweeps headless, print strategy plans, reports and exports, serve a Redis
 * queue as a worker, and list data sets, models and strategies. Exit codes are documented in
 * EXIT_CODES (and in `deni --help`).
 */
import {
  Command,
  CommanderError,
  InvalidArgumentError,
  Option
} from 'commander';
// Engine modules load lazily per command: `deni export` need not load tfjs or the data registry.
import { readFileSync, writeFileSync } from 'node:fs';
import type { ReportFormat } from './report';
import {
  DEFAULT_QUEUE,
  DEFAULT_STORE,
  exportJsonl,
  exportResults,
  ImportError,
  importRunsFile,
  parseSweepSpec,
  RedisConnectionError,
  ResultStore,
  runRedisWorker,
  runSweep,
  SweepSpecError,
  describeRun,
  checkStrategyParams,
  locateSpecErrors,
  type ExportFormat,
  type ISweepProgress,
  type ISweepSpec
} from './sweep';

/** Exit codes of `deni`. */
export const EXIT_CODES = {
  /** Everything asked for was done. */
  ok: 0,
  /** Some runs failed (the rest are stored; rerun the sweep to retry them), or a command failed. */
  runFailure: 1,
  /** Bad command line or invalid sweep spec (the message names the field and what is allowed). */
  usage: 2,
  /** The result store cannot be opened, or the named sweep is not in it. */
  store: 3,
  /** Redis is unreachable or refuses the credentials. */
  redis: 4,
  /** Interrupted (Ctrl-C / SIGTERM); finished runs are stored, rerun to resume. */
  interrupted: 130
} as const;

const EXIT_HELP = `
Exit codes:
  0    ok
  1    some runs failed (the others are stored; rerun to retry), or the command failed
  2    usage error or invalid sweep spec
  3    result store cannot be opened, or no such sweep in it
  4    Redis unreachable or wrong/missing password
  130  interrupted; finished runs are stored, rerun the same sweep to resume`;

/** An error that carries its exit code. */
class CliError extends Error {
  constructor(
    message: string,
    readonly code: number
  ) {
    super(message);
  }
}

function intOption(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (
      !/^\s*-?\d+\s*$/.test(value) ||
      !Number.isSafeInteger(n) ||
      n < min ||
      n > max
    ) {
      throw new InvalidArgumentError(
        `${name} must be an integer${max < Number.MAX_SAFE_INTEGER ? ` from ${min} to ${max}` : ` >= ${min}`}, got ${JSON.stringify(value)}.`
      );
    }
    return n;
  };
}

function paramOption(
  value: string,
  previous: Record<string, number | string | boolean> = {}
) {
  const m = /^([A-Za-z_][\w-]*)=(.*)$/.exec(value);
  if (!m) {
    throw new InvalidArgumentError(
      `--param expects NAME=VALUE (e.g. K=5), got ${JSON.stringify(value)}.`
    );
  }
  const raw = m[2];
  const parsed: number | string | boolean =
    raw === 'true'
      ? true
      : raw === 'false'
        ? false
        : raw !== '' && !Number.isNaN(Number(raw))
          ? Number(raw)
          : raw;
  return { ...previous, [m[1]]: parsed };
}

function write(text: string, out?: string): void {
  if (out) {
    writeFileSync(out, text);
  } else {
    process.stdout.write(text);
  }
}

function openStore(file: string): ResultStore {
  try {
    return ResultStore.open(file);
  } catch (e) {
    throw new CliError((e as Error).message, EXIT_CODES.store);
  }
}

function sweepResults(storePath: string, sweep: string) {
  const store = openStore(storePath);
  try {
    const info = store.sweep(sweep);
    if (!info) {
      const known = store.sweeps().map(s => s.name);
      throw new CliError(
        `no sweep named ${JSON.stringify(sweep)} in ${store.file}; known sweeps: ${known.length ? known.join(', ') : 'none'}`,
        EXIT_CODES.store
      );
    }
    return { info, results: store.results(sweep) };
  } finally {
    store.close();
  }
}

function formatSeconds(s: number): string {
  if (s < 60) {
    return `${Math.round(s)}s`;
  }
  if (s < 3600) {
    return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  }
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** One progress line: bar, counts, current run and ETA. */
export function progressText(p: ISweepProgress, width = 24): string {
  const frac = p.total > 0 ? p.done / p.total : 1;
  const filled = Math.round(frac * width);
  const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
  const parts = [`[${bar}] ${p.done}/${p.total}`];
  if (p.cached > 0) {
    parts.push(`${p.cached} cached`);
  }
  if (p.failed > 0) {
    parts.push(`${p.failed} failed`);
  }
  if (p.current) {
    const c = p.current;
    const step = c.totalSteps > 0 ? ` step ${c.step}/${c.totalSteps}` : '';
    parts.push(
      `${c.dataset ?? ''}${c.dataset ? ' ' : ''}${c.strategy}/${c.tuning} #${c.run}${step}`
    );
  }
  if (p.etaSeconds !== undefined) {
    parts.push(`ETA ${formatSeconds(p.etaSeconds)}`);
  }
  return parts.join('  ');
}

function readSpec(file: string): { spec: ISweepSpec; text: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(
      `cannot read sweep spec ${file}: ${(e as Error).message}`,
      EXIT_CODES.usage
    );
  }
  const format = /\.json$/i.test(file)
    ? 'json'
    : /\.ya?ml$/i.test(file)
      ? 'yaml'
      : 'auto';
  return { spec: parseSweepSpec(text, { format, source: file }).spec, text };
}

interface ISweepCliOptions {
  store?: string;
  workers?: number;
  runner?: string;
  redis?: string;
  queue?: string;
  progress: boolean;
  json?: boolean;
}

async function sweepCommand(
  file: string,
  opts: ISweepCliOptions
): Promise<number> {
  const read = readSpec(file);
  let spec = read.spec;
  if (!opts.runner) {
    const errors = await checkStrategyParams(spec);
    if (errors.length > 0) {
      throw new SweepSpecError(locateSpecErrors(read.text, errors), file);
    }
  }
  if (opts.redis) {
    spec = {
      ...spec,
      executor: { ...spec.executor, kind: 'redis', redis: opts.redis }
    };
  }
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    interrupts++;
    if (interrupts > 1) {
      process.stderr.write('\ninterrupted again: exiting now\n');
      process.exit(EXIT_CODES.interrupted);
    }
    process.stderr.write(
      `\n${sig}: cancelling the runs in flight; finished runs stay stored (again to exit now)\n`
    );
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const tty = process.stderr.isTTY === true;
  let lastLine = '';
  let lastPrinted = -1;
  const onProgress = (p: ISweepProgress): void => {
    if (!opts.progress) {
      return;
    }
    const line = progressText(p);
    if (tty) {
      const cols = process.stderr.columns || 100;
      process.stderr.write(
        `\r${line.slice(0, cols - 1).padEnd(Math.min(cols - 1, lastLine.length))}`
      );
      lastLine = line;
    } else if (p.done !== lastPrinted) {
      // Not a terminal (CI logs, pipes): one line per finished run.
      lastPrinted = p.done;
      process.stderr.write(`${line}\n`);
    }
  };
  let outcome;
  try {
    outcome = await runSweep(spec, {
      store: opts.store,
      workers: opts.workers,
      runnerModule: opts.runner,
      queue: opts.queue,
      signal: controller.signal,
      onProgress
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (tty && lastLine) {
      process.stderr.write('\n');
    }
  }
  for (const f of outcome.failed) {
    process.stderr.write(`failed: ${f.error}\n`);
  }
  const summary = `${outcome.sweep}: ${outcome.results.length}/${outcome.total} runs stored (${outcome.cached} cached, ${outcome.executed} trained, ${outcome.failed.length} failed) in ${outcome.storePath}`;
  if (opts.json) {
    process.stdout.write(
      `${JSON.stringify({
        sweep: outcome.sweep,
        total: outcome.total,
        stored: outcome.results.length,
        cached: outcome.cached,
        executed: outcome.executed,
        failed: outcome.failed,
        cancelled: outcome.cancelled,
        store: outcome.storePath
      })}\n`
    );
  } else {
    process.stdout.write(`${summary}\n`);
  }
  if (outcome.cancelled) {
    process.stderr.write('interrupted: rerun the same command to resume\n');
    return EXIT_CODES.interrupted;
  }
  return outcome.failed.length > 0 ? EXIT_CODES.runFailure : EXIT_CODES.ok;
}

/** Builds the `deni` program (exported for tests and embedding). */
export function buildProgram(exit: { code: number }): Command {
  const program = new Command();
  program
    .name('deni')
    .description(
      'Reproducible fine-tuning-stability studies: seed sweeps of DENI and its baselines (PAPER.md).'
    )
    .showHelpAfterError(true)
    .addHelpText('after', EXIT_HELP)
    .exitOverride()
    .configureOutput({ outputError: (str, w) => w(str) });

  program
    .command('sweep')
    .description(
      'Run a sweep from a YAML or JSON spec (resumes: stored runs are reused by key).'
    )
    .argument(
      '<spec>',
      'sweep spec file (.yaml, .yml or .json; see src/deni/sweep/sweep-spec.schema.json)'
    )
    .option(
      '--store <path>',
      `result store (overrides the spec; default ${DEFAULT_STORE})`
    )
    .option(
      '--workers <n>',
      'local worker processes (default: the spec, else one per core)',
      intOption('--workers', 1, 1024)
    )
    .option(
      '--redis <url>',
      'run on `deni worker` processes through this Redis (redis://[:password@]host:port)'
    )
    .option('--queue <name>', `Redis queue name (default ${DEFAULT_QUEUE})`)
    .option(
      '--runner <module>',
      'module exporting runOne(spec, {onProgress, signal}) to use instead of the built-in trainer'
    )
    .option('--no-progress', 'no progress bar')
    .option('--json', 'print the outcome as one JSON line')
    .addHelpText('after', EXIT_HELP)
    .action(async (file: string, opts: ISweepCliOptions) => {
      exit.code = await sweepCommand(file, opts);
    });

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
        .choices(['full', 'lora', 'ia3', 'unipelt'])
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
      ).choices(['paper', 'relative'])
    )
    .option('--json', 'print the plan as JSON')
    .action(
      async (opts: {
        schedule?: string;
        strategy: string;
        samples: number;
        epochs: number;
        batch: number;
        testSamples?: number;
        tuning: string;
        param?: Record<string, number | string | boolean>;
        json?: boolean;
      }) => {
        const { formatPlan, getStrategy } = await import('./strategies');
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
        const { buildReport, formatReport } = await import('./report');
        const { info, results } = sweepResults(opts.store, sweep);
        const status = results.length >= info.total ? 'done' : 'interrupted';
        const bundle = buildReport(sweep, results, {
          status,
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
          }),
          opts.out
        );
      }
    );

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
        if (opts.format === 'jsonl') {
          sweepResults(opts.store, sweep); // names the known sweeps when there is none
          const store = openStore(opts.store);
          try {
            write(exportJsonl(store, sweep), opts.out);
          } finally {
            store.close();
          }
          return;
        }
        const { results } = sweepResults(opts.store, sweep);
        write(exportResults(results, opts.format), opts.out);
      }
    );

  program
    .command('experiments')
    .description(
      'Regenerate the tables and figures of EXPERIMENTS.md from experiments/<study>/runs.jsonl (no training).'
    )
    .option(
      '--root <dir>',
      'repository root holding EXPERIMENTS.md and experiments/',
      '.'
    )
    .option(
      '--check',
      'only compare: exit 1 when EXPERIMENTS.md or a figure is out of date'
    )
    .option(
      '--png',
      'also draw each figure as PNG (notebooks/render_figure.py, Debian chromium)'
    )
    .action(async (opts: { root: string; check?: boolean; png?: boolean }) => {
      const { regenerateExperiments, renderFigurePngs } =
        await import('./experiments');
      try {
        const out = await regenerateExperiments(opts.root, {
          check: opts.check
        });
        if (opts.png && !opts.check) {
          renderFigurePngs(opts.root, [...out.figures.keys()]);
        }
        process.stdout.write(
          `EXPERIMENTS.md ${opts.check ? 'is up to date with' : 'regenerated from'} the runs of ${out.studies.join(', ') || 'no study'}` +
            ` (${out.figures.size} figure(s))\n`
        );
      } catch (e) {
        throw new CliError((e as Error).message, 1);
      }
    });

  program
    .command('import')
    .description(
      'Seed a result store from a `deni export --format jsonl` file (identical runs are skipped; one transaction).'
    )
    .argument('<file>', 'JSON Lines export')
    .option('--store <path>', 'result store', DEFAULT_STORE)
    .action((file: string, opts: { store: string }) => {
      const store = openStore(opts.store);
      try {
        const r = importRunsFile(store, file);
        process.stdout.write(
          `sweep ${r.sweep}: ${r.imported} run(s) imported, ${r.skipped} identical skipped` +
            (r.unfinished ? `, ${r.unfinished} unfinished` : '') +
            ` (${r.sweepAdded ? 'sweep added' : 'sweep already known'}) into ${store.file}\n`
        );
      } catch (e) {
        if (e instanceof ImportError) {
          throw new CliError(e.message, EXIT_CODES.usage);
        }
        throw e;
      } finally {
        store.close();
      }
    });

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

  program
    .command('datasets')
    .description(
      'List the data sets (built-in, paper sets from the Hub) with their cards.'
    )
    .option('--json', 'print JSON')
    .option(
      '--fetch <names...>',
      'download paper data sets (sst2, cola, mrpc, ag_news, trec, snips, dbpedia) into the cache, for offline use'
    )
    .action(async (opts: { json?: boolean; fetch?: string[] }) => {
      const { fetchHubDataset, formatDataCards, listDatasets } =
        await import('./data');
      if (opts.fetch) {
        for (const name of opts.fetch) {
          try {
            const dir = await fetchHubDataset(name, {
              onProgress: (m: string) => process.stderr.write(`${m}\n`)
            });
            process.stdout.write(`${name}: cached in ${dir}\n`);
          } catch (e) {
            throw new CliError(
              `could not fetch ${name}: ${(e as Error).message}`,
              EXIT_CODES.runFailure
            );
          }
        }
        return;
      }
      process.stdout.write(
        opts.json
          ? `${JSON.stringify(listDatasets(), null, 2)}\n`
          : `${formatDataCards()}\n`
      );
    });

  program
    .command('models')
    .description('List the built-in models and whether each is cached.')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { listModels } = await import('./model');
      const models = listModels();
      process.stdout.write(
        opts.json
          ? `${JSON.stringify(models, null, 2)}\n`
          : models
              .map(
                m =>
                  `${m.name}\t${m.cached ? 'cached' : 'not cached'}\t${m.dir}`
              )
              .join('\n') + '\n'
      );
    });

  program
    .command('strategies')
    .description('List the mitigation strategies and their parameters.')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { listStrategies } = await import('./strategies');
      const list = listStrategies().map(s => ({
        name: s.name,
        description: s.description,
        params: s.params
      }));
      process.stdout.write(
        opts.json
          ? `${JSON.stringify(list, null, 2)}\n`
          : list.map(s => `${s.name.padEnd(15)} ${s.description}`).join('\n') +
              '\n'
      );
    });

  return program;
}

/** Runs `deni` with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const exit = { code: EXIT_CODES.ok as number };
  const program = buildProgram(exit);
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT_CODES.usage;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exit.code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
      ) {
        return EXIT_CODES.ok;
      }
      return EXIT_CODES.usage;
    }
    if (e instanceof SweepSpecError) {
      process.stderr.write(`error: ${e.message}\n`);
      return EXIT_CODES.usage;
    }
    if (e instanceof CliError) {
      process.stderr.write(`error: ${e.message}\n`);
      return e.code;
    }
    if (e instanceof RedisConnectionError) {
      process.stderr.write(`error: ${e.message}\n`);
      return EXIT_CODES.redis;
    }
    process.stderr.write(`error: ${(e as Error).message ?? String(e)}\n`);
    return EXIT_CODES.runFailure;
  }
}

function isMain(): boolean {
  const entry = process.argv[1] ?? '';
  return /(^|[\\/])(cli\.(ts|mjs|js)|deni)$/.test(entry);
}

if (isMain()) {
  // Exit explicitly once output is flushed: Redis and worker handles must not keep the CLI alive.
  void main(process.argv.slice(2)).then(code => {
    process.stdout.write('', () => process.exit(code));
  });
}
