/**
 * The data set and model pickers' entries, read from the kernel's `%deni datasets --json` and
 * `%deni models --json` (the same lists as `deni datasets --json` / `deni models --json`), and
 * the column mapping of a local data file read from its header.
 */
import type { IQuietResult } from '../kernel/deni-kernel';

/** One entry of a picker. */
export interface IPickerChoice {
  value: string;
  label: string;
  /** Option group: e.g. `Built-in (offline)`, `Paper sets (cached)`, `Needs a download`. */
  group: string;
}

/** The kernel commands that list the choices. */
export const DATASETS_COMMAND = '%deni datasets --json';
export const MODELS_COMMAND = '%deni models --json';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function listOf(result: IQuietResult): Record<string, unknown>[] {
  if (result.error) {
    throw new Error(result.error);
  }
  for (const b of result.bundles) {
    const json = b['application/json'];
    if (isRecord(json) && Array.isArray(json.choices)) {
      return json.choices.filter(isRecord);
    }
  }
  throw new Error('the kernel returned no list');
}

const AVAILABILITY: Record<string, string> = {
  offline: 'Built-in (offline)',
  cached: 'Paper sets (cached here)',
  download: 'Paper sets (need a download)'
};

/** Data set entries: id, with size, classes and where it is. */
export function datasetChoices(result: IQuietResult): IPickerChoice[] {
  return listOf(result)
    .filter(c => typeof c.id === 'string')
    .map(c => {
      const size = typeof c.size === 'number' ? c.size : undefined;
      const classes = typeof c.classes === 'number' ? c.classes : undefined;
      const details = [
        size !== undefined
          ? `${size.toLocaleString('en-US')} samples`
          : undefined,
        classes !== undefined ? `${classes} classes` : undefined
      ].filter(Boolean);
      return {
        value: String(c.id),
        label: `${String(c.id)}${details.length ? ` (${details.join(', ')})` : ''}`,
        group: AVAILABILITY[String(c.availability)] ?? 'Other'
      };
    });
}

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(0)} MiB`;
}

/** Model entries: name, cached (with its size) or needing a download. */
export function modelChoices(result: IQuietResult): IPickerChoice[] {
  return listOf(result)
    .filter(c => typeof c.name === 'string')
    .map(c => {
      const size =
        typeof c.sizeBytes === 'number' ? `, ${mib(c.sizeBytes)}` : '';
      return {
        value: String(c.name),
        label: `${String(c.name)}${c.cached ? ` (cached${size})` : ''}`,
        group: c.cached ? 'Cached here' : 'Needs a download (Hugging Face Hub)'
      };
    });
}

/** Splits one CSV/TSV line, honouring double quotes. */
function splitLine(line: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        cur += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === sep) {
      out.push(cur.trim());
      cur = '';
    } else {
      cur += ch;
    }
  }
  out.push(cur.trim());
  return out;
}

/**
 * Column names of a local data file from its start: the header of a CSV/TSV (separator by
 * extension, else the more frequent of tab and comma), the keys of the first JSONL record.
 * Throws naming the file when none can be read (Parquet needs the kernel: enter the columns).
 */
export function headerColumns(path: string, text: string): string[] {
  const first = text.split(/\r?\n/).find(l => l.trim() !== '') ?? '';
  if (/\.jsonl?$/i.test(path)) {
    try {
      const rec: unknown = JSON.parse(first);
      if (isRecord(rec)) {
        return Object.keys(rec);
      }
    } catch {
      // fall through to the error
    }
    throw new Error(`${path}: the first line is not a JSON object`);
  }
  if (/\.parquet$/i.test(path)) {
    throw new Error(
      `${path}: Parquet columns cannot be read here; type the text and label columns`
    );
  }
  const sep = /\.tsv$/i.test(path)
    ? '\t'
    : (first.match(/\t/g)?.length ?? 0) > (first.match(/,/g)?.length ?? 0)
      ? '\t'
      : ',';
  const cols = splitLine(first, sep).filter(c => c !== '');
  if (cols.length < 2) {
    throw new Error(
      `${path}: the header has ${cols.length} column(s); a data file needs a text and a label column`
    );
  }
  return cols;
}

const TEXT_NAMES = [
  'text',
  'sentence',
  'content',
  'question',
  'review',
  'sentence1'
];
const LABEL_NAMES = [
  'label',
  'labels',
  'category',
  'class',
  'target',
  'intent'
];

/** A first guess of the text and label columns among `columns` (the user can change both). */
export function guessMapping(columns: string[]): {
  textColumn: string;
  labelColumn: string;
} {
  const find = (names: string[]) =>
    columns.find(c => names.includes(c.toLowerCase()));
  const textColumn = find(TEXT_NAMES) ?? columns[0];
  const labelColumn =
    find(LABEL_NAMES) ?? columns.find(c => c !== textColumn) ?? columns[0];
  return { textColumn, labelColumn };
}
