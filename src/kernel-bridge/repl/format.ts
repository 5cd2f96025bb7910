/** Formats values of the REPL as MIME bundles (execute_result and `display`). */
import { inspect } from 'node:util';
import { JsonValue, MimeBundle } from '../protocol/messages';

/**
 * Objects carrying this symbol as a method return their own MIME bundle; engine objects (a
 * report) use it so that returning them from a cell renders like `%deni report`.
 */
export const MIME_BUNDLE = Symbol.for('deni.mimeBundle');

type MimeProvider = { [MIME_BUNDLE]: () => MimeBundle };

function hasBundle(value: unknown): value is MimeProvider {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<MimeProvider>)[MIME_BUNDLE] === 'function'
  );
}

/** Escapes text for HTML element content and attributes. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function isRowArray(value: unknown): value is Record<string, unknown>[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(
      row =>
        typeof row === 'object' &&
        row !== null &&
        !Array.isArray(row) &&
        !hasBundle(row)
    )
  );
}

const MAX_TABLE_ROWS = 200;

function cellText(value: unknown): string {
  if (typeof value === 'number') {
    return Number.isInteger(value) ? String(value) : value.toFixed(4);
  }
  if (typeof value === 'string') {
    return value;
  }
  return inspect(value, { depth: 1, breakLength: Infinity, maxArrayLength: 8 });
}

/** An HTML table of rows (the shape `deni.results()` returns). */
export function rowsToHtml(rows: Record<string, unknown>[]): string {
  const columns = [...new Set(rows.flatMap(row => Object.keys(row)))];
  const head = columns.map(c => `<th>${escapeHtml(c)}</th>`).join('');
  const body = rows
    .slice(0, MAX_TABLE_ROWS)
    .map(
      row =>
        `<tr>${columns.map(c => `<td>${escapeHtml(cellText(row[c]))}</td>`).join('')}</tr>`
    )
    .join('');
  const more =
    rows.length > MAX_TABLE_ROWS
      ? `<p>${rows.length - MAX_TABLE_ROWS} more rows not shown (${rows.length} in all)</p>`
      : '';
  return `<table class="jp-deni-rows"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${more}`;
}

/** The MIME bundle of a value: its own bundle, or text/plain (+ an HTML table for row arrays). */
export function formatValue(value: unknown): MimeBundle {
  if (hasBundle(value)) {
    return value[MIME_BUNDLE]();
  }
  const bundle: MimeBundle = {
    'text/plain': inspect(value, {
      depth: 4,
      maxArrayLength: 100,
      breakLength: 100
    })
  };
  if (isRowArray(value)) {
    bundle['text/html'] = rowsToHtml(value);
  }
  return bundle;
}

/** Checks that a user-given bundle is MIME type -> JSON data and returns it. */
export function checkBundle(bundle: unknown): MimeBundle {
  if (typeof bundle !== 'object' || bundle === null || Array.isArray(bundle)) {
    throw new TypeError(
      `display.mime expects an object of MIME type -> data, got ${inspect(bundle, { depth: 0 })}`
    );
  }
  const out: MimeBundle = {};
  for (const [mime, data] of Object.entries(bundle)) {
    if (!/^[\w.+-]+\/[\w.+-]+$/.test(mime)) {
      throw new TypeError(
        `display.mime: ${JSON.stringify(mime)} is not a MIME type`
      );
    }
    out[mime] = JSON.parse(JSON.stringify(data ?? null)) as JsonValue;
  }
  return out;
}
