/**
 * Loads the DENI engine library at run time: `deni.mjs` beside the kernel bundle (the build puts
 * dist/deni.mjs next to dist/kernel.mjs), or `src/deni` when the kernel runs from sources. The
 * kernel bundle does not contain the engine, so a kernel whose engine fails to load (a missing
 * native module, a broken import) still starts, runs code cells and explains the failure in the
 * magics, instead of dying before it can answer anything.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createEngine } from './engine';
import type { DeniLibrary, IDeniEngine } from './engine-types';

export type { DeniLibrary } from './engine-types';

/** Where the library is loaded from, for this kernel file. */
export function librarySpecifier(kernelFile: string): string {
  if (kernelFile.endsWith('.ts')) {
    return pathToFileURL(join(dirname(kernelFile), '../deni/index.ts')).href;
  }
  return pathToFileURL(join(dirname(kernelFile), 'deni.mjs')).href;
}

/** Imports the library (the specifier is computed, so the bundler leaves it out of kernel.mjs). */
export async function loadLibrary(kernelFile: string): Promise<DeniLibrary> {
  const specifier = librarySpecifier(kernelFile);
  const file = fileURLToPath(specifier);
  if (!existsSync(file)) {
    throw new Error(
      `DENI engine library ${file} not found; build it with \`npm run build:node\``
    );
  }
  return (await import(specifier)) as DeniLibrary;
}

/** An engine whose every use explains why the real one could not be loaded. */
export function unavailableEngine(cause: unknown): IDeniEngine {
  const message = `the DENI engine failed to load, so %deni magics and \`deni\` are unavailable: ${
    cause instanceof Error ? cause.message : String(cause)
  }`;
  const fail = (): never => {
    throw new Error(message);
  };
  const api = new Proxy(
    {},
    {
      get: (_target, key) =>
        key === Symbol.toStringTag ? 'DeniUnavailable' : fail()
    }
  );
  return {
    parseSweep: fail,
    runSweep: async () => fail(),
    report: async () => fail(),
    plan: fail,
    planJson: fail,
    studyPlan: async () => fail(),
    datasetChoices: fail,
    modelChoices: fail,
    datasets: async () => fail(),
    models: async () => fail(),
    doctor: async () => fail(),
    strategies: fail,
    storeStatus: async () => message,
    importRuns: async () => fail(),
    exportRuns: async () => fail(),
    specKeys: () => ({ top: {}, nested: {} }),
    specValues: () => ({}),
    progress: fail,
    api: () => api
  };
}

/** Loads the library and builds the engine, or an {@link unavailableEngine} with the reason. */
export async function loadEngine(
  kernelFile: string,
  log: (line: string) => void
): Promise<IDeniEngine> {
  try {
    return createEngine(await loadLibrary(kernelFile));
  } catch (err) {
    log(
      `engine failed to load: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`
    );
    return unavailableEngine(err);
  }
}
