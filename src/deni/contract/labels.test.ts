import { describe, expect, it } from 'vitest';
import { datasetLabel, strategyLabel } from './labels';

describe('labels (issue #17)', () => {
  it('labels a local data file by its spec name or file name, never its path', () => {
    const file = {
      path: '/home/ada/data/reviews.csv',
      textColumn: 'text',
      labelColumn: 'label'
    };
    expect(datasetLabel(file)).toBe('reviews.csv');
    expect(datasetLabel({ ...file, name: 'reviews' })).toBe('reviews');
    expect(datasetLabel('/home/ada/data/reviews.jsonl')).toBe('reviews.jsonl');
    expect(datasetLabel('file:C:\\data\\x.parquet')).toBe('x.parquet');
    expect(datasetLabel('sst2')).toBe('sst2');
    expect(datasetLabel('hf:owner/name')).toBe('hf:owner/name');
  });

  it('shows where augmentation comes from, without the file path', () => {
    expect(strategyLabel({ name: 'deni', params: { s2: 0.1, K: 5 } })).toBe(
      'deni(K=5, s2=0.1)'
    );
    expect(
      strategyLabel({
        name: 'deni-augment',
        params: { paraphrases: '/home/ada/p.jsonl' }
      })
    ).toBe('deni-augment(paraphrases)');
  });
});
