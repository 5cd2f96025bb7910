import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RunOneFn } from '../contract/types';

/**
 * The product's run function: `executeRun` of src/deni/run (which dispatches to the strategy).
 * Loaded lazily so that sweeps, the store and the CLI's other commands work without loading tfjs.
 */
export async function defaultRunOne(): Promise<RunOneFn> {
  const run = (await import('../run')) as {
    executeRun?: RunOneFn;
  };
  if (typeof run.executeRun !== 'function') {
    throw new Error(
      'src/deni/run does not export executeRun: the trainer is not available in this build'
    );
  }
  return run.executeRun;
}

/**
 * Loads a run function: the built-in trainer when `module` is undefined, otherwise the module at
 * `module` (a path, resolved against the working directory), which must export `runOne`,
 * `executeRun` or a default function with the RunOneFn signature.
 */
export async function loadRunner(module?: string): Promise<RunOneFn> {
  if (!module) {
    return defaultRunOne();
  }
  const url =
    /^[a-z]+:/i.test(module) && !/^[a-z]:[\\/]/i.test(module)
      ? module
      : pathToFileURL(path.resolve(module)).href;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (e) {
    throw new Error(
      `cannot load run module ${module}: ${(e as Error).message}`
    );
  }
  const fn = mod.runOne ?? mod.executeRun ?? mod.default;
  if (typeof fn !== 'function') {
    throw new Error(
      `run module ${module} exports no run function; export \`runOne(spec, { onProgress, signal })\` (got exports: ${Object.keys(mod).join(', ') || 'none'})`
    );
  }
  return fn as RunOneFn;
}
