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
    expect(summary).toEqual({
      sweep: 'study',
      imported: 8,
      skipped: 0,
      unfinished: 0,
      sweepAdded: true
    });
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
    expect(importRuns(dst, text, 'study.jsonl')).toMatchObject({
      imported: 0,
      skipped: 8,
      sweepAdded: false
    });
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
        `bad\\.jsonl: run ${changed.runSpec.key} is already in .* with different values`
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
