import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Rng } from '../random';
import { DataError, locate } from './errors';
import { firstInvalidUtf8, parseCsvRecords } from './files';
import type { IExample } from './types';

/**
 * Paraphrase files for `augment` and `deni-augment` (PAPER.md baseline 8): the authors' per-data-set
 * paraphrase files are not published, so users bring their own. A file is CSV (header with the
 * columns `text` and `paraphrase`) or JSON Lines (`{"text": ..., "paraphrase": ...}` per line),
 * chosen by its extension (`.jsonl`/`.ndjson` = JSON Lines, anything else CSV); one row per
 * paraphrase, so a text with several paraphrases has several rows. `text` is a labelled sample's
 * text as the data set gives it (a sentence pair as "Sentence 1: {a}; Sentence 2: {b}").
 */

/** Paraphrases by original text, in file order. */
export type ParaphraseMap = Map<string, string[]>;

/** The columns / JSON fields of a paraphrase file. */
export const PARAPHRASE_COLUMNS = ['text', 'paraphrase'] as const;

function fail(
  file: string,
  row: number | undefined,
  line: number | undefined,
  message: string,
  column?: string
): never {
  const where =
    row === undefined
      ? undefined
      : `row ${row}${line !== undefined ? ` (line ${line})` : ''}`;
  throw new DataError(`${locate(file, where, column)}: ${message}`, {
    file,
    row,
    line,
    column
  });
}

function readRows(
  file: string
): { text: unknown; paraphrase: unknown; row: number; line: number }[] {
  if (!existsSync(file)) {
    throw new DataError(
      `paraphrase file ${file} not found (the strategy parameter 'paraphrases' names a CSV or JSONL file of text, paraphrase rows)`,
      { file }
    );
  }
  const bytes = readFileSync(file);
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) {
    const line = bytes.subarray(0, bad).toString('latin1').split('\n').length;
    fail(
      file,
      undefined,
      line,
      `line ${line}: bytes that are not UTF-8 (byte ${bad}); re-save as UTF-8`
    );
  }
  const text = bytes.toString('utf8');
  if (text.trim() === '') {
    throw new DataError(`${file}: the paraphrase file is empty`, { file });
  }
  if (/\.(jsonl|ndjson)$/i.test(file)) {
    const rows: {
      text: unknown;
      paraphrase: unknown;
      row: number;
      line: number;
    }[] = [];
    text.split(/\r?\n/).forEach((raw, i) => {
      if (raw.trim() === '') {
        return;
      }
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch (e) {
        fail(
          file,
          rows.length + 1,
          i + 1,
          `not valid JSON (${(e as Error).message})`
        );
      }
      if (!value || typeof value !== 'object' || Array.isArray(value)) {
        fail(
          file,
          rows.length + 1,
          i + 1,
          'expected an object {"text": ..., "paraphrase": ...}'
        );
      }
      const obj = value as Record<string, unknown>;
      rows.push({
        text: obj.text,
        paraphrase: obj.paraphrase,
        row: rows.length + 1,
        line: i + 1
      });
    });
    return rows;
  }
  const { columns, records } = parseCsvRecords(text, file);
  for (const col of PARAPHRASE_COLUMNS) {
    if (!columns.includes(col)) {
      throw new DataError(
        `${file}: paraphrase column "${col}" not found; a paraphrase file has the columns text,paraphrase (found: ${columns.join(', ')})`,
        { file, column: col }
      );
    }
  }
  return records.map((r, i) => ({
    text: r.record.text,
    paraphrase: r.record.paraphrase,
    row: i + 1,
    line: r.info.lines
  }));
}

/**
 * Reads a paraphrase file (CSV or JSON Lines of `text, paraphrase` rows). A missing, empty or
 * non-UTF-8 file, a missing column, or a row with an empty or non-string text or paraphrase is a
 * DataError naming the file and the row.
 */
export function loadParaphraseFile(file: string): ParaphraseMap {
  const abs = path.resolve(file);
  const out: ParaphraseMap = new Map();
  for (const r of readRows(abs)) {
    for (const col of PARAPHRASE_COLUMNS) {
      const v = r[col];
      if (typeof v !== 'string' || v.trim() === '') {
        fail(
          abs,
          r.row,
          r.line,
          `${col} is ${typeof v === 'string' ? 'empty' : JSON.stringify(v ?? null)}; every row needs a text and a paraphrase`,
          col
        );
      }
    }
    const key = (r.text as string).trim();
    const list = out.get(key) ?? [];
    list.push((r.paraphrase as string).trim());
    out.set(key, list);
  }
  return out;
}

/**
 * Every labelled sample followed by `k` of its paraphrases from the file, with the sample's
 * label; a sample with more than k is given k drawn with `rng` (the augment stream), in the
 * order drawn. A sample with fewer than k paraphrases is a DataError naming the file and the
 * text: mixing in another source would mislabel the strategy (augment(paraphrases)).
 */
export function augmentWithParaphrases(
  examples: IExample[],
  k: number,
  rng: Rng,
  paraphrases: ParaphraseMap,
  file: string
): IExample[] {
  if (!Number.isInteger(k) || k < 1) {
    throw new RangeError(
      `augment: k (paraphrases per sample) must be a positive integer, got ${String(k)}`
    );
  }
  const out: IExample[] = [];
  for (const ex of examples) {
    out.push(ex);
    const listed = paraphrases.get(ex.text.trim()) ?? [];
    if (listed.length < k) {
      throw new DataError(
        `${path.resolve(file)}: ${listed.length} paraphrase(s) for the labelled text ${JSON.stringify(ex.text)}, ` +
          `k = ${k} needed (add rows "text,paraphrase" for it, or lower k)`,
        { file: path.resolve(file) }
      );
    }
    const chosen =
      listed.length > k ? rng.shuffle(listed.slice()).slice(0, k) : listed;
    for (const text of chosen) {
      out.push({ text, label: ex.label });
    }
  }
  return out;
}
