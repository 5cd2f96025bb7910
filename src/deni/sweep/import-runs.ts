import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  RUNS_FORMAT,
  RUNS_FORMAT_VERSION,
  storedRowOf,
  type IRunLine,
  type IRunsHeader
} from './jsonl-export';
import { canonicalJson } from './run-key';
import type { ResultStore } from './store';

/** What an import did. */
export interface IImportSummary {
  sweep: string;
  /** Runs written to the store. */
  imported: number;
  /** Runs already stored with identical values. */
  skipped: number;
  /** Runs of the sweep without a result in the file. */
  unfinished: number;
  /** Whether the sweep's definition was new to the store. */
  sweepAdded: boolean;
}

/** A file `deni import` cannot take; the message names the file (and line). */
export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportError';
  }
}

function parseLines(
  text: string,
  file: string
): { header: IRunsHeader; runs: IRunLine[] } {
  const lines = text.split('\n');
  const values: { value: unknown; line: number }[] = [];
  lines.forEach((raw, i) => {
    if (raw.trim() === '') {
      return;
    }
    try {
      values.push({ value: JSON.parse(raw), line: i + 1 });
    } catch (e) {
      throw new ImportError(
        `${file}, line ${i + 1}: not valid JSON (${(e as Error).message})`
      );
    }
  });
  const first = values[0]?.value as Partial<IRunsHeader> | undefined;
  if (!first || first.format !== RUNS_FORMAT) {
    throw new ImportError(
      `${file}, line 1: not a deni runs export (expected {"format": "${RUNS_FORMAT}", ...}, written by \`deni export <sweep> --format jsonl\`)`
    );
  }
  if (
    typeof first.version !== 'number' ||
    first.version > RUNS_FORMAT_VERSION
  ) {
    throw new ImportError(
      `${file} is ${RUNS_FORMAT} format version ${String(first.version)}; this deni reads versions up to ${RUNS_FORMAT_VERSION}: upgrade jupyterlab-deni`
    );
  }
  if (
    typeof first.sweep !== 'string' ||
    !first.spec ||
    typeof first.total !== 'number'
  ) {
    throw new ImportError(
      `${file}, line 1: the header lacks sweep, spec or total`
    );
  }
  const runs = values.slice(1).map(({ value, line }) => {
    const r = value as Partial<IRunLine>;
    if (
      typeof r.position !== 'number' ||
      !r.runSpec ||
      typeof r.runSpec.key !== 'string' ||
      r.stored === undefined
    ) {
      throw new ImportError(
        `${file}, line ${line}: a run line needs position, runSpec (with key) and stored (null when unfinished)`
      );
    }
    if (r.stored && r.stored.key !== r.runSpec.key) {
      throw new ImportError(
        `${file}, line ${line}: stored run key ${String(r.stored.key)} differs from runSpec.key ${r.runSpec.key}`
      );
    }
    return r as IRunLine;
  });
  const header = first as IRunsHeader;
  if (runs.length !== header.total) {
    throw new ImportError(
      `${file}: the header says ${header.total} runs, the file has ${runs.length}`
    );
  }
  runs.forEach((r, i) => {
    if (r.position !== i) {
      throw new ImportError(
        `${file}: run line ${i + 2} has position ${r.position}, expected ${i}`
      );
    }
  });
  return { header, runs };
}

/**
 * `deni import FILE`: seeds a store from a JSON Lines export. Identical runs (same key, same
 * stored result) are skipped; a run whose key is stored with a different result, or a sweep of
 * the same name defined differently, is an error naming it; everything is written in one
 * transaction, so a failed import leaves the store as it was.
 */
export function importRuns(
  store: ResultStore,
  text: string,
  file: string
): IImportSummary {
  const { header, runs } = parseLines(text, file);
  return store.transaction(() => {
    let imported = 0;
    let skipped = 0;
    let unfinished = 0;
    for (const r of runs) {
      if (!r.stored) {
        unfinished += 1;
        continue;
      }
      const row = storedRowOf(r.stored);
      const existing = store.storedRow(row.key as string);
      if (existing) {
        if (existing.result !== row.result) {
          throw new ImportError(
            `${file}: run ${String(row.key)} is already in ${store.file} with different values ` +
              '(a run of the same configuration and seeds computed elsewhere); nothing was imported'
          );
        }
        skipped += 1;
        continue;
      }
      store.insertStoredRow(row);
      imported += 1;
    }
    const known = store.sweep(header.sweep);
    const keys = runs.map(r => r.runSpec.key);
    let sweepAdded = false;
    if (known) {
      const same =
        canonicalJson(known.spec) === canonicalJson(header.spec) &&
        canonicalJson(store.runSpecs(header.sweep).map(s => s.key)) ===
          canonicalJson(keys);
      if (!same) {
        throw new ImportError(
          `${file}: sweep '${header.sweep}' is already in ${store.file} with a different definition; ` +
            'import into another store (--store) or rename the sweep there; nothing was imported'
        );
      }
    } else {
      store.registerSweep(
        header.spec,
        runs.map(r => r.runSpec)
      );
      sweepAdded = true;
    }
    return { sweep: header.sweep, imported, skipped, unfinished, sweepAdded };
  });
}

/** Reads and imports a file (see importRuns). */
export function importRunsFile(
  store: ResultStore,
  file: string
): IImportSummary {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    throw new ImportError(`cannot read ${abs}: ${(e as Error).message}`);
  }
  return importRuns(store, text, file);
}
