import { beforeAll, describe, expect, it } from 'vitest';
import { fixtureModel, reference, SENTENCES } from '../model/testing/fixtures';
import { encodeBatch, loadTokenizer, truncateLengths } from './index';

interface IRef {
  ids: number[][];
  mask: number[][];
  type_ids: number[][];
}

const PAIRS = SENTENCES.map(
  (_, i) => SENTENCES[(i * 7 + 3) % SENTENCES.length]
);

function rows(a: Int32Array, batch: number, seqLen: number): number[][] {
  return Array.from({ length: batch }, (_, r) =>
    Array.from(a.subarray(r * seqLen, (r + 1) * seqLen))
  );
}

const MODELS = ['minilm-l6', 'tiny-roberta', 'tiny-albert'] as const;
const CASES: [string, boolean, number][] = [
  ['single texts, max 24 (truncates)', false, 24],
  ['single texts, max 64', false, 64],
  ['pairs, max 20 (longest-first truncation)', true, 20],
  ['pairs, max 96', true, 96]
];
const answers = new Map<string, IRef>();

beforeAll(() => {
  // One Python process answers every case (its start-up dominates).
  const requests = MODELS.flatMap(name =>
    CASES.map(([, withPairs, maxLength]) => ({
      mode: 'tokens',
      dir: fixtureModel(name),
      texts: SENTENCES,
      pairs: withPairs ? PAIRS : null,
      max_length: maxLength
    }))
  );
  const refs = reference<IRef[]>({ mode: 'many', requests });
  MODELS.forEach((name, m) =>
    CASES.forEach(([label], c) =>
      answers.set(`${name}/${label}`, refs[m * CASES.length + c])
    )
  );
});

describe.each(MODELS)('tokenizer %s vs Python', name => {
  it.each(CASES)('%s', async (label, withPairs, maxLength) => {
    const tok = await loadTokenizer(fixtureModel(name));
    const pairs = withPairs ? PAIRS : undefined;
    const ours = encodeBatch(tok, SENTENCES, pairs, maxLength);
    const ref = answers.get(`${name}/${label}`)!;
    const ids = rows(ours.ids, ours.batch, ours.seqLen);
    const mask = rows(ours.mask, ours.batch, ours.seqLen);
    const types = rows(ours.typeIds, ours.batch, ours.seqLen);
    SENTENCES.forEach((s, i) => {
      expect({ s, ids: ids[i] }).toEqual({ s, ids: ref.ids[i] });
      expect({ s, mask: mask[i] }).toEqual({ s, mask: ref.mask[i] });
      expect({ s, types: types[i] }).toEqual({ s, types: ref.type_ids[i] });
    });
  });
});

describe('truncateLengths', () => {
  it('follows the Rust longest-first rule', () => {
    expect(truncateLengths(10, undefined, 4)).toEqual([4, 0]);
    expect(truncateLengths(3, 10, 8)).toEqual([3, 5]);
    expect(truncateLengths(10, 3, 8)).toEqual([5, 3]);
    expect(truncateLengths(10, 10, 7)).toEqual([3, 4]);
    expect(truncateLengths(2, 2, 8)).toEqual([2, 2]);
  });

  it('names the problem when maxLength cannot hold the special tokens', async () => {
    const tok = await loadTokenizer(fixtureModel('minilm-l6'));
    expect(() => encodeBatch(tok, ['a b'], undefined, 1)).toThrow(
      /maxLength 1.*2 special/
    );
  });
});
