/** Executes parsed magics against the engine; outputs go through the cell's output sink. */
import { displayPath } from '../display-path';
import { writeFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { IPlanAnswer } from '../../deni/contract/strategy-plan';
import type { ISweepProgress } from '../../deni/contract/types';
import { TUNING_METHOD_NAMES } from '../../deni/contract/tuning-methods';
import {
  IDeniEngine,
  IPlanRequest,
  ICellSweepOutcome,
  IStudyPlanRequest,
  SweepBodyError
} from '../engine-types';
import { JsonValue, MimeBundle } from '../protocol/messages';
import { ProgressDisplay } from '../progress';
import { escapeHtml } from '../repl/format';
import { ILineMagic, parseOptions } from './grammar';
import { CELL_COMMANDS, LINE_COMMANDS, helpText } from './help';
import { applyOverrides, sweepCellOverrides } from './sweep-options';

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

/** Options of the study plan (runs needed, expected time) in `%deni plan` and `%%deni plan`. */
const STUDY_OPTIONS = [
  'detect-std-ratio',
  'power',
  'alpha',
  'pilot',
  'store',
  'no-measure'
];

/** Options of `%deni plan` itself; every other `--name value` is a strategy hyper-parameter. */
const PLAN_OPTIONS = [
  'samples',
  'epochs',
  'batch',
  'tuning',
  'json',
  ...STUDY_OPTIONS
];

function fractionOption(
  options: Record<string, string | true>,
  name: string
): number | undefined {
  const raw = options[name];
  if (raw === undefined) {
    return undefined;
  }
  const value = Number(raw);
  if (raw === true || !(value > 0 && value < 1)) {
    throw new MagicUsageError(
      `--${name} is ${JSON.stringify(raw)}; expected a number between 0 and 1`
    );
  }
  return value;
}

/** The study-plan part of `%deni plan` / `%%deni plan` arguments. */
export function studyRequest(
  options: Record<string, string | true>
): IStudyPlanRequest {
  const raw = options['detect-std-ratio'];
  let ratio: number | undefined;
  if (raw !== undefined) {
    ratio = Number(raw);
    if (raw === true || !(ratio > 0) || ratio === 1) {
      throw new MagicUsageError(
        `--detect-std-ratio is ${JSON.stringify(raw)}; expected strategy std / default std, a positive number other than 1 (e.g. 0.5)`
      );
    }
  }
  const pilot = options.pilot;
  if (pilot === true) {
    throw new MagicUsageError('--pilot needs the name of a stored sweep');
  }
  return {
    ...(ratio !== undefined ? { ratio } : {}),
    ...(fractionOption(options, 'power') !== undefined
      ? { power: fractionOption(options, 'power') }
      : {}),
    ...(fractionOption(options, 'alpha') !== undefined
      ? { alpha: fractionOption(options, 'alpha') }
      : {}),
    ...(pilot !== undefined ? { pilot } : {}),
    ...(storeOption(options) !== undefined
      ? { store: storeOption(options) }
      : {}),
    ...(options['no-measure'] !== undefined ? { measure: false } : {})
  };
}

/** A study plan as a bundle: its text, and the plan as application/json (the widget reads it). */
async function studyBundle(
  engine: IDeniEngine,
  request: IStudyPlanRequest
): Promise<MimeBundle> {
  const { text, json } = await engine.studyPlan(request);
  return {
    ...textBundle(text),
    'application/json': { study: json } as unknown as JsonValue
  };
}

/** Runs `%%deni plan`: the sweep body's runs needed, expected wall time and warnings, no training. */
export async function runPlanCell(
  body: string,
  bodyLine: number,
  args: string[],
  engine: IDeniEngine,
  out: ICellOutput
): Promise<void> {
  let spec;
  try {
    spec = engine.parseSweep(body, '%%deni plan cell');
  } catch (err) {
    throw err instanceof SweepBodyError ? cellSpecError(err, bodyLine) : err;
  }
  const { options } = parseOptions(args, ['no-measure']);
  for (const key of Object.keys(options)) {
    if (!STUDY_OPTIONS.includes(key)) {
      throw new MagicUsageError(
        `%%deni plan has no option --${key}; options: ${STUDY_OPTIONS.map(o => `--${o}`).join(', ')}`
      );
    }
  }
  out.display(await studyBundle(engine, { ...studyRequest(options), spec }));
}

/** Parses `%deni plan` arguments into a plan request (and whether `--json` was given). */
export function planRequest(args: string[]): IPlanRequest & { json: boolean } {
  const { positional, options } = parseOptions(args, ['json', 'no-measure']);
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
      `--tuning needs a tuning method: ${TUNING_METHOD_NAMES.slice(0, -1).join(', ')} or ${TUNING_METHOD_NAMES[TUNING_METHOD_NAMES.length - 1]}`
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

/**
 * `%deni plan`: with strategies, their schedules and cost (text, or with `--json` the plans as
 * application/json too); with `--detect-std-ratio`, the runs per strategy the question needs.
 */
async function planOutputs(
  engine: IDeniEngine,
  args: string[]
): Promise<MimeBundle[]> {
  const { positional, options } = parseOptions(args, ['json', 'no-measure']);
  const study = studyRequest(options);
  const out: MimeBundle[] = [];
  if (study.ratio !== undefined) {
    out.push(await studyBundle(engine, study));
  }
  if (positional.length > 0 || study.ratio === undefined) {
    out.push(planBundle(engine, args));
  }
  return out;
}

/** The `%deni plan` output: text, or with `--json` the plans as application/json too. */
function planBundle(engine: IDeniEngine, args: string[]): MimeBundle {
  const { json, ...request } = planRequest(args);
  if (!json) {
    return textBundle(engine.plan(request));
  }
  const answer: IPlanAnswer = {
    plans: engine.planJson(request),
    ...(request.tuning
      ? { tuning: request.tuning as IPlanAnswer['tuning'] }
      : {})
  };
  return {
    'application/json': JSON.parse(JSON.stringify(answer)) as JsonValue,
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
      for (const bundle of await planOutputs(engine, magic.args)) {
        out.display(bundle);
      }
      return;
    case 'report':
      out.display(
        await engine.report(needSweepName('report', positional), {
          store: storeOption(options)
        })
      );
      return;
    case 'datasets':
      out.display(
        options.json !== undefined
          ? choicesBundle(engine.datasetChoices())
          : textBundle(await engine.datasets())
      );
      return;
    case 'models':
      out.display(
        options.json !== undefined
          ? choicesBundle(engine.modelChoices())
          : textBundle(await engine.models())
      );
      return;
    case 'doctor':
      out.display(textBundle(await engine.doctor()));
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
    case 'import': {
      const file = positional[0];
      if (!file) {
        throw new MagicUsageError(
          'usage: %deni import <file> [--store PATH] (a `deni export --format jsonl` file)'
        );
      }
      out.display(
        textBundle(await engine.importRuns(file, storeOption(options)))
      );
      return;
    }
    default:
      throw new MagicUsageError(
        `unknown magic %deni ${magic.command}; line magics: ${LINE_COMMANDS.join(', ')}; cell magics: ${CELL_COMMANDS.map(c => `%%deni ${c}`).join(', ')}`
      );
  }
}

/** `%deni datasets --json` / `%deni models --json`: the list as JSON (the widget's pickers). */
function choicesBundle(list: Record<string, unknown>[]): MimeBundle {
  return {
    'application/json': { choices: list } as unknown as JsonValue,
    'text/plain': JSON.stringify(list, null, 2)
  };
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
  state: IKernelState,
  args: string[] = []
): Promise<void> {
  // Options are checked first: a typo on the magic line is reported even when the body is bad.
  const overrides = sweepCellOverrides(args);
  let spec;
  try {
    spec = engine.parseSweep(body, '%%deni sweep cell');
  } catch (err) {
    throw err instanceof SweepBodyError ? cellSpecError(err, bodyLine) : err;
  }
  if (Object.keys(overrides).length > 0) {
    // Validated again with the overrides: `--runs 0` fails like `runs: 0` in the body.
    spec = engine.parseSweep(
      JSON.stringify(applyOverrides(spec, overrides)),
      '%%deni sweep line options'
    );
  }
  const start: ISweepProgress = {
    sweep: spec.name,
    done: 0,
    total: spec.runs,
    cached: 0,
    failed: 0
  };
  const display = new ProgressDisplay(
    (bundle, options) => out.display(bundle, options),
    progress => engine.progress(progress),
    start
  );
  display.update(start, true);
  state.running = { sweep: spec.name, done: 0, total: 0 };
  let outcome: ICellSweepOutcome;
  try {
    try {
      outcome = await engine.runSweep(spec, {
        signal: out.signal,
        onWarning: line => out.stderr(`warning: ${line}\n`),
        onBackend: line => out.stdout(`${line}\n`),
        onProgress: progress => {
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
          { ...display.last, current: undefined, etaSeconds: undefined },
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
    if (outcome.failures.length > 0 && outcome.executed === 0) {
      const error = sweepFailureMessage(spec.name, outcome);
      display.finish(engine.progress(outcome.progress, 'error', error));
      throw new SweepFailedError(error);
    }
    display.finish(
      await engine.report(spec, { status: 'done', progress: outcome.progress })
    );
    if (outcome.failures.length > 0) {
      // Done, with failures: say so and why (they are retried when the cell runs again).
      out.stderr(
        `sweep ${spec.name} done, ${outcome.failures.length} failed (retried when the cell runs again):\n${outcome.failures
          .slice(0, 20)
          .map(f => `  run ${f.run} (${f.label}): ${f.message.split('\n')[0]}`)
          .join('\n')}\n`
      );
    }
  } finally {
    state.running = undefined;
  }
}

/** Message of a sweep whose every run of this execution failed: the distinct run errors. */
function sweepFailureMessage(
  sweep: string,
  outcome: ICellSweepOutcome
): string {
  const distinct = new Map<string, string[]>();
  for (const { run, message } of outcome.failures) {
    // One cause shared by every run is shown once, with the runs it stopped.
    distinct.set(message, [...(distinct.get(message) ?? []), String(run)]);
  }
  const shown = [...distinct.entries()].slice(0, 3).map(([message, runs]) => {
    const which =
      runs.length === 1 ? `run ${runs[0]}` : `runs ${runs.join(', ')}`;
    return `  ${which}: ${message}`;
  });
  const more =
    distinct.size > 3 ? [`  ... and ${distinct.size - 3} other errors`] : [];
  return [
    `sweep ${sweep}: all ${outcome.failures.length} runs attempted failed (they are retried when the cell runs again):`,
    ...shown,
    ...more
  ].join('\n');
}
