/** complete, inspect and is_complete: magic names, SweepSpec keys and names of the context. */
import ts from 'typescript';
import { inspect } from 'node:util';
import { IDeniEngine } from './engine-types';
import { MimeBundle } from './protocol/messages';
import {
  CELL_COMMANDS,
  LINE_COMMANDS,
  MAGICS,
  findMagic,
  magicHelp
} from './magics/help';
import { ReplContext } from './repl/context';

/** A complete_reply's essentials. */
export interface ICompletion {
  matches: string[];
  cursorStart: number;
  cursorEnd: number;
}

/** Sources of names: the engine (spec keys) and the REPL context (globals). */
export interface ICompletionSources {
  engine: IDeniEngine;
  repl: ReplContext;
}

function lineAt(
  code: string,
  cursor: number
): { text: string; start: number; index: number } {
  const start = code.lastIndexOf('\n', cursor - 1) + 1;
  const index = code.slice(0, start).split('\n').length - 1;
  return { text: code.slice(start, cursor), start, index };
}

function isSweepCell(code: string): boolean {
  return /^\s*%%deni\s+sweep\b/.test(code);
}

/** The parent key of a YAML line, from the nearest less-indented `key:` line above it. */
function yamlParent(
  lines: string[],
  index: number,
  indent: number
): string | undefined {
  for (let i = index - 1; i >= 1; i--) {
    const m =
      /^(\s*)([\w-]+):\s*$/.exec(lines[i]) ?? /^(\s*)([\w-]+):/.exec(lines[i]);
    if (m && m[1].length < indent) {
      return m[2];
    }
    if (lines[i].trim() !== '' && /^\S/.test(lines[i]) && indent > 0 && !m) {
      return undefined;
    }
  }
  return undefined;
}

function completeSweepBody(
  code: string,
  cursor: number,
  engine: IDeniEngine
): ICompletion {
  const { text, start, index } = lineAt(code, cursor);
  const word = /[\w-]*$/.exec(text)?.[0] ?? '';
  const at = cursor - word.length;
  const keyed = /^(\s*)([\w-]+):\s*(.*)$/.exec(text);
  const values = engine.specValues();
  if (keyed && keyed[3] !== undefined && text.includes(':')) {
    const key = keyed[2];
    const options = values[key] ?? [];
    return {
      matches: options.filter(v => v.startsWith(word)),
      cursorStart: at,
      cursorEnd: cursor
    };
  }
  const indent = /^\s*/.exec(text)?.[0].length ?? 0;
  const lines = code.split('\n');
  const listItem = /^\s*-\s*([\w-]*)$/.exec(text);
  const parent =
    indent > 0 || listItem
      ? yamlParent(lines, index, indent + (listItem ? 1 : 0))
      : undefined;
  if (listItem) {
    const options = parent ? (values[parent] ?? []) : [];
    return {
      matches: options.filter(v => v.startsWith(word)),
      cursorStart: at,
      cursorEnd: cursor
    };
  }
  const keys = engine.specKeys();
  const names = parent
    ? Object.keys(keys.nested[parent] ?? {})
    : Object.keys(keys.top);
  void start;
  return {
    matches: names.filter(k => k.startsWith(word)).map(k => `${k}: `),
    cursorStart: at,
    cursorEnd: cursor
  };
}

function completeCode(
  code: string,
  cursor: number,
  repl: ReplContext
): ICompletion {
  const before = code.slice(0, cursor);
  const member =
    /((?:[A-Za-z_$][\w$]*)(?:\.[A-Za-z_$][\w$]*)*)\.([\w$]*)$/.exec(before);
  if (member) {
    let names: string[] = [];
    try {
      const value = repl.peek(member[1]);
      const seen = new Set<string>();
      for (
        let o: unknown = value;
        o !== null && o !== undefined;
        o = Object.getPrototypeOf(o)
      ) {
        Object.getOwnPropertyNames(o).forEach(n => seen.add(n));
      }
      names = [...seen].filter(
        n => /^[A-Za-z_$][\w$]*$/.test(n) && n !== 'constructor'
      );
    } catch {
      names = [];
    }
    const word = member[2];
    return {
      matches: names.filter(n => n.startsWith(word)).sort(),
      cursorStart: cursor - word.length,
      cursorEnd: cursor
    };
  }
  const word = /[A-Za-z_$][\w$]*$/.exec(before)?.[0] ?? '';
  const keywords = [
    'await',
    'const',
    'let',
    'function',
    'class',
    'return',
    'import',
    'async'
  ];
  const names = [...new Set([...repl.globalNames(), ...keywords])];
  return {
    matches: word === '' ? [] : names.filter(n => n.startsWith(word)).sort(),
    cursorStart: cursor - word.length,
    cursorEnd: cursor
  };
}

/** Completion at the cursor: magics, sub-commands, options, spec keys/values, JS names. */
export function complete(
  code: string,
  cursor: number,
  sources: ICompletionSources
): ICompletion {
  const { text } = lineAt(code, cursor);
  const magicLine = /^\s*(%%?)(\w*)$/.exec(text);
  if (magicLine) {
    const prefix = magicLine[1] + magicLine[2];
    const matches = ['%deni', '%%deni'].filter(m => m.startsWith(prefix));
    return { matches, cursorStart: cursor - prefix.length, cursorEnd: cursor };
  }
  const sub = /^\s*(%%?)deni\s+(\w*)$/.exec(text);
  if (sub) {
    const commands = sub[1] === '%%' ? CELL_COMMANDS : LINE_COMMANDS;
    return {
      matches: commands.filter(c => c.startsWith(sub[2])),
      cursorStart: cursor - sub[2].length,
      cursorEnd: cursor
    };
  }
  const tuning = /^\s*%deni\s+plan\s.*--tuning[\s=](\w*)$/.exec(text);
  if (tuning) {
    // The tuning methods are the spec's `tuning` values (the schema's enum).
    return {
      matches: (sources.engine.specValues().tuning ?? []).filter(v =>
        v.startsWith(tuning[1])
      ),
      cursorStart: cursor - tuning[1].length,
      cursorEnd: cursor
    };
  }
  const option = /^\s*%deni\s+(\w+)\s.*?--([\w-]*)$/.exec(text);
  if (option) {
    const doc = findMagic(option[1]);
    return {
      matches: (doc?.options ?? [])
        .filter(o => o.startsWith(option[2]))
        .map(o => `--${o}`),
      cursorStart: cursor - option[2].length - 2,
      cursorEnd: cursor
    };
  }
  if (isSweepCell(code) && code.slice(0, cursor).includes('\n')) {
    return completeSweepBody(code, cursor, sources.engine);
  }
  if (/^\s*%/.test(text)) {
    return { matches: [], cursorStart: cursor, cursorEnd: cursor };
  }
  return completeCode(code, cursor, sources.repl);
}

/** Help for the magic or spec key or name at the cursor; undefined when nothing is known. */
export function inspectAt(
  code: string,
  cursor: number,
  sources: ICompletionSources
): MimeBundle | undefined {
  const lineStart = code.lastIndexOf('\n', Math.max(cursor - 1, 0)) + 1;
  const lineEnd =
    code.indexOf('\n', cursor) < 0 ? code.length : code.indexOf('\n', cursor);
  const line = code.slice(lineStart, lineEnd);
  const magic = /^\s*%%?deni(?:\s+(\w+))?/.exec(line);
  if (magic) {
    const doc = magic[1] ? findMagic(magic[1]) : undefined;
    const text = doc
      ? magicHelp(doc)
      : MAGICS.map(
          m =>
            `${m.kind === 'cell' ? '%%deni' : '%deni'} ${m.command}: ${m.summary}`
        ).join('\n');
    return { 'text/plain': text };
  }
  const left = /[\w$.-]*$/.exec(code.slice(0, cursor))?.[0] ?? '';
  const right = /^[\w$-]*/.exec(code.slice(cursor))?.[0] ?? '';
  const word = left + right;
  if (isSweepCell(code)) {
    const key = word.replace(/:$/, '');
    const keys = sources.engine.specKeys();
    const doc =
      keys.top[key] ??
      Object.values(keys.nested).find(nested => key in nested)?.[key];
    return doc !== undefined ? { 'text/plain': `${key}: ${doc}` } : undefined;
  }
  if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(word)) {
    return undefined;
  }
  try {
    const value = sources.repl.peek(word);
    if (
      value === undefined &&
      !sources.repl.globalNames().includes(word.split('.')[0])
    ) {
      return undefined;
    }
    return {
      'text/plain': `${word}: ${inspect(value, { depth: 1, breakLength: 80 })}`
    };
  } catch {
    return undefined;
  }
}

/** is_complete for a cell: magics are complete; TypeScript by its parse diagnostics. */
export function isComplete(code: string): {
  status: 'complete' | 'incomplete' | 'invalid';
  indent?: string;
} {
  if (code.trim() === '') {
    return { status: 'complete' };
  }
  if (/^\s*%%deni/.test(code)) {
    return code.includes('\n')
      ? { status: 'complete' }
      : { status: 'incomplete', indent: '' };
  }
  if (/^\s*%deni/.test(code)) {
    return { status: 'complete' };
  }
  const output = ts.transpileModule(code, {
    fileName: 'cell.ts',
    reportDiagnostics: true,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext
    }
  });
  const errors = (output.diagnostics ?? []).filter(
    d => d.category === ts.DiagnosticCategory.Error
  );
  if (errors.length === 0) {
    return { status: 'complete' };
  }
  const end = code.trimEnd().length;
  const atEnd = errors.some(d => (d.start ?? 0) >= end);
  if (atEnd) {
    const lastLine = code.split('\n').pop() ?? '';
    const indent = /^\s*/.exec(lastLine)?.[0] ?? '';
    return {
      status: 'incomplete',
      indent: /[{[(]\s*$/.test(code) ? `${indent}  ` : indent
    };
  }
  return { status: 'invalid' };
}
