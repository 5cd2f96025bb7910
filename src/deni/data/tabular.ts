import { DataError, locate } from './errors';
import { joinPair } from './pair';
import type { IDataset, IExample } from './types';

/** A parsed row with a human-readable location ("row 3 (line 4)"). */
export interface IRawRow {
  values: Record<string, unknown>;
  /** Where the row is, for messages: "row 3 (line 4)", "line 7", "row 12". */
  where: string;
  /** 1-based data-row number. */
  row: number;
}

/** How raw rows become samples. */
export interface IColumnMapping {
  /** File or URL, for messages. */
  file: string;
  textColumn: string;
  pairColumn?: string;
  labelColumn: string;
  /** Class names in label order; when given, any other label value is an error. */
  labels?: string[];
  /** Text formats (CSV) carry integers as text: parse all-integer label columns as integers. */
  labelsAreText?: boolean;
  /** Hub conventions: a label of -1 or null marks an unlabelled row, dropped (GLUE test splits). */
  dropUnlabelled?: boolean;
  /** Also warn on U+FFFD in text (formats whose reader replaces invalid UTF-8 silently). */
  warnReplacementChar?: boolean;
}

type LabelValue =
  { kind: 'int'; value: number } | { kind: 'text'; value: string };

function asText(v: unknown): string | null {
  if (v === null || v === undefined) {
    return null;
  }
  if (typeof v === 'string') {
    return v;
  }
  if (
    typeof v === 'number' ||
    typeof v === 'bigint' ||
    typeof v === 'boolean'
  ) {
    return String(v);
  }
  return JSON.stringify(v);
}

/** Reads one label cell; null means "no label" (caller decides whether that is an error). */
function readLabel(
  v: unknown,
  m: IColumnMapping,
  where: string
): LabelValue | null {
  if (v === null || v === undefined || v === '') {
    return null;
  }
  if (typeof v === 'bigint') {
    return { kind: 'int', value: Number(v) };
  }
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) {
      throw new DataError(
        `${locate(m.file, where, m.labelColumn)}: label ${v} is not an integer; labels must be class indices (0, 1, ...) or class names`,
        { file: m.file, column: m.labelColumn }
      );
    }
    return { kind: 'int', value: v };
  }
  if (typeof v === 'boolean') {
    return { kind: 'text', value: String(v) };
  }
  if (typeof v === 'string') {
    const s = v.trim();
    if (m.labelsAreText && /^-?\d+$/.test(s)) {
      return { kind: 'int', value: Number(s) };
    }
    return { kind: 'text', value: s };
  }
  throw new DataError(
    `${locate(m.file, where, m.labelColumn)}: label ${JSON.stringify(v)} is neither a class index nor a class name`,
    { file: m.file, column: m.labelColumn }
  );
}

/** Throws a clear error when a column is absent, listing the columns the source does have. */
export function requireColumns(
  file: string,
  available: string[],
  wanted: { role: string; name: string | undefined }[]
): void {
  for (const { role, name } of wanted) {
    if (name !== undefined && !available.includes(name)) {
      throw new DataError(
        `${file}: ${role} column "${name}" not found; columns are: ${available.map(c => JSON.stringify(c)).join(', ')}`,
        { file, column: name }
      );
    }
  }
}

/**
 * Maps raw rows to an IDataset: text (+ pair, joined as PAPER.md), label checked for type mixing,
 * unknown classes and missing values. Rows with empty text are dropped with a warning naming them.
 */
export function rowsToDataset(
  id: string,
  rows: IRawRow[],
  m: IColumnMapping,
  maxLength: number
): IDataset {
  if (rows.length === 0) {
    throw new DataError(
      `${m.file}: no data rows (the file is empty or has only a header)`,
      {
        file: m.file
      }
    );
  }
  const warnings: string[] = [];
  const kept: { text: string; label: LabelValue; where: string }[] = [];
  let firstInt: string | undefined;
  let firstText: string | undefined;
  let unlabelled = 0;
  const emptyRows: string[] = [];
  const replacementRows: string[] = [];
  for (const r of rows) {
    const label = readLabel(r.values[m.labelColumn], m, r.where);
    if (
      label === null ||
      (m.dropUnlabelled && label.kind === 'int' && label.value === -1)
    ) {
      if (m.dropUnlabelled) {
        unlabelled++;
        continue;
      }
      throw new DataError(
        `${locate(m.file, r.where, m.labelColumn)}: missing label; every row needs a class`,
        { file: m.file, row: r.row, column: m.labelColumn }
      );
    }
    if (label.kind === 'int' && firstInt === undefined) {
      firstInt = `${r.where} has ${label.value}`;
    }
    if (label.kind === 'text' && firstText === undefined) {
      firstText = `${r.where} has ${JSON.stringify(label.value)}`;
    }
    if (firstInt !== undefined && firstText !== undefined) {
      throw new DataError(
        `${locate(m.file, undefined, m.labelColumn)}: label values mix class indices and class names (${firstInt}, ${firstText}); use one kind throughout`,
        { file: m.file, row: r.row, column: m.labelColumn }
      );
    }
    const a = asText(r.values[m.textColumn]);
    const b = m.pairColumn === undefined ? '' : asText(r.values[m.pairColumn]);
    if (
      a === null ||
      a.trim() === '' ||
      b === null ||
      (m.pairColumn !== undefined && b.trim() === '')
    ) {
      emptyRows.push(r.where);
      continue;
    }
    const text =
      m.pairColumn === undefined ? a.trim() : joinPair(a.trim(), b.trim());
    if (m.warnReplacementChar && text.includes('\ufffd')) {
      replacementRows.push(r.where);
    }
    kept.push({ text, label, where: r.where });
  }
  if (unlabelled > 0) {
    warnings.push(
      `${m.file}: ${unlabelled} unlabelled row(s) (label -1 or empty) dropped`
    );
  }
  if (emptyRows.length > 0) {
    const cols = [m.textColumn, m.pairColumn]
      .filter(c => c !== undefined)
      .join('"/"');
    warnings.push(
      `${m.file}: ${emptyRows.length} row(s) with empty text in column "${cols}" skipped (${emptyRows.slice(0, 5).join('; ')}${emptyRows.length > 5 ? '; ...' : ''})`
    );
  }
  if (replacementRows.length > 0) {
    warnings.push(
      `${m.file}: ${replacementRows.length} row(s) contain U+FFFD replacement characters, a sign of non-UTF-8 bytes in the source (${replacementRows.slice(0, 5).join('; ')})`
    );
  }
  if (kept.length === 0) {
    throw new DataError(
      `${m.file}: no usable rows (all were unlabelled or had empty text)`,
      {
        file: m.file
      }
    );
  }
  const labels = m.labels ?? inferLabels(kept.map(k => k.label));
  const examples: IExample[] = kept.map(k => ({
    text: k.text,
    label: labelIndex(k.label, labels, m, k.where, m.labels !== undefined)
  }));
  return { id, labels, examples, maxLength, warnings };
}

/** Class names found in the data: indices 0..max as "0".."max", or sorted distinct names. */
function inferLabels(values: LabelValue[]): string[] {
  if (values[0].kind === 'int') {
    // reduce, not Math.max(...xs): large sets overflow the argument limit.
    const max = values.reduce((m, v) => Math.max(m, v.value as number), 0);
    return Array.from({ length: max + 1 }, (_, i) => String(i));
  }
  return [...new Set(values.map(v => v.value as string))].sort();
}

function labelIndex(
  v: LabelValue,
  labels: string[],
  m: IColumnMapping,
  where: string,
  declared: boolean
): number {
  const valid = declared
    ? `valid: ${labels.map((l, i) => `${i}=${JSON.stringify(l)}`).join(', ')}`
    : 'class indices must be 0, 1, 2, ...';
  if (v.kind === 'int') {
    // Declared names that are numbers ("1".."5" star ratings) match by name, not by position.
    if (declared && labels.includes(String(v.value))) {
      return labels.indexOf(String(v.value));
    }
    if (v.value < 0 || v.value >= labels.length) {
      throw new DataError(
        `${locate(m.file, where, m.labelColumn)}: unknown label ${v.value} (${valid})`,
        { file: m.file, column: m.labelColumn }
      );
    }
    return v.value;
  }
  const i = labels.indexOf(v.value);
  if (i < 0) {
    throw new DataError(
      `${locate(m.file, where, m.labelColumn)}: unknown label ${JSON.stringify(v.value)} (${valid})`,
      { file: m.file, column: m.labelColumn }
    );
  }
  return i;
}
