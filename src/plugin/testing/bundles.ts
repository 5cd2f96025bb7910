/** Report bundles for the plugin's unit tests (hand-written to the v1 contract). */
import type { IReportBundle } from '../../deni/report/types';

/** A finished two-data-set sweep with best values marked. */
export function doneBundle(): IReportBundle {
  return {
    version: 1,
    sweep: 'quick',
    status: 'done',
    progress: { done: 12, total: 12, cached: 4, failed: 1 },
    stats: [],
    tables: [
      {
        title: 'Macro-F1 (minilm-l6, full)',
        columns: ['sst2', 'trec'],
        rows: [
          {
            label: 'default',
            cells: [
              { text: '80.10 (4.20)', mean: 80.1, std: 4.2 },
              { text: '70.00 (6.00)', mean: 70, std: 6 }
            ]
          },
          {
            label: 'ensemble',
            cells: [
              { text: '83.50 (2.10)', mean: 83.5, std: 2.1, bestMean: true },
              null
            ]
          },
          {
            label: 'deni',
            cells: [
              { text: '82.90 (1.10)', mean: 82.9, std: 1.1, bestStd: true },
              {
                text: '74.20 (2.50)',
                mean: 74.2,
                std: 2.5,
                bestMean: true,
                bestStd: true
              }
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
          { type: 'box', name: 'default', y: [80, 82, 78] },
          { type: 'box', name: 'deni', y: [83, 82, 84] }
        ],
        layout: { title: { text: 'Macro-F1 per strategy' } }
      }
    ]
  };
}

/** Strings that would run script or inject markup if they were ever parsed as HTML. */
export const HOSTILE =
  '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
