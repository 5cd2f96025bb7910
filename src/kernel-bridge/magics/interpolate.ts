/**
 * `${expression}` in magic cells: the expression is evaluated in the notebook's persistent
 * context and its value replaces it before the magic is parsed, so a `%%deni sweep` body (or a
 * `%deni` line) can take values from earlier cells, e.g. a papermill-style `parameters` cell
 * `const profile = 'quick'`. Strings go in as they are; numbers and booleans as text; objects and
 * arrays as one-line JSON, which YAML reads as a flow mapping / sequence. `$${` stands for a
 * literal `${`.
 */

/** An interpolation that cannot be evaluated or has no usable value; names the cell line. */
export class InterpolationError extends Error {
  constructor(
    message: string,
    readonly line: number
  ) {
    super(`${message} (line ${line})`);
    this.name = 'InterpolationError';
  }
}

/** Evaluates one expression in the notebook context. */
export type Evaluate = (expression: string) => unknown;

/** True when `text` holds an `${...}` to interpolate (escaped `$${` does not count). */
export function hasInterpolation(text: string): boolean {
  return /(^|[^$])\$\{/.test(text);
}

/** Index just past the `}` closing the expression that starts at `from`, skipping strings. */
function closingBrace(text: string, from: number): number {
  let depth = 1;
  let i = from;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"' || ch === "'" || ch === '`') {
      i++;
      while (i < text.length && text[i] !== ch) {
        i += text[i] === '\\' ? 2 : 1;
      }
    } else if (ch === '{') {
      depth++;
    } else if (ch === '}') {
      depth--;
      if (depth === 0) {
        return i + 1;
      }
    }
    i++;
  }
  return -1;
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) {
    if (text[i] === '\n') {
      line++;
    }
  }
  return line;
}

/** The text a value stands for in a magic. */
export function interpolationText(
  value: unknown,
  expression: string,
  line: number
): string {
  if (typeof value === 'string') {
    return value;
  }
  if (
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    typeof value === 'bigint'
  ) {
    return String(value);
  }
  if (value === undefined || typeof value === 'function') {
    throw new InterpolationError(
      `\${${expression}} is ${value === undefined ? 'undefined' : 'a function'}; ` +
        'expected a string, number, boolean, array or object (define it in an earlier cell)',
      line
    );
  }
  return JSON.stringify(value);
}

/**
 * Replaces every `${expression}` of `text` by its value (see the module comment). Errors name
 * the expression and the 1-based line of `text` it is on.
 */
export function interpolate(text: string, evaluate: Evaluate): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const at = text.indexOf('${', i);
    if (at < 0) {
      out += text.slice(i);
      break;
    }
    if (at > 0 && text[at - 1] === '$') {
      // `$${` is an escaped literal `${`.
      out += text.slice(i, at - 1) + '${';
      i = at + 2;
      continue;
    }
    out += text.slice(i, at);
    const line = lineOf(text, at);
    const end = closingBrace(text, at + 2);
    if (end < 0) {
      throw new InterpolationError(
        '`${` without its closing `}` (write `$${` for a literal `${`)',
        line
      );
    }
    const expression = text.slice(at + 2, end - 1).trim();
    if (expression === '') {
      throw new InterpolationError('empty `${}` in a magic', line);
    }
    let value: unknown;
    try {
      value = evaluate(expression);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new InterpolationError(
        `cannot evaluate \${${expression}}: ${reason}`,
        line
      );
    }
    out += interpolationText(value, expression, line);
    i = end;
  }
  return out;
}
