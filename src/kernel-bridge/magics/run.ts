/** Executes parsed magics against the engine; outputs go through the cell's output sink. */
import { displayPath } from '../display-path';
import { writeFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { ISweepProgress } from '../../deni/sweep/types';
import {
  IDeniEngine,
  IPlanRequest,
  ISweepOutcome,
  SweepBodyError
} from '../engine-types';
import { JsonValue, MimeBundle } from '../protocol/messages';
import { ProgressDisplay } from '../progress';
import { escapeHtml } from '../repl/format';
import { ILineMagic, parseOptions } from './grammar';
import { CELL_COMMANDS, LINE_COMMANDS, helpText } from './help';

/** What a running magic may do to its cell's outputs. */
export interface ICellOutput {
  stdout(text: string): void;
  stderr(text: string): void;
  display(
    bundle: MimeBundle,
    options?: { displayId?: string; update?: boolean }
  ): void;
  /** Aborted by interrupt_request / SIGINT. */
  signal: AbortSignal;
}

/** A magic used wrongly (unknown sub-command, missing argument); shown as a readable error. */
export class MagicUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MagicUsageError';
  }
}

/** Raised when a sweep stops because of an interrupt (after its runs in flight settled). */
export class SweepInterruptedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyboardInterrupt';
  }
}

/** Raised when every run a sweep attempted failed; the message lists the run errors. */
export class SweepFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SweepFailedError';
  }
}

/** Live state of the kernel shown by `%deni status`. */
export interface IKernelState {
  version: string;
  running?: { sweep: string; done: number; total: number };
}

function textBundle(text: string): MimeBundle {
  return { 'text/plain': text, 'text/html': `<pre>${escapeHtml(text)}</pre>` };
}

function intOption(
  options: Record<string, string | true>,
  name: string,
  fallback: number
): number {
  const raw = options[name];
  if (raw === undefined) {
    return fallback;
  }
  const value = Number(raw);
  if (raw === true || !Number.isInteger(value) || value <= 0) {
    throw new MagicUsageError(
      `--${name} is ${JSON.stringify(raw)}; expected a positive integer`
    );
  }
  return value;
}

function paramValue(raw: string | true): number | string | boolean {
  if (raw === true || raw === 'true') {
    return true;
  }
  if (raw === 'false') {
    return false;
  }
  const n = Number(raw);
  return raw.trim() !== '' && Number.isFinite(n) ? n : raw;
}

function storeOption(
  options: Record<string, string | true>
): string | undefined {
  const store = options.store;
  if (store === true) {
    throw new MagicUsageError('--store needs a path to a results SQLite file');
  }
  return store;
}

function needSweepName(command: string, positional: string[]): string {
  if (positional.length === 0) {
    throw new MagicUsageError(
      `%deni ${command} needs a sweep name, e.g. \`%deni ${command} quick\` (names: %deni status)`
    );
  }
  return positional[0];
}

/** Options of `%deni plan` itself; every other `--name value` is a strategy hyper-parameter. */
const PLAN_OPTIONS = ['samples', 'epochs', 'batch', 'tuning', 'json'];

/** Parses `%deni plan` arguments into a plan request (and whether `--json` was given). */
export function planRequest(args: string[]): IPlanRequest & { json: boolean } {
  const { positional, options } = parseOptions(args, ['json']);
  if (positional.length === 0) {
    throw new MagicUsageError(
      '%deni plan needs strategy names, e.g. `%deni plan deni,ensemble` (list: %deni strategies)'
    );
  }
  const params: Record<string, number | string | boolean> = {};
  for (const [key, raw] of Object.entries(options)) {
    if (!PLAN_OPTIONS.includes(key)) {
      params[key] = paramValue(raw);
    }
  }
  const tuning = options.tuning;
  if (tuning === true) {
    throw new MagicUsageError(
      '--tuning needs a tuning method: full, lora, ia3 or unipelt'
    );
  }
  const json = options.json;
  if (json !== undefined && json !== true && json !== 'true') {
    throw new MagicUsageError(
      `--json is a flag and takes no value (got ${JSON.stringify(json)})`
    );
  }
  return {
    strategies: positional.flatMap(p => p.split(',')).filter(s => s !== ''),
    samples: intOption(options, 'samples', 1000),
    epochs: intOption(options, 'epochs', 10),
    batchSize: intOption(options, 'batch', 8),
    params,
    ...(tuning !== undefined ? { tuning } : {}),
    json: json !== undefined
  };
}

/** The `%deni plan` output: text, or with `--json` the plans as application/json too. */
function planBundle(engine: IDeniEngine, args: string[]): MimeBundle {
  const { json, ...request } = planRequest(args);
  if (!json) {
    return textBundle(engine.plan(request));
  }
  const plans = engine.planJson(request);
  return {
    'application/json': JSON.parse(
      JSON.stringify({
        plans,
        ...(request.tuning ? { tuning: request.tuning } : {})
      })
    ) as JsonValue,
    'text/plain': engine.plan(request)
  };
}

/** Runs one `%deni <command>` line. */
export async function runLineMagic(
  magic: ILineMagic,
  engine: IDeniEngine,
  out: ICellOutput,
  state: IKernelState
): Promise<void> {
  const { positional, options } = parseOptions(magic.args);
  switch (magic.command) {
    case 'help':
      out.display(textBundle(helpText(positional[0])));
      return;
    case 'plan':
      out.display(planBundle(engine, magic.args));
      return;
    case 'report':
      out.display(
        await engine.report(needSweepName('report', positional), {
          store: storeOption(options)
        })
      );
      return;
    case 'datasets':
      out.display(textBundle(await engine.datasets()));
      return;
    case 'models':
      out.display(textBundle(await engine.models()));
      return;
    case 'strategies':
      out.display(textBundle(engine.strategies()));
      return;
    case 'status': {
      const lines = [
        `DENI kernel ${state.version}, pid ${process.pid}`,
        `working directory: ${displayPath(process.cwd())} (the notebook's folder; relative paths start here)`
      ];
      lines.push(
        state.running
          ? `running: sweep ${state.running.sweep}, ${state.running.done}/${state.running.total} runs done`
          : 'running: no sweep'
      );
      lines.push(await engine.storeStatus(storeOption(options)));
      out.display(textBundle(lines.join('\n')));
      return;
    }
    case 'export': {
      const sweep = needSweepName('export', positional);
      const path = positional[1];
      const given = options.format;
      if (
        given === true ||
        (given !== undefined && given !== 'csv' && given !== 'json')
      ) {
        throw new MagicUsageError(
          `--format is ${JSON.stringify(given)}; valid formats: csv, json`
        );
      }
      const format: 'csv' | 'json' =
        given ??
        (path && extname(path).toLowerCase() === '.json' ? 'json' : 'csv');
      const text = await engine.exportRuns(sweep, format, storeOption(options));
      if (path) {
        const target = resolve(path);
        writeFileSync(target, text);
        out.display(
          textBundle(
            `exported sweep ${sweep} as ${format} to ${displayPath(target)}`
          )
        );
      } else {
        out.display({
          'text/plain': text,
          ...(format === 'json'
            ? { 'application/json': JSON.parse(text) }
            : { 'text/csv': text })
        });
      }
      return;
    }
    default:
      throw new MagicUsageError(
        `unknown magic %deni ${magic.command}; line magics: ${LINE_COMMANDS.join(', ')}; cell magics: ${CELL_COMMANDS.map(c => `%%deni ${c}`).join(', ')}`
      );
  }
}

/** Formats a spec error so that each problem names its line in the cell and its field. */
function cellSpecError(err: SweepBodyError, bodyLine: number): SweepBodyError {
  const lines = err.problems.map(p => {
    const where =
      p.line !== undefined ? `line ${p.line + bodyLine - 1}` : 'sweep';
    return `${where}: ${p.message}`;
  });
  const shifted = err.problems.map(p => ({
    ...p,
    line: p.line !== undefined ? p.line + bodyLine - 1 : undefined
  }));
  return new SweepBodyError(
    shifted,
    `invalid %%deni sweep:\n${lines.join('\n')}`
  );
}

/** Runs `%%deni sweep`: validate, show progress in place, end with the report. */
export async function runSweepCell(
  body: string,
  bodyLine: number,
  engine: IDeniEngine,
  out: ICellOutput,
  state: IKernelState
): Promise<void> {
  let spec;
  try {
    spec = engine.parseSweep(body, '%%deni sweep cell');
  } catch (err) {
    throw err instanceof SweepBodyError ? cellSpecError(err, bodyLine) : err;
  }
  const display = new ProgressDisplay(
    (bundle, options) => out.display(bundle, options),
    progress => engine.progress(progress)
  );
  display.update(
    { sweep: spec.name, done: 0, total: spec.runs, cached: 0, failed: 0 },
    true
  );
  state.running = { sweep: spec.name, done: 0, total: 0 };
  let last: ISweepProgress = {
    sweep: spec.name,
    done: 0,
    total: spec.runs,
    cached: 0,
    failed: 0
  };
  let outcome: ISweepOutcome;
  try {
    try {
      outcome = await engine.runSweep(spec, {
        signal: out.signal,
        onProgress: progress => {
          last = progress;
          state.running = {
            sweep: spec.name,
            done: progress.done,
            total: progress.total
          };
          display.update(progress);
        }
      });
    } catch (err) {
      // A sweep that throws (bad model id, missing worker script, store error) must not stay
      // "running" in the saved notebook: the display turns into an error bundle.
      const message = err instanceof Error ? err.message : String(err);
      display.finish(
        engine.progress(
          { ...last, current: undefined, etaSeconds: undefined },
          'error',
          `sweep ${spec.name} failed: ${message}`
        )
      );
      throw err;
    }
    if (outcome.status === 'interrupted') {
      display.finish(
        await engine.report(spec, {
          status: 'interrupted',
          progress: outcome.progress
        })
      );
      throw new SweepInterruptedError(
        `sweep ${spec.name} interrupted after ${outcome.progress.done}/${outcome.progress.total} runs; re-execute the cell to resume`
      );
    }
    if (outcome.errors.length > 0 && outcome.executed === 0) {
      const error = sweepFailureMessage(spec.name, outcome);
      display.finish(engine.progress(outcome.progress, 'error', error));
      throw new SweepFailedError(error);
    }
    display.finish(
      await engine.report(spec, { status: 'done', progress: outcome.progress })
    );
  } finally {
    state.running = undefined;
  }
}

/** Message of a sweep whose every run of this execution failed: the distinct run errors. */
function sweepFailureMessage(sweep: string, outcome: ISweepOutcome): string {
  const distinct = new Map<string, string[]>();
  for (const line of outcome.errors) {
    const match = /^run (\d+): ([\s\S]*)$/.exec(line);
    const [run, text] = match ? [match[1], match[2]] : ['?', line];
    // Failures read `<dataset> / <model> / <tuning> / <strategy> #<run>: message`; drop the
    // label so that one cause shared by every run is shown once.
    const labelled = new RegExp(`^[^\\n]*? #${run}: `).exec(text);
    const message = labelled ? text.slice(labelled[0].length) : text;
    distinct.set(message, [...(distinct.get(message) ?? []), run]);
  }
  const shown = [...distinct.entries()].slice(0, 3).map(([message, runs]) => {
    const which =
      runs.length === 1 ? `run ${runs[0]}` : `runs ${runs.join(', ')}`;
    return `  ${which}: ${message}`;
  });
  const more =
    distinct.size > 3 ? [`  ... and ${distinct.size - 3} other errors`] : [];
  return [
    `sweep ${sweep}: all ${outcome.errors.length} runs attempted failed (they are retried when the cell runs again):`,
    ...shown,
    ...more
  ].join('\n');
}
