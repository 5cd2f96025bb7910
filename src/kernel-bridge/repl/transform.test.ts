import { describe, expect, it } from 'vitest';
import { ReplContext } from './context';
import { CellSyntaxError, transformCell } from './transform';
import { formatValue, MIME_BUNDLE } from './format';
import { MimeBundle } from '../protocol/messages';

function makeRepl(engine: object = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const displays: {
    bundle: MimeBundle;
    displayId?: string;
    update?: boolean;
  }[] = [];
  const repl = new ReplContext(
    {
      stdout: t => out.push(t),
      stderr: t => err.push(t),
      display: (bundle, o) => displays.push({ bundle, ...o }),
      clearOutput: () => undefined
    },
    engine
  );
  return { repl, out, err, displays };
}

describe('cell transform', () => {
  it('turns top-level declarations into context globals and returns the last expression', () => {
    const { script, declared } = transformCell(
      'const x: number = 1;\nlet { a, b: [c] } = o;\nx + 1'
    );
    expect(declared).toEqual(['x', 'a', 'c']);
    expect(script).toContain('return (x + 1);');
    expect(script).not.toMatch(/\bconst x\b/);
  });

  it('reports TypeScript syntax errors with the cell line and column', () => {
    try {
      transformCell('const a = 1;\nlet = ;');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CellSyntaxError);
      expect((err as CellSyntaxError).line).toBe(2);
    }
  });
});

describe('persistent context', () => {
  it('keeps state across cells, allows re-declaration and top-level await', async () => {
    const { repl } = makeRepl();
    expect(
      await repl.run(
        'const x: number = 20;\nfunction twice(n: number) { return 2 * n }',
        'cell[1]'
      )
    ).toBe(undefined);
    expect(await repl.run('twice(x) + 2', 'cell[2]')).toBe(42);
    expect(await repl.run('const x = 1; x', 'cell[3]')).toBe(1);
    expect(
      await repl.run(
        'await new Promise(r => setTimeout(() => r(x + 1), 1))',
        'cell[4]'
      )
    ).toBe(2);
    expect(repl.userNames()).toEqual(expect.arrayContaining(['x', 'twice']));
  });

  it('routes console output and display() to the host', async () => {
    const { repl, out, err, displays } = makeRepl();
    await repl.run(
      'console.log("hello", 1); console.error("oops"); display.html("<b>x</b>", { id: "d1" })',
      'c'
    );
    expect(out.join('')).toBe('hello 1\n');
    expect(err.join('')).toBe('oops\n');
    expect(displays).toEqual([
      {
        bundle: { 'text/html': '<b>x</b>', 'text/plain': '<b>x</b>' },
        displayId: 'd1'
      }
    ]);
  });

  it('imports with require semantics and exposes the engine as deni', async () => {
    const engine = {
      results: (name: string) => [{ sweep: name, macroF1: 50 }]
    };
    const { repl } = makeRepl(engine);
    expect(
      await repl.run("import path from 'node:path';\npath.join('a', 'b')", 'c')
    ).toBe('a/b');
    expect(
      await repl.run(
        "import { basename as bn } from 'node:path'; bn('/x/y.ts')",
        'c'
      )
    ).toBe('y.ts');
    expect(await repl.run("deni.results('quick')[0].macroF1", 'c')).toBe(50);
  });

  it('throws the cell error (with the cell frame) and stays usable', async () => {
    const { repl } = makeRepl();
    await expect(
      repl.run(
        'function f() { throw new TypeError("bad value 3") }\nf()',
        'cell[9]'
      )
    ).rejects.toThrow('bad value 3');
    expect(await repl.run('1 + 1', 'c')).toBe(2);
  });

  it('stops waiting on an interrupted cell', async () => {
    const { repl } = makeRepl();
    const abort = new AbortController();
    const run = repl.run('await new Promise(() => {})', 'c', abort.signal);
    abort.abort();
    await expect(run).rejects.toMatchObject({ name: 'KeyboardInterrupt' });
  });
});

describe('value formatting', () => {
  it('formats rows as text and an HTML table, and honours own bundles', () => {
    const bundle = formatValue([{ strategy: 'deni', f1: 81.25 }]);
    expect(bundle['text/plain']).toContain("strategy: 'deni'");
    expect(bundle['text/html']).toContain('<td>deni</td><td>81.2500</td>');
    expect(
      formatValue({ [MIME_BUNDLE]: () => ({ 'text/plain': 'mine' }) })
    ).toEqual({
      'text/plain': 'mine'
    });
    expect(formatValue('<x>')).toEqual({ 'text/plain': "'<x>'" });
  });
});
