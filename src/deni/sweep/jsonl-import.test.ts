import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReport, formatReport } from '../report';
import { runOne as fakeRun } from './testing/fake-runner';
import {
  exportJsonl,
  importRuns,
  importRunsFile,
  ResultStore,
  runSweep
} from './index';
import { smallSpec, tempDir } from './testing/helpers';
import { parseSweepSpec } from './spec';

async function sourceStore(): Promise<ResultStore> {
  const store = ResultStore.open(path.join(tempDir('jsonl'), 'src.sqlite'));
  await runSweep(smallSpec('study', 2), { runOne: fakeRun, store });
  return store;
}

function reportText(store: ResultStore, sweep: string, format: 'md' | 'text') {
  const info = store.sweep(sweep)!;
  const results = store.results(sweep);
  const bundle = buildReport(sweep, results, {
    status: 'done',
    seed: 0,
    progress: {
      sweep,
      done: results.length,
      total: info.total,
      cached: results.length,
      failed: info.failed
    }
  });
  return formatReport(bundle, format, {});
}

describe('deni export --format jsonl / deni import (issue #17)', () => {
  it('exports every stored field; import into an empty store gives byte-identical reports', async () => {
    const src = await sourceStore();
    const text = exportJsonl(src, 'study');
    const lines = text
      .trim()
      .split('\n')
      .map(l => JSON.parse(l));
    expect(lines[0]).toMatchObject({
      format: 'deni-runs',
      version: 1,
      sweep: 'study',
      total: 8
    });
    const run = lines[1];
    expect(Object.keys(run.stored).sort()).toEqual(
      Object.keys(src.storedRow(run.runSpec.key)!).sort()
    );
    expect(run.stored.result.predictions.length).toBeGreaterThan(0);
    expect(run.stored.result.spec.seeds).toEqual(run.runSpec.seeds);
    expect(typeof run.stored.stored_at).toBe('string');

    const dst = ResultStore.open(path.join(tempDir('jsonl'), 'dst.sqlite'));
    const summary = importRuns(dst, text, 'study.jsonl');
    expect(summary).toEqual([
      {
        sweep: 'study',
        imported: 8,
        skipped: 0,
        unfinished: 0,
        sweepAdded: true
      }
    ]);
    for (const fmt of ['md', 'text'] as const) {
      expect(reportText(dst, 'study', fmt)).toBe(reportText(src, 'study', fmt));
    }
    for (const r of lines.slice(1)) {
      expect(dst.storedRow(r.runSpec.key)).toEqual(
        src.storedRow(r.runSpec.key)
      );
    }
    // export -> import -> export is the same file; a second import skips everything
    expect(exportJsonl(dst, 'study')).toBe(text);
    expect(importRuns(dst, text, 'study.jsonl')).toMatchObject([
      {
        imported: 0,
        skipped: 8,
        sweepAdded: false
      }
    ]);
    src.close();
    dst.close();
  });

  it('a conflicting key, a different sweep or a newer version fails naming it and imports nothing', async () => {
    const src = await sourceStore();
    const text = exportJsonl(src, 'study');
    const lines = text.trim().split('\n');
    const dir = tempDir('jsonl');
    const dst = ResultStore.open(path.join(dir, 'dst.sqlite'));

    // run 3's stored result differs from what the store holds
    const changed = JSON.parse(lines[3]);
    const first = JSON.parse(lines[1]);
    importRuns(
      dst,
      `${lines[0]}\n${lines
        .slice(1)
        .map((l, i) => {
          const r = JSON.parse(l);
          return JSON.stringify(i === 2 ? r : { ...r, stored: null });
        })
        .join('\n')}\n`,
      'one.jsonl'
    );
    expect(dst.count()).toBe(1);
    changed.stored.result.macroF1 += 1;
    const conflicting = [
      lines[0],
      lines[1],
      lines[2],
      JSON.stringify(changed),
      ...lines.slice(4)
    ].join('\n');
    expect(() => importRuns(dst, conflicting, 'bad.jsonl')).toThrow(
      new RegExp(
        `bad\\.jsonl, line 4: run ${changed.runSpec.key} \\(sweep 'study'\\) is already in .* with different values`
      )
    );
    // one transaction: run 1 (before the conflict) was not written either
    expect(dst.count()).toBe(1);
    expect(dst.storedRow(first.runSpec.key)).toBeUndefined();

    const newer = JSON.stringify({ ...JSON.parse(lines[0]), version: 2 });
    const file = path.join(dir, 'newer.jsonl');
    writeFileSync(file, [newer, ...lines.slice(1)].join('\n'));
    expect(() => importRunsFile(dst, file)).toThrow(
      /newer\.jsonl is deni-runs format version 2; this deni reads versions up to 1/
    );
    const other = JSON.parse(lines[0]);
    other.spec.runs = 3;
    expect(() =>
      importRuns(
        dst,
        [JSON.stringify(other), ...lines.slice(1)].join('\n'),
        'x.jsonl'
      )
    ).toThrow(/sweep 'study' is already in .* with a different definition/);
    expect(() => importRuns(dst, 'hello\n', 'y.jsonl')).toThrow(
      /y\.jsonl, line 1: not valid JSON/
    );
    expect(readFileSync(file, 'utf8')).toContain('"version":2');
    src.close();
    dst.close();
  });
});

/**
 * A store with two sweeps: 'main' (2 tunings x 2 strategies x 2 runs) and 'peft' (LoRA default
 * only, 3 runs, same seed), which shares its first runs with 'main' (a run key leaves the sweep
 * name out) and has one of its own, as a study's comparisons share runs.
 */
async function twoSweepStore(): Promise<ResultStore> {
  const store = ResultStore.open(path.join(tempDir('jsonl'), 'two.sqlite'));
  await runSweep(smallSpec('main', 2), { runOne: fakeRun, store });
  const peft = parseSweepSpec(
    'name: peft\ndataset: sst2\nmodel: minilm-l6\ntuning: [lora]\nstrategies: [default]\nruns: 3\nseed: 11\nbudget: { samples: 32, epochs: 2, batchSize: 8 }\nschedule: relative\n'
  ).spec;
  await runSweep(peft, { runOne: fakeRun, store });
  return store;
}

/** Keys of a sweep's runs, in order. */
function keysOf(store: ResultStore, sweep: string): string[] {
  return store.runSpecs(sweep).map(r => r.key);
}

describe('a runs file of several sweeps (issue #18)', () => {
  it('exports one section per sweep; import into an empty store gives every stored field back', async () => {
    const src = await twoSweepStore();
    const mainKeys = keysOf(src, 'main');
    const peftKeys = keysOf(src, 'peft');
    const shared = peftKeys.filter(k => mainKeys.includes(k)).length;
    // the fixture must exercise both shared and own runs
    expect(shared).toBeGreaterThan(0);
    expect(shared).toBeLessThan(peftKeys.length);

    const text = exportJsonl(src, ['main', 'peft']);
    // each section is exactly the one-sweep export, so one-sweep files stay valid byte for byte
    expect(text).toBe(exportJsonl(src, 'main') + exportJsonl(src, 'peft'));
    const headers = text
      .trim()
      .split('\n')
      .map(l => JSON.parse(l))
      .filter(l => 'format' in l);
    expect(headers.map(h => [h.sweep, h.total])).toEqual([
      ['main', 8],
      ['peft', 3]
    ]);

    const dst = ResultStore.open(path.join(tempDir('jsonl'), 'dst.sqlite'));
    expect(importRuns(dst, text, 'two.jsonl')).toEqual([
      {
        sweep: 'main',
        imported: 8,
        skipped: 0,
        unfinished: 0,
        sweepAdded: true
      },
      {
        sweep: 'peft',
        imported: 3 - shared,
        skipped: shared,
        unfinished: 0,
        sweepAdded: true
      }
    ]);
    expect(dst.count()).toBe(src.count());
    for (const sweep of ['main', 'peft']) {
      const a = src.sweep(sweep)!;
      const b = dst.sweep(sweep)!;
      expect(b.spec).toEqual(a.spec);
      expect(b.total).toBe(a.total);
      expect(dst.runSpecs(sweep)).toEqual(src.runSpecs(sweep));
      for (const key of keysOf(src, sweep)) {
        expect(dst.storedRow(key)).toEqual(src.storedRow(key));
      }
      for (const fmt of ['md', 'text'] as const) {
        expect(reportText(dst, sweep, fmt)).toBe(reportText(src, sweep, fmt));
      }
    }
    expect(exportJsonl(dst, ['main', 'peft'])).toBe(text);
    // importing again skips everything, sweep by sweep
    expect(
      importRuns(dst, text, 'two.jsonl').map(s => [s.sweep, s.imported])
    ).toEqual([
      ['main', 0],
      ['peft', 0]
    ]);
    expect(() => exportJsonl(src, ['main', 'main'])).toThrow(
      /sweep "main" is named twice/
    );
    expect(() => exportJsonl(src, ['main', 'nope'])).toThrow(
      /no sweep named "nope" .*; known sweeps: main, peft/
    );
    src.close();
    dst.close();
  });

  it('is one transaction: a conflict in the second section imports nothing of the first', async () => {
    const src = await twoSweepStore();
    const text = exportJsonl(src, ['main', 'peft']);
    const lines = text.trim().split('\n');
    const mainKeys = keysOf(src, 'main');
    // line numbers (1-based) of the 'peft' section: its header is line 10 (1 + 8 runs of 'main')
    expect(JSON.parse(lines[9])).toMatchObject({ sweep: 'peft' });
    const ownIndex = lines.findIndex(
      (l, i) => i > 9 && !mainKeys.includes(JSON.parse(l).runSpec.key)
    );
    const own = JSON.parse(lines[ownIndex]);

    // the target store holds peft's own run with a different result (computed elsewhere)
    const dst = ResultStore.open(path.join(tempDir('jsonl'), 'dst.sqlite'));
    const altered = { ...own, stored: structuredClone(own.stored) };
    altered.stored.result.macroF1 += 1;
    importRuns(
      dst,
      [
        lines[9],
        ...lines
          .slice(10)
          .map((l, i) =>
            10 + i === ownIndex
              ? JSON.stringify(altered)
              : JSON.stringify({ ...JSON.parse(l), stored: null })
          )
      ].join('\n'),
      'elsewhere.jsonl'
    );
    expect(dst.count()).toBe(1);

    expect(() => importRuns(dst, text, 'two.jsonl')).toThrow(
      new RegExp(
        `two\\.jsonl, line ${ownIndex + 1}: run ${own.runSpec.key} \\(sweep 'peft'\\) is already in .* with different values.*nothing was imported`
      )
    );
    // the first section ('main', no conflict) was rolled back with the second
    expect(dst.count()).toBe(1);
    expect(dst.sweep('main')).toBeUndefined();
    for (const key of mainKeys) {
      expect(dst.storedRow(key)).toBeUndefined();
    }

    // a second section whose sweep is defined differently in the store: also nothing imported
    const peftHeader = JSON.parse(lines[9]);
    peftHeader.spec.runs = 4;
    const redefined = [
      ...lines.slice(0, 9),
      JSON.stringify(peftHeader),
      ...lines.slice(10)
    ];
    const fresh = ResultStore.open(path.join(tempDir('jsonl'), 'f.sqlite'));
    importRuns(fresh, lines.slice(9).join('\n'), 'peft.jsonl');
    expect(() =>
      importRuns(fresh, redefined.join('\n'), 'redefined.jsonl')
    ).toThrow(
      /redefined\.jsonl, line 10: sweep 'peft' is already in .* with a different definition/
    );
    expect(fresh.sweep('main')).toBeUndefined();
    src.close();
    dst.close();
    fresh.close();
  });

  it('checks each section: its own run count and positions, each sweep once, every header', async () => {
    const src = await twoSweepStore();
    const lines = exportJsonl(src, ['main', 'peft']).trim().split('\n');
    const dst = ResultStore.open(path.join(tempDir('jsonl'), 'dst.sqlite'));
    // a run of 'peft' dropped: the count of that section is wrong, not the file's
    expect(() =>
      importRuns(dst, lines.slice(0, -1).join('\n'), 'short.jsonl')
    ).toThrow(
      /short\.jsonl, line 10: the header of sweep 'peft' says 3 runs, its section has 2/
    );
    // positions restart at 0 in each section; a wrong one is named by its line
    const moved = JSON.parse(lines[11]);
    moved.position = 5;
    const badPosition = [...lines];
    badPosition[11] = JSON.stringify(moved);
    expect(() => importRuns(dst, badPosition.join('\n'), 'pos.jsonl')).toThrow(
      /pos\.jsonl: run line 12 has position 5, expected 1 \(sweep 'peft'\)/
    );
    expect(() =>
      importRuns(
        dst,
        [...lines.slice(0, 9), ...lines.slice(0, 9)].join('\n'),
        'twice.jsonl'
      )
    ).toThrow(
      /twice\.jsonl, line 10: sweep 'main' has a second section \(the first starts at line 1\)/
    );
    const newer = JSON.stringify({ ...JSON.parse(lines[9]), version: 2 });
    expect(() =>
      importRuns(
        dst,
        [...lines.slice(0, 9), newer, ...lines.slice(10)].join('\n'),
        'newer.jsonl'
      )
    ).toThrow(
      /newer\.jsonl is deni-runs format version 2 \(line 10\); this deni reads versions up to 1/
    );
    expect(() =>
      importRuns(
        dst,
        [
          ...lines.slice(0, 9),
          JSON.stringify({ format: 'other' }),
          ...lines.slice(10)
        ].join('\n'),
        'fmt.jsonl'
      )
    ).toThrow(/fmt\.jsonl, line 10: not a deni runs export/);
    expect(dst.count()).toBe(0);
    src.close();
    dst.close();
  });
});
