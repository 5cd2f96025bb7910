/**
 * What every `deni` command shares: exit codes, the error that carries one, option parsers and
 * the result-store helpers.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { ResultStore } from '../sweep';

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

/** The exit codes as `--help` lists them. */
export const EXIT_HELP = `
Exit codes:
  0    ok
  1    some runs failed (the others are stored; rerun to retry), or the command failed
  2    usage error or invalid sweep spec
  3    result store cannot be opened, or no such sweep in it
  4    Redis unreachable or wrong/missing password
  130  interrupted; finished runs are stored, rerun the same sweep to resume`;

/** An error that carries its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: number
  ) {
    super(message);
  }
}

/** Parser of an integer option within [min, max]. */
export function intOption(
  name: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER
) {
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

/** Parser of a repeatable `--param NAME=VALUE` option. */
export function paramOption(
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

/** Writes to a file, or stdout. */
export function write(text: string, out?: string): void {
  if (out) {
    writeFileSync(out, text);
  } else {
    process.stdout.write(text);
  }
}

/** Opens a result store; failing to is a store error (exit code 3). */
export function openStore(file: string): ResultStore {
  try {
    return ResultStore.open(file);
  } catch (e) {
    throw new CliError((e as Error).message, EXIT_CODES.store);
  }
}

/** A stored sweep's summary and results; an unknown name lists the known ones. */
export function sweepResults(storePath: string, sweep: string) {
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

/** Where a command's action leaves its exit code (commander's actions return nothing). */
export interface IExitCode {
  code: number;
}

/**
 * One `deni` command: adds itself (options, help, action) to the program. Adding a command is
 * adding a module with one of these and a line in commands.ts.
 */
export type CliCommand = (program: Command, exit: IExitCode) => void;
