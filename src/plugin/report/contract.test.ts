// @vitest-environment jsdom
/**
 * Contract test: bundles built by the real report module (src/deni/report, test-only import; the
 * plugin itself never imports it) render without errors, with their tables and figures.
 */
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../deni/report';
import { syntheticResults } from '../../deni/report/synthetic';
import { REPORT_MIME } from '../../deni/report/types';
import { toMimeBundle } from '../../deni/report/mime';
import { ReportView } from './report-view';

describe('report bundles of src/deni/report', () => {
  it('render as tables, figures and plain tables', async () => {
    const results = syntheticResults({ sweep: 'contract', runs: 6, seed: 3 });
    const bundle = buildReport('contract', results, {
      status: 'done',
      resamples: 200
    });
    const mime = toMimeBundle(bundle);
    const drawn: unknown[][] = [];
    const view = new ReportView({
      loadPlotly: async () => ({
        newPlot: async (_n, data) => {
          drawn.push(data);
        },
        purge: () => undefined,
        Plots: { resize: () => undefined }
      }),
      copy: () => undefined
    });
    await view.render(JSON.parse(JSON.stringify(mime[REPORT_MIME])));
    expect(view.node.querySelector('.jp-deni-error')).toBeNull();
    expect(view.bundle?.sweep).toBe('contract');
    expect(view.tables.length).toBe(bundle.tables.length);
    expect(view.tables.length).toBeGreaterThan(0);
    expect(
      view.node.querySelectorAll('.jp-deni-best-mean').length
    ).toBeGreaterThan(0);
    expect(drawn.length).toBe(bundle.figures.length);
    expect(drawn.every(d => d.length > 0)).toBe(true);
    expect(view.node.querySelectorAll('details.jp-deni-stats').length).toBe(
      bundle.plainTables?.length
    );
  });
});
