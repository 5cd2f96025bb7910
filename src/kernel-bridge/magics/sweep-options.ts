/**
 * Options on the `%%deni sweep` line (`%%deni sweep --name quick --runs 3`): each overrides the
 * same field of the cell's SweepSpec and the result is validated again; an unknown option or a
 * positional argument is an error (never silently dropped).
 */
import { parseOptions } from './grammar';

/** Options of `%%deni sweep` and the SweepSpec field each sets. */
export const SWEEP_CELL_OPTIONS: Readonly<
  Record<string, { field: string; kind: 'string' | 'integer' }>
> = {
  name: { field: 'name', kind: 'string' },
  store: { field: 'store', kind: 'string' },
  runs: { field: 'runs', kind: 'integer' },
  seed: { field: 'seed', kind: 'integer' },
  workers: { field: 'executor.workers', kind: 'integer' }
};

/** A bad option on the `%%deni sweep` line. */
export class SweepOptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SweepOptionError';
  }
}

const usage = (): string =>
  `%%deni sweep accepts ${Object.keys(SWEEP_CELL_OPTIONS)
    .map(o => `--${o}`)
    .join(', ')}`;

/**
 * The overrides `args` ask for, as a patch of SweepSpec fields (dotted paths); throws
 * {@link SweepOptionError} naming the bad argument and the valid options.
 */
export function sweepCellOverrides(
  args: string[]
): Record<string, string | number> {
  const { positional, options } = parseOptions(args);
  if (positional.length > 0) {
    throw new SweepOptionError(
      `unexpected argument ${JSON.stringify(positional[0])} on the %%deni sweep line; ${usage()} (e.g. --name quick)`
    );
  }
  const patch: Record<string, string | number> = {};
  for (const [option, value] of Object.entries(options)) {
    const known = SWEEP_CELL_OPTIONS[option];
    if (!known) {
      throw new SweepOptionError(
        `unknown option --${option} on the %%deni sweep line; ${usage()}`
      );
    }
    if (value === true || value === '') {
      throw new SweepOptionError(`--${option} needs a value`);
    }
    if (known.kind === 'integer') {
      if (!/^-?\d+$/.test(value)) {
        throw new SweepOptionError(
          `--${option} must be an integer, got ${JSON.stringify(value)}`
        );
      }
      patch[known.field] = Number(value);
    } else {
      patch[known.field] = value;
    }
  }
  return patch;
}

/** The spec with the overrides applied (a deep copy; dotted paths create objects). */
export function applyOverrides<T extends object>(
  spec: T,
  patch: Record<string, string | number>
): T {
  const out = structuredClone(spec) as Record<string, unknown>;
  for (const [path, value] of Object.entries(patch)) {
    const parts = path.split('.');
    let at = out;
    for (const part of parts.slice(0, -1)) {
      const next = at[part];
      at[part] = typeof next === 'object' && next !== null ? { ...next } : {};
      at = at[part] as Record<string, unknown>;
    }
    at[parts[parts.length - 1]] = value;
  }
  return out as T;
}
