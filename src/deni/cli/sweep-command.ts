/** `deni sweep`: run a sweep spec headless, with a progress line, resumable. */
import { describeResolvedBackend } from '../backend/resolve';
import { formatProgress } from '../hub/progress';
import { readFileSync } from 'node:fs';
import {
  checkStrategyParams,
  DEFAULT_QUEUE,
  DEFAULT_STORE,
  locateSpecErrors,
  parseSweepSpec,
  runSweep,
  SweepSpecError,
  type ISweepProgress,
  type ISweepSpec
} from '../sweep';
import {
  CliError,
  EXIT_CODES,
  EXIT_HELP,
  intOption,
  type CliCommand
} from './common';

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
  if (p.download) {
    parts.push(`downloading ${formatProgress(p.download)}`);
  }
  if (p.etaSeconds !== undefined) {
    parts.push(`ETA ${formatSeconds(p.etaSeconds)}`);
  }
  return parts.join('  ');
}

/** Reads and validates a sweep spec file (YAML or JSON by extension). */
export function readSpec(file: string): { spec: ISweepSpec; text: string } {
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

/** Before a local sweep trains: its expected wall time, when the step time is cached here. */
async function printExpectedTime(
  spec: ISweepSpec,
  workers?: number
): Promise<void> {
  try {
    const { estimateSweep, formatDuration } = await import('../planning');
    const est = await estimateSweep(spec, { workers, measure: false });
    process.stderr.write(
      est
        ? `expected wall time on this machine: ${formatDuration(est.seconds)} on ${est.workers} worker(s) (all ${est.runs} runs; stored ones are skipped)\n`
        : 'expected wall time: step time not measured here yet (`deni plan --spec <file>` measures it)\n'
    );
  } catch {
    // Only a forecast: a spec the estimate cannot read fails properly in runSweep below.
  }
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

async function runSweepCommand(
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
  if (!opts.runner && !opts.redis && opts.progress) {
    await printExpectedTime(spec, opts.workers);
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
    } else if (p.download) {
      // Not a terminal: one line per downloaded file.
      if (p.download.bytes === p.download.total) {
        process.stderr.write(`${line}\n`);
      }
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
      onProgress,
      onWarning: line => process.stderr.write(`warning: ${line}\n`),
      // Which back-end `auto` became (the runs are keyed by it), once before training.
      onBackend: b => {
        if (opts.progress && b.requested === 'auto') {
          process.stderr.write(`${describeResolvedBackend(b)}\n`);
        }
      }
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

/** Registers `deni sweep`. */
export const sweepCommand: CliCommand = (program, exit) => {
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
      exit.code = await runSweepCommand(file, opts);
    });
};
