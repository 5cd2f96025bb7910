import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The module map of DESIGN.md, checked on the real import graph (every relative `import`,
 * `export ... from` and `import()` of every .ts file under src/ and bench/, type-only imports
 * included): no cycle between files or between folders, and no arrow a folder's "may import"
 * column does not allow. TypeScript's own pre-processor reads the imports, so no dependency is
 * added for this check.
 */

const ROOT = path.resolve(__dirname, '..');

/** Folder (module) of a file: `src/deni/<module>`, the top-level files of src/deni, or `src/<part>`. */
export function moduleOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] === 'bench') {
    return 'bench';
  }
  if (parts[1] === 'deni') {
    if (parts.length === 3) {
      return parts[2] === 'index.ts' ? 'deni/index' : 'deni/cli';
    }
    return `deni/${parts[2]}`;
  }
  return parts[1];
}

const ENGINE = [
  'deni/contract',
  'deni/random',
  'deni/backend',
  'deni/data',
  'deni/text',
  'deni/model',
  'deni/peft',
  'deni/train',
  'deni/strategies',
  'deni/run',
  'deni/sweep',
  'deni/report',
  'deni/planning',
  'deni/hub',
  'deni/doctor',
  'deni/experiments'
];

/**
 * What each module may import besides itself (DESIGN.md's "may import" column; `contract` is
 * importable by every module, since it imports nothing of ours). Test files (`*.test.ts`) and
 * test helpers (`testing/` folders) may also import test fixtures of other modules; they are
 * checked for cycles only.
 */
export const MAY_IMPORT: Record<string, readonly string[]> = {
  'deni/contract': [],
  'deni/random': ['deni/contract'],
  'deni/backend': ['deni/contract', 'deni/random'],
  // Hub downloads (#20): the data and model registries, the sweep's one-time resolution use them.
  'deni/hub': ['deni/contract', 'deni/random'],
  'deni/data': ['deni/contract', 'deni/random', 'deni/hub'],
  'deni/doctor': [
    'deni/contract',
    'deni/backend',
    'deni/hub',
    'deni/model',
    'deni/data'
  ],
  'deni/text': ['deni/contract'],
  'deni/model': [
    'deni/contract',
    'deni/backend',
    'deni/random',
    'deni/text',
    'deni/hub',
    'deni/data'
  ],
  'deni/peft': ['deni/contract', 'deni/model', 'deni/random'],
  'deni/train': [
    'deni/contract',
    'deni/backend',
    'deni/model',
    'deni/peft',
    'deni/data',
    'deni/random'
  ],
  'deni/strategies': ['deni/contract', 'deni/train', 'deni/random'],
  'deni/run': [
    'deni/contract',
    'deni/strategies',
    'deni/train',
    'deni/peft',
    'deni/model',
    'deni/data',
    'deni/text',
    'deni/backend',
    'deni/random'
  ],
  'deni/sweep': [
    'deni/contract',
    'deni/run',
    'deni/data',
    'deni/random',
    'deni/backend',
    'deni/hub',
    'deni/model',
    'deni/strategies'
  ],
  'deni/report': ['deni/contract', 'deni/random'],
  // EXPERIMENTS.md from committed runs (#17): imports them into a store, reports them.
  'deni/experiments': ['deni/contract', 'deni/sweep', 'deni/report'],
  // Planning a study (#23): prices plans with step times measured by the engine, sweeps' runs.
  'deni/planning': ENGINE.filter(m => m !== 'deni/planning'),
  'deni/cli': [...ENGINE],
  'deni/index': [...ENGINE],
  'kernel-bridge': [...ENGINE, 'deni/index'],
  // The plugin runs in the browser: the contract's browser-safe part and report's JSON types only.
  plugin: ['deni/contract', 'deni/report', 'deni/sweep'],
  notebooks: ['kernel-bridge', 'deni/report'],
  bench: [...ENGINE, 'deni/index']
};

/** Files the plugin may import from the engine: nothing that reaches tfjs or Node. */
const BROWSER_SAFE = [
  /^src\/deni\/contract\//,
  /^src\/deni\/report\/(types|escape|mime)\.ts$/,
  /^src\/deni\/sweep\/sweep-spec\.schema\.json$/,
  // The sweep-spec validator: ajv, yaml, the schema and the contract only.
  /^src\/deni\/sweep\/spec\.ts$/
];

/** Packages a browser-safe engine file must never reach (Node built-ins, tfjs, native modules). */
const NOT_IN_BROWSER =
  /^(node:|fs$|path$|child_process$|@tensorflow\/|better-sqlite3|bullmq|ioredis|commander)/;

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(ROOT, dir))) {
    const rel = `${dir}/${name}`;
    if (statSync(path.join(ROOT, rel)).isDirectory()) {
      out.push(...listFiles(rel));
    } else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) {
      out.push(rel);
    }
  }
  return out;
}

function resolveImport(from: string, spec: string): string | null {
  const base = path.posix.normalize(
    path.posix.join(path.posix.dirname(from), spec)
  );
  for (const candidate of [`${base}.ts`, `${base}/index.ts`, base]) {
    try {
      if (statSync(path.join(ROOT, candidate)).isFile()) {
        return candidate;
      }
    } catch {
      // not this candidate
    }
  }
  return null;
}

/** file -> the packages it imports (bare specifiers). */
const packagesOf = new Map<string, string[]>();

/** file -> the files of ours it imports. */
export function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of [...listFiles('src'), ...listFiles('bench')]) {
    const info = ts.preProcessFile(
      readFileSync(path.join(ROOT, file), 'utf8'),
      true,
      true
    );
    const targets = info.importedFiles
      .map(i => i.fileName)
      .filter(s => s.startsWith('.'))
      .map(s => resolveImport(file, s))
      .filter((t): t is string => t !== null && /\.(ts|json)$/.test(t));
    graph.set(file, targets);
    packagesOf.set(
      file,
      info.importedFiles.map(i => i.fileName).filter(s => !s.startsWith('.'))
    );
  }
  return graph;
}

/** Strongly connected components with more than one node (Tarjan): the cycles. */
export function cycles(graph: Map<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) {
        found.push(component.sort());
      }
    }
  };
  for (const v of graph.keys()) {
    if (!index.has(v)) {
      visit(v);
    }
  }
  return found;
}

/** Test code: `*.test.ts` and each module's `testing/` folder (helpers, doubles, fixtures). */
const isTestCode = (file: string): boolean =>
  /\.test\.ts$|\/testing\//.test(file);

describe('import graph (DESIGN.md module map)', () => {
  const graph = importGraph();

  it('has no cycle between files', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('has no cycle between folders (production code)', () => {
    const folders = new Map<string, Set<string>>();
    for (const [file, targets] of graph) {
      if (isTestCode(file)) {
        continue;
      }
      const from = moduleOf(file);
      for (const t of targets) {
        const to = moduleOf(t);
        if (to !== from) {
          folders.set(from, (folders.get(from) ?? new Set()).add(to));
        }
      }
    }
    const asLists = new Map(
      [...folders].map(([k, v]) => [k, [...v]] as [string, string[]])
    );
    expect(cycles(asLists)).toEqual([]);
  });

  it('has only the arrows each folder may import (production code)', () => {
    const forbidden: string[] = [];
    for (const [file, targets] of graph) {
      if (isTestCode(file)) {
        continue;
      }
      const from = moduleOf(file);
      const allowed = MAY_IMPORT[from];
      for (const t of targets) {
        const to = moduleOf(t);
        if (to === from) {
          continue;
        }
        if (!allowed?.includes(to)) {
          forbidden.push(
            `${file} -> ${t} (${from} may import ${allowed?.join(', ') || 'nothing of ours'})`
          );
        } else if (from === 'plugin' && !BROWSER_SAFE.some(r => r.test(t))) {
          forbidden.push(
            `${file} -> ${t} (the plugin may import browser-safe engine files only)`
          );
        }
      }
    }
    expect(forbidden).toEqual([]);
  });

  it('lets the plugin reach only browser-safe engine files, transitively', () => {
    const reached = new Set<string>();
    const visit = (file: string): void => {
      for (const t of graph.get(file) ?? []) {
        if (!t.startsWith('src/plugin/') && !reached.has(t)) {
          reached.add(t);
          visit(t);
        }
      }
    };
    for (const file of graph.keys()) {
      if (file.startsWith('src/plugin/') && !isTestCode(file)) {
        visit(file);
      }
    }
    const unsafe = [...reached].filter(
      f =>
        !BROWSER_SAFE.some(r => r.test(f)) ||
        (packagesOf.get(f) ?? []).some(p => NOT_IN_BROWSER.test(p))
    );
    expect(reached.size).toBeGreaterThan(0);
    expect(unsafe).toEqual([]);
  });

  it('finds a cycle and a forbidden arrow when there is one', () => {
    const g = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', []]
    ]);
    expect(cycles(g)).toEqual([['a', 'b', 'c']]);
    expect(moduleOf('src/deni/strategies/deni.ts')).toBe('deni/strategies');
    expect(MAY_IMPORT['deni/strategies']).not.toContain('deni/model');
  });
});
