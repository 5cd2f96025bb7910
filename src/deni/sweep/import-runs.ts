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

/** What an import did to one sweep of the file. */
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

/** The line `deni import` and `%deni import` print for one imported sweep. */
export function formatImportSummary(
  r: IImportSummary,
  storeFile: string
): string {
  return (
    `sweep ${r.sweep}: ${r.imported} run(s) imported, ${r.skipped} identical skipped` +
    (r.unfinished ? `, ${r.unfinished} unfinished` : '') +
    ` (${r.sweepAdded ? 'sweep added' : 'sweep already known'}) into ${storeFile}`
  );
}

/** A file `deni import` cannot take; the message names the file (and line). */
export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportError';
  }
}

/** One sweep's section of a runs file: its header, where it starts, and its runs. */
interface ISection {
  header: IRunsHeader;
  /** Line number (1-based) of the header in the file. */
  line: number;
  runs: IRunLine[];
  /** Line number of each run line, parallel to runs. */
  runLines: number[];
}

/** Checks a header line: the format tag, a version this deni reads, and sweep, spec and total. */
function checkHeader(
  value: Partial<IRunsHeader>,
  line: number,
  file: string
): IRunsHeader {
  if (value.format !== RUNS_FORMAT) {
    throw new ImportError(
      `${file}, line ${line}: not a deni runs export (expected {"format": "${RUNS_FORMAT}", ...}, written by \`deni export <sweep> --format jsonl\`)`
    );
  }
  if (
    typeof value.version !== 'number' ||
    value.version > RUNS_FORMAT_VERSION
  ) {
    throw new ImportError(
      `${file} is ${RUNS_FORMAT} format version ${String(value.version)}` +
        (line > 1 ? ` (line ${line})` : '') +
        `; this deni reads versions up to ${RUNS_FORMAT_VERSION}: upgrade jupyterlab-deni`
    );
  }
  if (
    typeof value.sweep !== 'string' ||
    !value.spec ||
    typeof value.total !== 'number'
  ) {
    throw new ImportError(
      `${file}, line ${line}: the header lacks sweep, spec or total`
    );
  }
  return value as IRunsHeader;
}

/** Checks a run line: position, runSpec with its key, and a stored row of the same key (or null). */
function checkRunLine(
  value: Partial<IRunLine>,
  line: number,
  file: string
): IRunLine {
  if (
    typeof value.position !== 'number' ||
    !value.runSpec ||
    typeof value.runSpec.key !== 'string' ||
    value.stored === undefined
  ) {
    throw new ImportError(
      `${file}, line ${line}: a run line needs position, runSpec (with key) and stored (null when unfinished)`
    );
  }
  if (value.stored && value.stored.key !== value.runSpec.key) {
    throw new ImportError(
      `${file}, line ${line}: stored run key ${String(value.stored.key)} differs from runSpec.key ${value.runSpec.key}`
    );
  }
  return value as IRunLine;
}

/**
 * The sections of a runs file. A line whose object has a `format` field starts a section (a
 * header); every other line is a run of the section above it. The file must start with a header.
 */
function parseSections(text: string, file: string): ISection[] {
  const sections: ISection[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') {
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      throw new ImportError(
        `${file}, line ${line}: not valid JSON (${(e as Error).message})`
      );
    }
    const isObject = typeof value === 'object' && value !== null;
    if (sections.length === 0 || (isObject && 'format' in (value as object))) {
      const header = checkHeader(
        (isObject ? value : {}) as Partial<IRunsHeader>,
        line,
        file
      );
      const earlier = sections.find(s => s.header.sweep === header.sweep);
      if (earlier) {
        throw new ImportError(
          `${file}, line ${line}: sweep '${header.sweep}' has a second section (the first starts at line ${earlier.line}); a runs file holds each sweep once`
        );
      }
      sections.push({ header, line, runs: [], runLines: [] });
      return;
    }
    const section = sections[sections.length - 1];
    section.runs.push(
      checkRunLine((isObject ? value : {}) as Partial<IRunLine>, line, file)
    );
    section.runLines.push(line);
  });
  if (sections.length === 0) {
    throw new ImportError(
      `${file}, line 1: not a deni runs export (the file is empty; write one with \`deni export <sweep> --format jsonl\`)`
    );
  }
  sections.forEach(({ header, line, runs, runLines }) => {
    if (runs.length !== header.total) {
      throw new ImportError(
        sections.length === 1
          ? `${file}: the header says ${header.total} runs, the file has ${runs.length}`
          : `${file}, line ${line}: the header of sweep '${header.sweep}' says ${header.total} runs, its section has ${runs.length}`
      );
    }
    runs.forEach((r, i) => {
      if (r.position !== i) {
        throw new ImportError(
          `${file}: run line ${runLines[i]} has position ${r.position}, expected ${i}` +
            (sections.length > 1 ? ` (sweep '${header.sweep}')` : '')
        );
      }
    });
  });
  return sections;
}

/** Imports one section; runs inside the caller's transaction. */
function importSection(
  store: ResultStore,
  { header, line, runs, runLines }: ISection,
  file: string
): IImportSummary {
  let imported = 0;
  let skipped = 0;
  let unfinished = 0;
  runs.forEach((r, i) => {
    if (!r.stored) {
      unfinished += 1;
      return;
    }
    const row = storedRowOf(r.stored);
    const existing = store.storedRow(row.key as string);
    if (existing) {
      if (existing.result !== row.result) {
        throw new ImportError(
          `${file}, line ${runLines[i]}: run ${String(row.key)} (sweep '${header.sweep}') is already in ${store.file} with different values ` +
            '(a run of the same configuration and seeds computed elsewhere); nothing was imported'
        );
      }
      skipped += 1;
      return;
    }
    store.insertStoredRow(row);
    imported += 1;
  });
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
        `${file}, line ${line}: sweep '${header.sweep}' is already in ${store.file} with a different definition; ` +
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
}

/**
 * `deni import FILE`: seeds a store from a JSON Lines export of one or more sweeps. Identical
 * runs (same key, same stored result) are skipped; a run whose key is stored with a different
 * result, or a sweep of the same name defined differently, is an error naming it. Every section
 * is written in one transaction, so a failed import (in any section) leaves the store as it
 * was. Returns one summary per sweep, in file order.
 */
export function importRuns(
  store: ResultStore,
  text: string,
  file: string
): IImportSummary[] {
  const sections = parseSections(text, file);
  return store.transaction(() =>
    sections.map(section => importSection(store, section, file))
  );
}

/** Reads and imports a file (see importRuns). */
export function importRunsFile(
  store: ResultStore,
  file: string
): IImportSummary[] {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    throw new ImportError(`cannot read ${abs}: ${(e as Error).message}`);
  }
  return importRuns(store, text, file);
}
