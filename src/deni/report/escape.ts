/**
 * Escaping for every output format. Strategy, data set and model names come from user specs
 * (local file paths, Hub ids), so each one is escaped where it is written, never trusted.
 */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;'
};

/** Text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, c => HTML_ESCAPES[c]);
}

const LATEX_ESCAPES: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '&': '\\&',
  '%': '\\%',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '{': '\\{',
  '}': '\\}',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
  '<': '\\textless{}',
  '>': '\\textgreater{}',
  '|': '\\textbar{}'
};

/** Text for LaTeX (text mode); newlines and tabs become spaces. */
export function escapeLatex(text: string): string {
  return text
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[\\&%$#_{}~^<>|]/g, c => LATEX_ESCAPES[c]);
}

/**
 * Text for a GitHub-flavoured Markdown table cell or heading: the characters that start inline
 * markup (emphasis, code, links, images, strike-through, math) are backslash-escaped, `&`, `<` and
 * `>` become entities (no raw HTML), `|` cannot end the cell, newlines become spaces.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[\\`*_[\]|~!$#]/g, c => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. Text that a
 * spreadsheet would run as a formula (starting with = + - @ tab or carriage return) gets a leading
 * apostrophe, the OWASP advice against CSV injection; numbers are written as they are.
 */
export function csvField(
  value: string | number | boolean | null | undefined
): string {
  if (value === null || value === undefined) {
    return '';
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? String(value) : '';
  }
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) {
    text = `'${text}`;
  }
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
