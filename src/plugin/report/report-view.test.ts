// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import type { IReportBundle } from '../../deni/report/types';
import { doneBundle, HOSTILE } from '../testing/bundles';
import type { IPlotlyApi } from './plotly-loader';
import { PLOTLY_CONFIG, ReportView } from './report-view';

interface IPlotCall {
  data: unknown[];
  layout: Record<string, unknown>;
  config: Record<string, unknown>;
}

/** A plotly stand-in that records what the view asks it to draw. */
function recordingPlotly(): {
  api: IPlotlyApi;
  calls: IPlotCall[];
  purged: number;
} {
  const state = { calls: [] as IPlotCall[], purged: 0 };
  const api: IPlotlyApi = {
    newPlot: async (_root, data, layout = {}, config = {}) => {
      state.calls.push({ data, layout, config });
    },
    purge: () => {
      state.purged++;
    },
    Plots: { resize: () => undefined }
  };
  return {
    api,
    get calls() {
      return state.calls;
    },
    get purged() {
      return state.purged;
    }
  };
}

function makeView(copied: string[] = []) {
  const plotly = recordingPlotly();
  const view = new ReportView({
    loadPlotly: async () => plotly.api,
    copy: text => {
      copied.push(text);
    }
  });
  document.body.appendChild(view.node);
  return { view, plotly, copied };
}

function bodyLabels(view: ReportView): string[] {
  return [...view.node.querySelectorAll('.jp-deni-table tbody th')].map(
    th => th.textContent ?? ''
  );
}

describe('ReportView', () => {
  it('renders the paper table with best values marked', async () => {
    const { view } = makeView();
    await view.render(doneBundle());
    const table = view.node.querySelector('table.jp-deni-table')!;
    expect(table.querySelector('caption')!.textContent).toBe(
      'Macro-F1 (minilm-l6, full)'
    );
    expect(
      [...table.querySelectorAll('thead th')].map(th => th.textContent)
    ).toEqual(['Strategy', 'sst2', 'trec']);
    expect(bodyLabels(view)).toEqual(['default', 'ensemble', 'deni']);
    const bestMean = [...table.querySelectorAll('td.jp-deni-best-mean')].map(
      td => td.textContent
    );
    expect(bestMean).toEqual(['83.50 (2.10)', '74.20 (2.50)']);
    expect(table.querySelectorAll('td.jp-deni-best-mean strong')).toHaveLength(
      2
    );
    const bestStd = [...table.querySelectorAll('td.jp-deni-best-std')].map(
      td => td.textContent
    );
    expect(bestStd).toEqual(['82.90 (1.10)', '74.20 (2.50)']);
    expect(table.querySelector('td.jp-deni-cell-empty')!.textContent).toBe(
      '\u2013'
    );
  });

  it('sorts by a column on header clicks: best first, reversed, then the bundle order', async () => {
    const { view } = makeView();
    await view.render(doneBundle());
    const header = () =>
      view.node.querySelector<HTMLButtonElement>(
        'thead button[data-column="0"]'
      )!;
    header().click();
    expect(bodyLabels(view)).toEqual(['ensemble', 'deni', 'default']);
    expect(header().parentElement!.getAttribute('aria-sort')).toBe(
      'descending'
    );
    header().click();
    expect(bodyLabels(view)).toEqual(['default', 'deni', 'ensemble']);
    header().click();
    expect(bodyLabels(view)).toEqual(['default', 'ensemble', 'deni']);
    // Missing cells sort last in both directions.
    const trec = () =>
      view.node.querySelector<HTMLButtonElement>(
        'thead button[data-column="1"]'
      )!;
    trec().click();
    expect(bodyLabels(view)).toEqual(['deni', 'default', 'ensemble']);
    trec().click();
    expect(bodyLabels(view)).toEqual(['default', 'deni', 'ensemble']);
  });

  it('keeps the sort across live re-renders of the same output', async () => {
    const { view } = makeView();
    await view.render(doneBundle());
    view.node
      .querySelector<HTMLButtonElement>('thead button[data-column="-1"]')!
      .click();
    expect(bodyLabels(view)).toEqual(['default', 'deni', 'ensemble']);
    await view.render({ ...doneBundle(), status: 'running' });
    expect(bodyLabels(view)).toEqual(['default', 'deni', 'ensemble']);
  });

  it('copies Markdown and LaTeX of the rows in the shown order', async () => {
    const { view, copied } = makeView();
    await view.render(doneBundle());
    view.node
      .querySelector<HTMLButtonElement>('thead button[data-column="0"]')!
      .click();
    view.node
      .querySelector<HTMLButtonElement>('.jp-deni-copy-markdown')!
      .click();
    view.node.querySelector<HTMLButtonElement>('.jp-deni-copy-latex')!.click();
    await Promise.resolve();
    expect(copied[0].split('\n').slice(2, 5)).toEqual([
      '| Strategy | sst2 | trec |',
      '| --- | ---: | ---: |',
      '| ensemble | **83.50 (2.10)** | \u2013 |'
    ]);
    expect(copied[1]).toContain('ensemble & \\textbf{83.50 (2.10)} & -- \\\\');
    expect(view.node.querySelector('.jp-deni-copy-status')!.textContent).toBe(
      'Copied as LaTeX.'
    );
  });

  it('shows hostile strings as text and never creates elements from them', async () => {
    const { view } = makeView();
    const bundle = doneBundle();
    bundle.sweep = HOSTILE;
    bundle.tables[0].title = HOSTILE;
    bundle.tables[0].columns[0] = HOSTILE;
    bundle.tables[0].rows[0].label = HOSTILE;
    bundle.tables[0].rows[0].cells[0]!.text = HOSTILE;
    bundle.error = HOSTILE;
    bundle.status = 'error';
    bundle.figures[0].id = HOSTILE;
    await view.render(bundle);
    expect(
      view.node.querySelectorAll('img, script, iframe, object, embed')
    ).toHaveLength(0);
    expect(view.node.querySelector('.jp-deni-report-title')!.textContent).toBe(
      `Sweep ${HOSTILE}`
    );
    expect(view.node.querySelector('caption')!.textContent).toBe(HOSTILE);
    expect(view.node.querySelector('tbody th')!.textContent).toBe(HOSTILE);
    expect(view.node.querySelector('tbody td')!.textContent).toBe(HOSTILE);
    expect(view.node.querySelector('.jp-deni-error-text')!.textContent).toBe(
      HOSTILE
    );
    expect(
      view.node.querySelector('.jp-deni-figure')!.getAttribute('data-figure-id')
    ).toBe(HOSTILE);
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it('shows a live progress bar while the sweep runs', async () => {
    const { view } = makeView();
    const running: IReportBundle = {
      ...doneBundle(),
      status: 'running',
      progress: {
        done: 3,
        total: 12,
        cached: 2,
        failed: 1,
        current: 'deni / full run 4',
        etaSeconds: 125
      },
      tables: [],
      figures: []
    };
    await view.render(running);
    const bar = view.node.querySelector('[role="progressbar"]')!;
    expect(bar.getAttribute('aria-valuenow')).toBe('3');
    expect(bar.getAttribute('aria-valuemax')).toBe('12');
    expect(
      view.node.querySelector<HTMLElement>('.jp-deni-progress-fill')!.style
        .width
    ).toBe('25%');
    expect(view.node.querySelector('.jp-deni-progress-text')!.textContent).toBe(
      '3 / 12 runs (2 from the result store, 1 failed) \u00B7 now: deni / full run 4 \u00B7 about 2 min 5 s left'
    );
    expect(view.node.querySelector('.jp-deni-status')!.textContent).toBe(
      'Running'
    );
    await view.render({
      ...running,
      progress: { ...running.progress!, done: 12 },
      status: 'done'
    });
    expect(
      view.node.querySelector<HTMLElement>('.jp-deni-progress-fill')!.style
        .width
    ).toBe('100%');
    expect(view.node.querySelector('.jp-deni-progress-text')!.textContent).toBe(
      '12 / 12 runs (2 from the result store, 1 failed)'
    );
  });

  it('explains an interrupted sweep and how to resume it', async () => {
    const { view } = makeView();
    await view.render({
      ...doneBundle(),
      status: 'interrupted',
      progress: { done: 5, total: 12, cached: 0, failed: 0 }
    });
    expect(view.node.querySelector('.jp-deni-notice')!.textContent).toBe(
      'Sweep quick was interrupted. 5 of 12 runs are saved. Run the cell again to resume where it stopped.'
    );
  });

  it('turns a malformed bundle into an error naming the bad field', async () => {
    const { view } = makeView();
    await view.render({
      version: 1,
      sweep: 'x',
      status: 'done',
      tables: [{ title: 't', columns: [3], rows: [] }]
    });
    expect(view.node.querySelector('.jp-deni-error-text')!.textContent).toBe(
      'Cannot show this DENI report: bundle.tables[0].columns[0] is 3; expected a string.'
    );
    await view.render({ version: 2, sweep: 'x', status: 'done' });
    expect(view.node.textContent).toContain('bundle.version is 2; expected 1');
    expect(view.bundle).toBeNull();
  });

  it('draws figures with sanitised specs and the renderer-owned plotly config', async () => {
    const { view, plotly } = makeView();
    const bundle = doneBundle();
    bundle.figures[0].data.push({ type: 'scattermapbox', lat: [1], lon: [2] });
    (bundle.figures[0].data[0] as Record<string, unknown>).hovertemplate =
      '<a href="javascript:alert(1)">x</a>';
    (bundle.figures[0].data[0] as Record<string, unknown>).name =
      '<b>default</b>';
    bundle.figures[0].layout = {
      ...bundle.figures[0].layout,
      images: [{ source: 'http://evil/x.png' }],
      updatemenus: [{}]
    };
    await view.render(bundle);
    expect(plotly.calls).toHaveLength(1);
    const call = plotly.calls[0];
    expect(call.data).toHaveLength(2);
    expect(call.data[0]).toEqual({
      type: 'box',
      name: '&lt;b&gt;default&lt;/b&gt;',
      y: [80, 82, 78]
    });
    expect(call.layout.images).toBeUndefined();
    expect(call.layout.updatemenus).toBeUndefined();
    expect(call.layout.title).toEqual({ text: 'Macro-F1 per strategy' });
    expect(call.config).toEqual(PLOTLY_CONFIG);
    expect(view.figureNodes).toHaveLength(1);
    expect(view.figureNodes[0].getAttribute('data-figure-id')).toBe('box');
    // A re-render (live update) purges the drawn figure first.
    await view.render(bundle);
    expect(plotly.purged).toBe(1);
  });

  it('shows a readable message in place of a figure when plotly cannot load', async () => {
    const view = new ReportView({
      loadPlotly: () => Promise.reject(new Error('chunk failed')),
      copy: () => undefined
    });
    await view.render(doneBundle());
    expect(view.node.querySelector('.jp-deni-figure-error')!.textContent).toBe(
      'plotly.js could not be loaded: Error: chunk failed'
    );
  });
});
