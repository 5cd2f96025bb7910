import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { DataError, locate } from './errors';
import { type IRawRow, requireColumns, rowsToDataset } from './tabular';
import type { IDataset, IDatasetFileSpec } from './types';

/** Default max length for local files (PAPER.md's longer setting). */
export const FILE_MAX_LENGTH = 50;

/** Format of a data file: the spec's `format`, else the file extension. */
export function fileFormat(
  spec: IDatasetFileSpec
): 'csv' | 'jsonl' | 'parquet' {
  if (spec.format) {
    return spec.format;
  }
  const ext = path.extname(spec.path).toLowerCase();
  if (ext === '.csv' || ext === '.tsv') {
    return 'csv';
  }
  if (ext === '.jsonl' || ext === '.ndjson') {
    return 'jsonl';
  }
  if (ext === '.parquet') {
    return 'parquet';
  }
  throw new DataError(
    `${spec.path}: cannot tell the format from the extension "${ext}"; set format to "csv", "jsonl" or "parquet"`,
    { file: spec.path }
  );
}

/** Byte offset of the first invalid UTF-8 sequence, or -1 when the buffer is valid UTF-8. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let n = 0;
    let min = 0;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      n = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      n = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 3;
      min = 0x10000;
    } else {
      return i;
    }
    let cp = b & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) {
        return i;
      }
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return i;
    }
    i += n + 1;
  }
  return -1;
}

/** Reads a text file; with invalid UTF-8 returns the lossy text plus the byte offset and line. */
function readText(file: string): {
  text: string;
  badByte: number;
  badLine: number;
} {
  const bytes = readFileSync(file);
  const bad = firstInvalidUtf8(bytes);
  let badLine = -1;
  if (bad >= 0) {
    badLine = 1;
    for (let i = 0; i < bad; i++) {
      if (bytes[i] === 0x0a) {
        badLine++;
      }
    }
  }
  return {
    text: new TextDecoder('utf-8').decode(bytes),
    badByte: bad,
    badLine
  };
}

/** Names the row and column holding the first invalid byte, or the line where no row matches. */
function nonUtf8Error(
  file: string,
  rows: IRawRow[],
  columns: string[],
  badByte: number,
  badLine: number
): DataError {
  for (const r of rows) {
    for (const c of columns) {
      const v = r.values[c];
      if (typeof v === 'string' && v.includes('\ufffd')) {
        return new DataError(
          `${locate(file, r.where, c)}: bytes that are not UTF-8 (first at byte ${badByte}, line ${badLine}); re-save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)`,
          { file, row: r.row, column: c, line: badLine }
        );
      }
    }
  }
  return new DataError(
    `${file}, line ${badLine}: bytes that are not UTF-8 (first at byte ${badByte}); re-save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)`,
    { file, line: badLine }
  );
}

function ensureNotEmpty(file: string): void {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    throw new DataError(
      `${file}: cannot read data file (${(e as Error).message})`,
      { file }
    );
  }
  if (size === 0) {
    throw new DataError(`${file}: the file is empty (0 bytes)`, { file });
  }
}

/** One parsed CSV record with the file line it ended on (for error messages). */
export interface ICsvRecord {
  record: Record<string, string>;
  info: { lines: number };
}

/**
 * Parses CSV text with a header row (trimmed column names); a parse error becomes a DataError
 * naming the file.
 */
export function parseCsvRecords(
  text: string,
  file: string,
  delimiter = ','
): { columns: string[]; records: ICsvRecord[] } {
  let columns: string[] = [];
  try {
    const records = parseCsv(text, {
      bom: true,
      delimiter,
      skip_empty_lines: true,
      info: true,
      columns: (header: string[]) => {
        columns = header.map(h => h.trim());
        const first = new Map<string, number>();
        columns.forEach((name, i) => {
          const seen = first.get(name);
          if (seen !== undefined) {
            // Otherwise the last column of that name silently wins.
            throw new DataError(
              `${file}: the header names column ${JSON.stringify(name)} twice (columns ${seen + 1} and ${i + 1}); rename one so each column has its own name`,
              { file, column: name }
            );
          }
          first.set(name, i);
        });
        return columns;
      }
    }) as unknown as ICsvRecord[];
    return { columns, records };
  } catch (e) {
    if (e instanceof DataError) {
      throw e;
    }
    throw new DataError(`${file}: not valid CSV: ${(e as Error).message}`, {
      file
    });
  }
}

function csvRows(
  spec: IDatasetFileSpec,
  file: string
): { rows: IRawRow[]; columns: string[] } {
  const { text, badByte, badLine } = readText(file);
  if (text.trim() === '') {
    throw new DataError(`${file}: the file is empty (only whitespace)`, {
      file
    });
  }
  const delimiter = path.extname(file).toLowerCase() === '.tsv' ? '\t' : ',';
  const { columns, records } = parseCsvRecords(text, file, delimiter);
  const rows = records.map((r, i) => ({
    values: r.record,
    where: `row ${i + 1} (line ${r.info.lines})`,
    row: i + 1
  }));
  requireColumns(file, columns, roles(spec));
  if (badByte >= 0) {
    throw nonUtf8Error(file, rows, columns, badByte, badLine);
  }
  return { rows, columns };
}

function jsonlRows(spec: IDatasetFileSpec, file: string): IRawRow[] {
  const { text, badByte, badLine } = readText(file);
  if (text.trim() === '') {
    throw new DataError(`${file}: the file is empty (only whitespace)`, {
      file
    });
  }
  const rows: IRawRow[] = [];
  const columns = new Set<string>();
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') {
      return;
    }
    const where = `line ${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new DataError(
        `${file}, ${where}: not valid JSON (${(e as Error).message})`,
        {
          file,
          line: i + 1
        }
      );
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new DataError(
        `${file}, ${where}: each line must be a JSON object, got ${line.slice(0, 40)}`,
        {
          file,
          line: i + 1
        }
      );
    }
    Object.keys(value).forEach(k => columns.add(k));
    rows.push({
      values: value as Record<string, unknown>,
      where,
      row: rows.length + 1
    });
  });
  if (badByte >= 0) {
    throw nonUtf8Error(file, rows, [...columns], badByte, badLine);
  }
  // JSONL rows may omit keys; a column missing from every row is the mapping's fault.
  requireColumns(file, [...columns], roles(spec));
  for (const r of rows) {
    for (const { role, name } of roles(spec)) {
      if (name !== undefined && !(name in r.values)) {
        throw new DataError(
          `${locate(file, r.where, name)}: the ${role} column is missing from this row`,
          {
            file,
            row: r.row,
            column: name
          }
        );
      }
    }
  }
  return rows;
}

/** Reads the named columns of a Parquet file into rows (all row groups). */
export async function parquetRows(
  file: string,
  bytes: ArrayBuffer,
  wanted: { role: string; name: string | undefined }[]
): Promise<IRawRow[]> {
  let columns: string[];
  try {
    const meta = parquetMetadata(bytes);
    columns = parquetSchema(meta).children.map(c => c.element.name);
  } catch (e) {
    throw new DataError(
      `${file}: not a readable Parquet file (${(e as Error).message})`,
      { file }
    );
  }
  requireColumns(file, columns, wanted);
  const names = wanted
    .map(w => w.name)
    .filter((n): n is string => n !== undefined);
  const objects = (await parquetReadObjects({
    file: bytes,
    columns: names,
    compressors
  })) as Record<string, unknown>[];
  return objects.map((values, i) => ({
    values,
    where: `row ${i + 1}`,
    row: i + 1
  }));
}

function roles(
  spec: IDatasetFileSpec
): { role: string; name: string | undefined }[] {
  return [
    { role: 'text', name: spec.textColumn },
    { role: 'pair', name: spec.pairColumn },
    { role: 'label', name: spec.labelColumn }
  ];
}

/**
 * Loads a local CSV (or TSV), JSONL or Parquet file with the spec's column mapping. Bad input
 * (empty file, missing column, unknown or mixed-type labels, non-UTF-8 bytes) is a DataError that
 * names the file, row and column.
 */
export async function loadFile(spec: IDatasetFileSpec): Promise<IDataset> {
  const file = path.resolve(spec.path);
  ensureNotEmpty(file);
  const format = fileFormat(spec);
  let rows: IRawRow[];
  if (format === 'csv') {
    rows = csvRows(spec, file).rows;
  } else if (format === 'jsonl') {
    rows = jsonlRows(spec, file);
  } else {
    const buf = readFileSync(file);
    rows = await parquetRows(
      file,
      buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength),
      roles(spec)
    );
  }
  return rowsToDataset(
    `file:${file}`,
    rows,
    {
      file,
      textColumn: spec.textColumn,
      pairColumn: spec.pairColumn,
      labelColumn: spec.labelColumn,
      labels: spec.labels,
      labelsAreText: format === 'csv',
      warnReplacementChar: format === 'parquet'
    },
    FILE_MAX_LENGTH
  );
}
