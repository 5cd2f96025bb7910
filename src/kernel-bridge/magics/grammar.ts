/**
 * The `%deni` / `%%deni` grammar: which cells are magics, their sub-command, arguments and body.
 * A cell is a cell magic when its first non-blank line starts with `%%deni`; it is a line-magic
 * cell when every non-blank line starts with `%deni`; anything else is TypeScript.
 */

/** A parsed cell. */
export type ParsedCell =
  | { kind: 'code'; code: string }
  | { kind: 'line'; magics: ILineMagic[] }
  | {
      kind: 'cell';
      command: string;
      args: string[];
      body: string;
      /** 1-based line of the cell where the body starts (errors point into the cell). */
      bodyLine: number;
    };

/** One `%deni <command> args...` line. */
export interface ILineMagic {
  command: string;
  args: string[];
  /** 1-based line in the cell. */
  line: number;
}

/** A malformed magic (unterminated quote, magic mixed with code, no sub-command). */
export class MagicSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number
  ) {
    super(`${message} (line ${line})`);
    this.name = 'MagicSyntaxError';
  }
}

/** Splits arguments like a shell: whitespace separates, quotes group, backslash escapes. */
export function splitArgs(text: string, line = 1): string[] {
  const args: string[] = [];
  let current = '';
  let quote: '"' | "'" | null = null;
  let started = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) {
        quote = null;
      } else if (ch === '\\' && quote === '"' && i + 1 < text.length) {
        current += text[++i];
      } else {
        current += ch;
      }
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      current += text[++i];
      started = true;
    } else if (/\s/.test(ch)) {
      if (started) {
        args.push(current);
        current = '';
        started = false;
      }
    } else {
      current += ch;
      started = true;
    }
  }
  if (quote) {
    throw new MagicSyntaxError(
      `unterminated ${quote} quote in magic arguments`,
      line
    );
  }
  if (started) {
    args.push(current);
  }
  return args;
}

const CELL_MAGIC = /^\s*%%deni(?:\s+(.*))?$/;
const LINE_MAGIC = /^\s*%deni(?:\s+(.*))?$/;

/** Classifies a cell and parses its magics. */
export function parseCell(code: string): ParsedCell {
  const lines = code.split(/\r?\n/);
  const first = lines.findIndex(l => l.trim() !== '');
  if (first < 0) {
    return { kind: 'code', code };
  }
  const cell = CELL_MAGIC.exec(lines[first]);
  if (cell) {
    const [command = '', ...args] = splitArgs(cell[1] ?? '', first + 1);
    if (command === '') {
      throw new MagicSyntaxError(
        '%%deni needs a sub-command, e.g. `%%deni sweep` (see `%deni help`)',
        first + 1
      );
    }
    return {
      kind: 'cell',
      command,
      args,
      body: lines.slice(first + 1).join('\n'),
      bodyLine: first + 2
    };
  }
  if (!/^\s*%deni\b/.test(lines[first]) && !/^\s*%%?\w/.test(lines[first])) {
    return { kind: 'code', code };
  }
  if (!LINE_MAGIC.test(lines[first])) {
    const word = /^\s*(%%?\w+)/.exec(lines[first])?.[1] ?? lines[first].trim();
    throw new MagicSyntaxError(
      `unknown magic ${word}; this kernel knows %deni and %%deni (see \`%deni help\`)`,
      first + 1
    );
  }
  const magics: ILineMagic[] = [];
  lines.forEach((text, i) => {
    if (text.trim() === '') {
      return;
    }
    const match = LINE_MAGIC.exec(text);
    if (!match) {
      throw new MagicSyntaxError(
        '%deni lines cannot be mixed with code in one cell; put the code in a cell of its own',
        i + 1
      );
    }
    const [command = 'help', ...args] = splitArgs(match[1] ?? '', i + 1);
    magics.push({ command, args, line: i + 1 });
  });
  return { kind: 'line', magics };
}

/** Parsed `--name value` / `--flag` options and positional arguments of a magic. */
export interface IMagicOptions {
  positional: string[];
  options: Record<string, string | true>;
}

/** Splits magic arguments into positionals and `--key value` / `--key=value` options. */
export function parseOptions(
  args: string[],
  flags: string[] = []
): IMagicOptions {
  const positional: string[] = [];
  const options: Record<string, string | true> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      if (eq > 0) {
        options[arg.slice(2, eq)] = arg.slice(eq + 1);
      } else if (flags.includes(arg.slice(2)) || i + 1 >= args.length) {
        options[arg.slice(2)] = true;
      } else {
        options[arg.slice(2)] = args[++i];
      }
    } else {
      positional.push(arg);
    }
  }
  return { positional, options };
}
