import { describe, expect, it } from 'vitest';
import { Rng } from '../random';
import { buildReport } from './build';
import { toMimeBundle } from './mime';
import { progressBundle } from './progress';
import { syntheticResults } from './synthetic';
import { PLOTLY_MIME, REPORT_MIME } from './types';

describe('report bundle', () => {
  const results = syntheticResults({ runs: 6 });

  it('is deterministic for the same seed whatever the result order', () => {
    const a = buildReport('s', results, { status: 'done', seed: 3 });
    const b = buildReport('s', [...results].reverse(), {
      status: 'done',
      rng: new Rng(3)
    });
    expect(b).toEqual(a);
    const c = buildReport('s', results, { status: 'done', seed: 4 });
    expect(c.stats[0].meanCI).not.toEqual(a.stats[0].meanCI);
    expect(c.stats[0].mean).toBe(a.stats[0].mean);
  });

  it('gives exactly the four MIME types', () => {
    const bundle = buildReport('s', results, {
      status: 'running',
      progress: {
        sweep: 's',
        done: 36,
        total: 60,
        cached: 6,
        failed: 0,
        current: {
          run: 7,
          strategy: 'deni',
          tuning: 'full',
          step: 120,
          totalSteps: 1250
        },
        etaSeconds: 200
      }
    });
    const mime = toMimeBundle(bundle);
    expect(Object.keys(mime).sort()).toEqual(
      [REPORT_MIME, PLOTLY_MIME, 'text/html', 'text/plain'].sort()
    );
    expect(mime[REPORT_MIME]).toBe(bundle);
    const plot = mime[PLOTLY_MIME] as {
      data: { type: string }[];
      layout: object;
    };
    expect(plot.data[0].type).toBe('violin');
    expect(mime['text/html']).toContain(
      '<table class="jp-deni-table jp-deni-paper-table">'
    );
    expect(mime['text/html']).toContain(
      '36 / 60 runs (6 from the store), about 3 min 20 s left'
    );
    expect(mime['text/html']).toContain(
      'now: run 7 deni full, step 120 / 1250'
    );
    expect(mime['text/plain']).toMatch(
      /^Sweep s: running\. 36 runs in 6 groups \(2 configurations\)/
    );
    expect(JSON.parse(JSON.stringify(mime))).toEqual(mime);
  });

  it('makes a progress-only bundle for a sweep without finished runs', () => {
    const bundle = progressBundle('early', {
      sweep: 'early',
      done: 0,
      total: 40,
      cached: 0,
      failed: 0
    });
    expect(bundle).toMatchObject({
      version: 1,
      status: 'running',
      stats: [],
      tables: [],
      figures: []
    });
    const mime = toMimeBundle(bundle);
    expect(Object.keys(mime)).toEqual([REPORT_MIME, 'text/html', 'text/plain']);
    expect(mime['text/plain']).toBe(
      'Sweep early: running. No finished runs yet.\nProgress: 0 / 40 runs'
    );
    expect(mime['text/html']).toContain(
      '<progress class="jp-deni-progress-bar" value="0" max="40">'
    );
    expect(() =>
      progressBundle('x', {
        sweep: 'x',
        done: -1,
        total: 4,
        cached: 0,
        failed: 0
      })
    ).toThrow(/progress\.done: must be a non-negative integer, got -1/);
  });

  it('reports an empty or failed sweep and checks the status', () => {
    const bundle = buildReport('e', [], {
      status: 'error',
      error: 'redis down'
    });
    expect(bundle.figures).toEqual([]);
    expect(bundle.tables).toEqual([]);
    expect(toMimeBundle(bundle)['text/plain']).toContain('Error: redis down');
    expect(() =>
      buildReport('e', [], { status: 'finished' as 'done' })
    ).toThrow(
      /status: got "finished"; valid: running, done, interrupted, error/
    );
  });

  it('orders data sets and tunings as asked, else as the paper', () => {
    const res = syntheticResults({
      datasets: [
        { name: 'my-data', classes: 3 },
        { name: 'trec', classes: 6 },
        { name: 'glue/sst2', classes: 2 }
      ],
      tunings: ['unipelt', 'full'],
      runs: 2
    });
    const paper = buildReport('o', res, { status: 'done', resamples: 10 });
    expect(paper.tables[0].columns).toEqual([
      'glue/sst2 / full',
      'glue/sst2 / unipelt',
      'trec / full',
      'trec / unipelt',
      'my-data / full',
      'my-data / unipelt'
    ]);
    const asked = buildReport('o', res, {
      status: 'done',
      resamples: 10,
      order: { datasets: ['my-data'], tunings: ['unipelt', 'full'] }
    });
    expect(asked.tables[0].columns.slice(0, 3)).toEqual([
      'my-data / unipelt',
      'my-data / full',
      'glue/sst2 / unipelt'
    ]);
    const lean = buildReport('o', res, {
      status: 'done',
      resamples: 10,
      includeRuns: false
    });
    expect(lean.runs).toBeUndefined();
    expect(lean.stats).toEqual(paper.stats);
  });

  it('escapes plotly pseudo-HTML in the plotly output only', () => {
    const evil = '<a href="https://evil.example">x</a>&';
    const res = syntheticResults({
      datasets: [{ name: evil, classes: 2 }],
      strategies: [
        { name: 'default' },
        { name: 'deni', params: { tag: '<b>' } }
      ],
      runs: 3
    });
    const bundle = buildReport('p', res, { status: 'done', resamples: 10 });
    const names = bundle.figures[0].data.map(t => t.name);
    expect(names).toEqual(['default', 'deni(tag=<b>)']);
    const plot = toMimeBundle(bundle)[PLOTLY_MIME] as {
      data: { name: string }[];
    };
    expect(plot.data.map(t => t.name)).toEqual([
      'default',
      'deni(tag=&lt;b&gt;)'
    ]);
    expect(JSON.stringify(plot)).not.toMatch(/<a |<b>/);
    // The bundle keeps plain text for the plugin, which escapes by itself.
    expect(JSON.stringify(bundle.figures)).toContain(evil.replace(/"/g, '\\"'));
  });
});

describe('detectable std ratio in the report', () => {
  const results = syntheticResults({ runs: 20 });

  it('says per comparison what a finished sweep could have detected', () => {
    const done = buildReport('s', results, { status: 'done' });
    const compared = done.stats.filter(s => s.stdVsDefault !== undefined);
    expect(compared.length).toBeGreaterThan(0);
    for (const s of compared) {
      // 20 runs a side: about a halved std (normal theory: 0.46 for BF at 80 % power).
      expect(s.detectableStdRatio).toBeGreaterThan(0.35);
      expect(s.detectableStdRatio).toBeLessThan(0.55);
      expect(s.detectPower).toBe(0.8);
    }
    expect(done.stats.find(s => s.strategy === 'default')).not.toHaveProperty(
      'detectableStdRatio'
    );
    expect(done.summary).toMatch(
      /Detectable with these runs: std \/ default <= 0\.\d\d/
    );
    const table = done.plainTables?.find(t => t.id === 'stats');
    expect(table?.columns.at(-1)?.label).toMatch(/power 0.8, alpha 0.05/);
    // A stricter power asks for a bigger difference (a smaller ratio).
    const strict = buildReport('s', results, {
      status: 'done',
      detectable: { power: 0.95, alpha: 0.05 }
    });
    const a = compared[0].detectableStdRatio ?? 1;
    const b =
      strict.stats.find(s => s.strategy === compared[0].strategy)
        ?.detectableStdRatio ?? 0;
    expect(b).toBeLessThan(a);
  });

  it('says that five runs detect next to nothing (the quick-start case)', () => {
    const few = buildReport('s', syntheticResults({ runs: 5 }), {
      status: 'done'
    });
    for (const s of few.stats.filter(x => x.stdVsDefault !== undefined)) {
      expect(s.detectableStdRatio ?? 0).toBeLessThan(0.1);
    }
  });

  it('is left out while the sweep runs', () => {
    const running = buildReport('s', results, { status: 'running' });
    expect(running.stats.some(s => 'detectableStdRatio' in s)).toBe(false);
  });
});
