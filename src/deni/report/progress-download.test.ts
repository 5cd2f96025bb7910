import { describe, expect, it } from 'vitest';
import { toBundleProgress } from './progress';

describe('progress while a sweep downloads its Hub inputs', () => {
  it('the notebook display says which file and how many bytes', () => {
    expect(
      toBundleProgress({
        sweep: 's',
        done: 0,
        total: 20,
        cached: 0,
        failed: 0,
        download: {
          repo: 'fancyzhx/dbpedia_14',
          file: 'dbpedia_14/train/0000.parquet',
          bytes: 12_300_000,
          total: 106_000_000
        }
      })
    ).toEqual({
      done: 0,
      total: 20,
      cached: 0,
      failed: 0,
      current:
        'downloading fancyzhx/dbpedia_14 dbpedia_14/train/0000.parquet 12.3 MB / 106.0 MB'
    });
  });
});
