/**
 * Notebook fixtures of the plugin's UI tests, written to the server by the tests themselves: a
 * saved notebook whose outputs hold report bundles (application/vnd.deni.report.v1+json), so the
 * renderer can be checked in the real JupyterLab without running any kernel.
 */

import type { IJupyterLabPageFixture } from '@jupyterlab/galata';

/**
 * Reload the page and wait until JupyterLab has started and restored its layout (galata's own
 * `reload` waits for a launcher state that a restored notebook layout never reaches).
 */
export async function reloadLab(page: IJupyterLabPageFixture): Promise<void> {
  await page.reload({ waitUntil: 'load', waitForIsReady: false });
  await page.waitForFunction(
    () =>
      typeof (window as unknown as { jupyterapp?: unknown }).jupyterapp ===
      'object'
  );
  await page.evaluate(async () => {
    const app = (
      window as unknown as {
        jupyterapp: { started: Promise<void>; restored: Promise<void> };
      }
    ).jupyterapp;
    await app.started;
    await app.restored;
  });
}

/** MIME type of the report bundle (src/deni/report/types.ts; UI tests do not import src/). */
export const REPORT_MIME = 'application/vnd.deni.report.v1+json';

/** A string that would run script if it were ever parsed as HTML. */
export const HOSTILE =
  '<img src=x onerror="window.__deniPwned=1"><script>window.__deniPwned=2</script>';

function box(name: string, y: number[]): Record<string, unknown> {
  return { type: 'box', name, y, boxpoints: 'all', jitter: 0.3 };
}

/** A finished report: paper table (best marked), a box plot and a mean-vs-std scatter. */
export function doneBundle(sweep: string): Record<string, unknown> {
  return {
    version: 1,
    sweep,
    status: 'done',
    progress: { done: 30, total: 30, cached: 0, failed: 1 },
    stats: [],
    tables: [
      {
        title: 'Macro-F1 x 100, mean (std) over 10 runs',
        columns: ['uci-sentiment', 'spam-assassin'],
        rows: [
          {
            label: 'default',
            cells: [
              { text: '78.12 (6.31)', mean: 78.12, std: 6.31 },
              { text: '90.40 (3.02)', mean: 90.4, std: 3.02 }
            ]
          },
          {
            label: 'ensemble',
            cells: [
              { text: '81.95 (2.40)', mean: 81.95, std: 2.4, bestMean: true },
              { text: '92.10 (1.10)', mean: 92.1, std: 1.1, bestStd: true }
            ]
          },
          {
            label: 'deni',
            cells: [
              { text: '81.20 (1.75)', mean: 81.2, std: 1.75, bestStd: true },
              { text: '92.80 (1.30)', mean: 92.8, std: 1.3, bestMean: true }
            ]
          }
        ]
      }
    ],
    figures: [
      {
        id: 'box',
        title: 'Macro-F1 per strategy',
        data: [
          box(
            'default',
            [71.2, 84.0, 78.5, 69.9, 80.1, 85.3, 77.0, 74.2, 83.6, 77.4]
          ),
          box(
            'ensemble',
            [80.2, 83.1, 79.9, 84.5, 81.0, 82.7, 78.8, 85.0, 81.2, 83.1]
          ),
          box(
            'deni',
            [80.9, 82.5, 79.6, 83.0, 81.1, 80.2, 83.4, 79.9, 81.7, 79.7]
          )
        ],
        layout: {
          title: { text: 'Macro-F1 per strategy (uci-sentiment)' },
          yaxis: { title: { text: 'macro-F1 x 100' } },
          showlegend: false
        }
      },
      {
        id: 'mean-std',
        title: 'Mean vs std',
        data: [
          {
            type: 'scatter',
            mode: 'markers+text',
            x: [6.31, 2.4, 1.75],
            y: [78.12, 81.95, 81.2],
            text: ['default', 'ensemble', 'deni'],
            textposition: 'top center'
          }
        ],
        layout: {
          title: { text: 'Mean vs std of macro-F1' },
          xaxis: { title: { text: 'std' } },
          yaxis: { title: { text: 'mean' } }
        }
      }
    ]
  };
}

/** A report of a sweep still running (progress only). */
export function runningBundle(sweep: string): Record<string, unknown> {
  return {
    version: 1,
    sweep,
    status: 'running',
    progress: {
      done: 7,
      total: 20,
      cached: 2,
      failed: 0,
      current: 'deni / full, run 8',
      etaSeconds: 95
    },
    stats: [],
    tables: [],
    figures: []
  };
}

/** A report whose every text field is hostile, with an error and a figure that tries scripts. */
export function hostileBundle(): Record<string, unknown> {
  const bundle = doneBundle(HOSTILE);
  bundle.status = 'error';
  bundle.error = `worker crashed: ${HOSTILE}`;
  const table = (
    bundle.tables as { title: string; rows: { label: string }[] }[]
  )[0];
  table.title = HOSTILE;
  table.rows[0].label = HOSTILE;
  const figure = (
    bundle.figures as {
      data: Record<string, unknown>[];
      layout: Record<string, unknown>;
    }[]
  )[0];
  figure.data[0].hovertemplate =
    '<a href="javascript:window.__deniPwned=3">x</a>';
  figure.data[0].name = HOSTILE;
  figure.layout.title = {
    text: '<a href="javascript:window.__deniPwned=4">click</a>'
  };
  return bundle;
}

function displayCell(
  id: string,
  source: string,
  bundle: Record<string, unknown>,
  count: number
) {
  return {
    cell_type: 'code',
    execution_count: count,
    id,
    metadata: {},
    source,
    outputs: [
      {
        output_type: 'display_data',
        metadata: {},
        data: {
          [REPORT_MIME]: bundle,
          'text/plain': `DENI report of sweep ${String(bundle.sweep)}`
        }
      }
    ]
  };
}

/** The saved notebook the renderer test opens (nbformat 4.5, untrusted: no signature). */
export function reportNotebook(): string {
  return JSON.stringify(
    {
      cells: [
        {
          cell_type: 'markdown',
          id: 'intro',
          metadata: {},
          source:
            'Outputs saved by the DENI kernel; rendered by the jupyterlab-deni plugin.'
        },
        displayCell(
          'done',
          '%%deni sweep\nname: fixture-done\ndataset: uci-sentiment\nmodel: minilm-l6',
          doneBundle('fixture-done'),
          1
        ),
        displayCell(
          'running',
          '%deni report fixture-running',
          runningBundle('fixture-running'),
          2
        ),
        displayCell('hostile', '%deni report hostile', hostileBundle(), 3)
      ],
      metadata: {
        kernelspec: {
          name: 'python3',
          display_name: 'Python 3 (ipykernel)',
          language: 'python'
        },
        language_info: { name: 'python' }
      },
      nbformat: 4,
      nbformat_minor: 5
    },
    null,
    1
  );
}
