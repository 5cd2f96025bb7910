import { describe, expect, it } from 'vitest';
import { Rng } from '../random';
import { paperSplit, proportionalCounts } from './split';
import type { IDataset } from './types';

/** A labelled toy set with class sizes `sizes` (unit-test data; texts name their class and index). */
function toySet(sizes: number[]): IDataset {
  const examples = sizes.flatMap((n, c) =>
    Array.from({ length: n }, (_, i) => ({
      text: `class ${c} sample ${i}`,
      label: c
    }))
  );
  return {
    id: 'toy',
    labels: sizes.map((_, c) => `c${c}`),
    examples,
    maxLength: 50,
    warnings: []
  };
}

const rngs = (split = 1, labels = 2) => ({
  splitRng: new Rng(split),
  labelsRng: new Rng(labels)
});

const count = (xs: { label: number }[], c: number) =>
  xs.filter(x => x.label === c).length;

describe('paperSplit', () => {
  it('splits 80/20 stratified and draws ceil(samples / classes) per class', () => {
    const ds = toySet([500, 300, 200]);
    const { train, test, warnings } = paperSplit(ds, {
      ...rngs(),
      samples: 100
    });
    expect(test.length).toBe(200);
    expect([0, 1, 2].map(c => count(test, c))).toEqual([100, 60, 40]);
    expect(train.length).toBe(3 * 34);
    expect([0, 1, 2].map(c => count(train, c))).toEqual([34, 34, 34]);
    expect(warnings).toEqual([]);
  });

  it('is deterministic per seed, and the test split depends only on the split generator', () => {
    const ds = toySet([120, 80]);
    const a = paperSplit(ds, { ...rngs(5, 6), samples: 20 });
    const b = paperSplit(ds, { ...rngs(5, 6), samples: 20 });
    expect(b).toEqual(a);
    const otherLabels = paperSplit(ds, { ...rngs(5, 99), samples: 20 });
    expect(otherLabels.test).toEqual(a.test);
    expect(otherLabels.train).not.toEqual(a.train);
    const otherSplit = paperSplit(ds, { ...rngs(7, 6), samples: 20 });
    expect(otherSplit.test).not.toEqual(a.test);
    const bigger = paperSplit(ds, { ...rngs(5, 6), samples: 60 });
    expect(bigger.test).toEqual(a.test);
  });

  it('uses all of a short class and names it in a warning', () => {
    const ds = toySet([200, 10]);
    const { train, warnings } = paperSplit(ds, { ...rngs(), samples: 40 });
    expect(count(train, 0)).toBe(20);
    expect(count(train, 1)).toBe(8);
    expect(warnings.join('\n')).toMatch(
      /class "c1" has only 8 training sample\(s\).*20 per class/
    );
  });

  it('never puts a text in both splits, even when the data repeats texts', () => {
    const ds = toySet([50, 50]);
    // Every text twice, and one text with both labels.
    ds.examples = [
      ...ds.examples,
      ...ds.examples,
      { text: 'class 0 sample 3', label: 1 }
    ];
    const { train, test, warnings } = paperSplit(ds, {
      ...rngs(),
      allData: true,
      samples: 0
    });
    const trainTexts = new Set(train.map(e => e.text));
    expect(test.some(e => trainTexts.has(e.text))).toBe(false);
    expect(train.length + test.length).toBe(100);
    // The conflicting text keeps its majority label (0: seen twice, against once as 1).
    expect(
      [...train, ...test].find(e => e.text === 'class 0 sample 3')?.label
    ).toBe(0);
    expect(warnings.join('\n')).toMatch(
      /101 duplicate text\(s\) merged.*1 text\(s\) had conflicting labels/
    );
  });

  it('keeps the whole 80 % in all-data mode, class-balanced above the cap', () => {
    const ds = toySet([400, 100]);
    const all = paperSplit(ds, { ...rngs(), samples: 10, allData: true });
    expect(all.train.length).toBe(400);
    const capped = paperSplit(ds, {
      ...rngs(),
      samples: 10,
      allData: true,
      allDataCap: 100
    });
    expect(count(capped.train, 0)).toBe(50);
    expect(count(capped.train, 1)).toBe(50);
    const skewCap = paperSplit(ds, {
      ...rngs(),
      samples: 10,
      allData: true,
      allDataCap: 300
    });
    expect(count(skewCap.train, 0)).toBe(150);
    expect(count(skewCap.train, 1)).toBe(80);
  });

  it('caps the test split stratified and deterministically, as a subset of the full test split', () => {
    const ds = toySet([300, 100]);
    const full = paperSplit(ds, { ...rngs(), samples: 20 });
    const capped = paperSplit(ds, { ...rngs(), samples: 20, testSamples: 40 });
    expect(capped.test.length).toBe(40);
    expect([count(capped.test, 0), count(capped.test, 1)]).toEqual([30, 10]);
    const fullTexts = new Set(full.test.map(e => e.text));
    expect(capped.test.every(e => fullTexts.has(e.text))).toBe(true);
    expect(capped.train).toEqual(full.train);
    expect(paperSplit(ds, { ...rngs(), samples: 20, testSamples: 40 })).toEqual(
      capped
    );
  });

  it('rejects bad budgets with the value in the message', () => {
    const ds = toySet([10, 10]);
    expect(() => paperSplit(ds, { ...rngs(), samples: 1 })).toThrow(/got 1/);
    expect(() =>
      paperSplit(ds, { ...rngs(), samples: 10, testSamples: 0 })
    ).toThrow(/got 0/);
    expect(() =>
      paperSplit({ ...ds, labels: ['only'] }, { ...rngs(), samples: 10 })
    ).toThrow(/1 class/);
  });
});

describe('proportionalCounts', () => {
  it('sums to the total with largest remainders', () => {
    expect(proportionalCounts([5, 3, 2], 5)).toEqual([3, 1, 1]);
    expect(proportionalCounts([1, 1, 1], 2)).toEqual([1, 1, 0]);
    expect(proportionalCounts([4, 4], 100)).toEqual([4, 4]);
  });
});
