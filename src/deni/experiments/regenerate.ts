import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildReport } from '../report';
import { selectTables, type TableChoice, TABLE_CHOICES } from '../report/cells';
import {
  paperTableMarkdown,
  plainTableMarkdown
} from '../report/render-markdown';
import type { IReportBundle } from '../report/types';
import { importRunsFile } from '../sweep/import-runs';
import { ResultStore } from '../sweep/store';

/**
 * `deni experiments`: regenerates the tables and figures of EXPERIMENTS.md from the committed
 * runs (`experiments/<study>/runs.jsonl`), without training. EXPERIMENTS.md marks what is
 * generated:
 *
 *     <!-- deni:tables STUDY/SWEEP paper,stats,cost -->   ...tables...   <!-- /deni:tables -->
 *     <!-- deni:figure STUDY/SWEEP FIGURE_ID PATH.png -->
 *
 * A runs file holds one or more sweeps (one section each), and each sweep is one report. A tables
 * block is replaced by the Markdown of those report tables of the addressed sweep (any kinds of
 * TABLE_CHOICES, e.g. `paper,stats,cost` or `byrun,paired`); a figure marker
 * writes the report's plotly figure spec to PATH.plotly.json (and, with a renderer, the PNG).
 * Plain `STUDY` addresses a study whose runs file holds exactly one sweep. Reports use bootstrap
 * seed 0, as `deni report` does by default.
 */

/** Name of the runs file in each study folder. */
export const RUNS_FILE = 'runs.jsonl';

// STUDY or STUDY/SWEEP (a study folder name, a sweep name).
const ADDRESS = '[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)?';
const TABLES_BLOCK = new RegExp(
  `<!-- deni:tables (${ADDRESS}) ([a-z,]+) -->\\n[\\s\\S]*?<!-- /deni:tables -->`,
  'g'
);
const FIGURE_MARK = new RegExp(
  `<!-- deni:figure (${ADDRESS}) ([a-z0-9-]+) (\\S+\\.png) -->`,
  'g'
);

/** Reports of one study: sweep name -> report, in the runs file's order. */
export type StudyReports = Map<string, IReportBundle>;

/**
 * Reports of every study under `dir`, by study folder name: one report per sweep of the study's
 * runs file.
 */
export function studyReports(dir: string): Map<string, StudyReports> {
  const out = new Map<string, StudyReports>();
  if (!existsSync(dir)) {
    return out;
  }
  for (const study of readdirSync(dir).sort()) {
    const file = path.join(dir, study, RUNS_FILE);
    if (!existsSync(file)) {
      continue;
    }
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'deni-experiments-'));
    const store = ResultStore.open(path.join(tmp, 'runs.sqlite'));
    try {
      const reports: StudyReports = new Map();
      for (const { sweep } of importRunsFile(store, file)) {
        const info = store.sweep(sweep);
        const results = store.results(sweep);
        reports.set(
          sweep,
          buildReport(sweep, results, {
            status:
              info && results.length >= info.total ? 'done' : 'interrupted',
            seed: 0,
            progress: {
              sweep,
              done: results.length,
              total: info?.total ?? results.length,
              cached: results.length,
              failed: 0
            }
          })
        );
      }
      out.set(study, reports);
    } finally {
      store.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  return out;
}

/** The Markdown of the chosen tables of a report. */
export function tablesMarkdown(
  bundle: IReportBundle,
  choice: TableChoice[]
): string {
  const { paper, plain } = selectTables(bundle, choice);
  const parts = [
    ...paper.map(paperTableMarkdown),
    ...(paper.length > 0
      ? ['Bold: best mean of the column; italic: lowest std.']
      : []),
    ...plain.map(plainTableMarkdown)
  ];
  return parts.join('\n\n');
}

/** What `regenerateDocument` produced. */
export interface IRegenerated {
  text: string;
  /** Figure files to write: path (relative to the document's folder) -> content. */
  figures: Map<string, string>;
  /** Studies whose tables or figures the document shows (folder names). */
  studies: string[];
  /** The sweeps shown, as STUDY/SWEEP. */
  sweeps: string[];
}

/**
 * The document with every tables block regenerated from `reports`, and the figure specs its
 * figure markers name. A block or marker naming a study without runs, a sweep its runs file does
 * not hold, or a plain STUDY whose file holds several sweeps is an error naming what exists.
 */
export function regenerateDocument(
  doc: string,
  reports: Map<string, StudyReports>,
  docName = 'EXPERIMENTS.md'
): IRegenerated {
  const studies = new Set<string>();
  const sweeps = new Set<string>();
  const need = (address: string): IReportBundle => {
    const [study, sweep] = address.split('/');
    const runs = `experiments/${study}/${RUNS_FILE}`;
    const byStudy = reports.get(study);
    if (!byStudy) {
      throw new Error(
        `${docName} shows study '${study}', but ${runs} does not exist ` +
          `(studies with runs: ${[...reports.keys()].join(', ') || 'none'})`
      );
    }
    const names = [...byStudy.keys()];
    let name: string;
    if (sweep !== undefined) {
      if (!byStudy.has(sweep)) {
        throw new Error(
          `${docName} shows '${address}', but ${runs} holds no sweep '${sweep}' ` +
            `(its sweeps: ${names.join(', ') || 'none'})`
        );
      }
      name = sweep;
    } else if (names.length === 1) {
      name = names[0];
    } else {
      throw new Error(
        `${docName} shows study '${study}', but ${runs} holds ${names.length} sweeps: ` +
          `address one as ${names.map(n => `${study}/${n}`).join(', ')}`
      );
    }
    studies.add(study);
    sweeps.add(`${study}/${name}`);
    return byStudy.get(name)!;
  };
  const text = doc.replace(
    TABLES_BLOCK,
    (_all, address: string, list: string) => {
      const choice = list.split(',') as TableChoice[];
      for (const c of choice) {
        if (!TABLE_CHOICES.includes(c)) {
          throw new Error(
            `${docName}: unknown table '${c}' for study '${address}' (valid: ${TABLE_CHOICES.join(', ')})`
          );
        }
      }
      return `<!-- deni:tables ${address} ${list} -->\n\n${tablesMarkdown(need(address), choice)}\n\n<!-- /deni:tables -->`;
    }
  );
  const figures = new Map<string, string>();
  for (const m of doc.matchAll(FIGURE_MARK)) {
    const [, address, id, png] = m;
    const bundle = need(address);
    const fig = bundle.figures.find(f => f.id === id);
    if (!fig) {
      throw new Error(
        `${docName}: study '${address}' has no figure '${id}' (figures: ${bundle.figures
          .map(f => f.id)
          .join(', ')})`
      );
    }
    const rel = png.replace(/\.png$/, '.plotly.json');
    const spec = `${JSON.stringify(fig, null, 2)}\n`;
    if (figures.has(rel) && figures.get(rel) !== spec) {
      throw new Error(
        `${docName}: two different figures are drawn to ${png}; give each figure marker its own path`
      );
    }
    figures.set(rel, spec);
  }
  return { text, figures, studies: [...studies], sweeps: [...sweeps] };
}

/** Markdown or JSON as the repository's Prettier config formats it (a dev dependency). */
async function formatMarkdown(text: string, file: string): Promise<string> {
  const prettier = await import('prettier');
  const config = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(text, { ...config, filepath: file });
}

/** Options of regenerateExperiments. */
export interface IRegenerateOptions {
  /** Only compare: throw when the committed document or a figure spec differs. */
  check?: boolean;
}

/**
 * Regenerates `<root>/EXPERIMENTS.md` and its figure specs from `<root>/experiments/*`. With
 * `check`, writes nothing and throws naming what differs. Returns the figure specs written (or
 * checked), relative to root, for a PNG renderer.
 */
export async function regenerateExperiments(
  root: string,
  options: IRegenerateOptions = {}
): Promise<IRegenerated> {
  const docPath = path.join(root, 'EXPERIMENTS.md');
  const doc = readFileSync(docPath, 'utf8');
  const raw = regenerateDocument(
    doc,
    studyReports(path.join(root, 'experiments'))
  );
  // The repository's Markdown is Prettier-formatted (CI checks it): generated tables are too.
  const figures = new Map<string, string>();
  for (const [rel, content] of raw.figures) {
    figures.set(rel, await formatMarkdown(content, path.join(root, rel)));
  }
  const out = {
    ...raw,
    text: await formatMarkdown(raw.text, docPath),
    figures
  };
  const stale: string[] = [];
  if (out.text !== doc) {
    stale.push('EXPERIMENTS.md');
  }
  for (const [rel, content] of out.figures) {
    const file = path.join(root, rel);
    if (!existsSync(file) || readFileSync(file, 'utf8') !== content) {
      stale.push(rel);
    }
  }
  if (options.check) {
    if (stale.length > 0) {
      throw new Error(
        `out of date with experiments/*/${RUNS_FILE}: ${stale.join(', ')}; run \`npm run experiments\``
      );
    }
    return out;
  }
  writeFileSync(docPath, out.text);
  for (const [rel, content] of out.figures) {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return out;
}
