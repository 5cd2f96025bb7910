import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../random';
import { augment, loadParaphrases } from './augment';
import { WordNet } from './wordnet';

const dir = mkdtempSync(path.join(os.tmpdir(), 'deni-data-augment-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, content: string | Buffer) => {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
};

const samples = [
  { text: 'The movie was a terrible waste of money.', label: 0 },
  { text: 'Acting was wonderful and the story moved quickly.', label: 1 },
  {
    text: 'Sentence 1: The company reported strong profits.; Sentence 2: Profits at the firm were strong.',
    label: 1
  }
];

describe('WordNet', () => {
  it('gives the most frequent sense synonyms from the database files', () => {
    const wn = new WordNet();
    expect(wn.synonyms('movie')).toContain('film');
    expect(wn.synonyms('Terrible')).toContain('awful');
    expect(wn.synonyms('bad')).not.toContain('badness');
    expect(wn.synonyms('xyzzyq')).toEqual([]);
  });
});

describe('augment (built-in)', () => {
  it('adds k paraphrases per sample with the sample label, reproducibly per seed', () => {
    const a = augment(samples, 2, new Rng(11));
    expect(a.length).toBe(9);
    expect(a.filter((_, i) => i % 3 === 0)).toEqual(samples);
    for (let i = 0; i < samples.length; i++) {
      const group = a.slice(3 * i, 3 * i + 3);
      expect(group.every(e => e.label === samples[i].label)).toBe(true);
      expect(new Set(group.map(e => e.text)).size).toBe(3);
    }
    expect(augment(samples, 2, new Rng(11))).toEqual(a);
    expect(augment(samples, 2, new Rng(12))).not.toEqual(a);
  });

  it('keeps the sentence-pair frame of joined pairs', () => {
    const out = augment([samples[2]], 3, new Rng(4));
    for (const e of out) {
      expect(e.text).toMatch(/^Sentence 1: .+; Sentence 2: .+$/);
    }
  });

  it('returns the originals for k = 0 and rejects bad k or rates', () => {
    expect(augment(samples, 0, new Rng(1))).toEqual(samples);
    expect(() => augment(samples, -1, new Rng(1))).toThrow(/got -1/);
    expect(() => augment(samples, 1, new Rng(1), { dropoutRate: 1 })).toThrow(
      /dropoutRate/
    );
  });
});

describe('paraphrase CSV (seed,text,label)', () => {
  it('uses the file paraphrases, drawn with the rng, and fills gaps with the built-in augmenter', () => {
    const file = write(
      'para.csv',
      [
        'seed,text,label',
        '"The movie was a terrible waste of money.",The film was an awful waste of cash.,0',
        '"The movie was a terrible waste of money.","A dreadful film, money wasted.",0',
        '"The movie was a terrible waste of money.",What a waste of money that film was.,0',
        '"Acting was wonderful and the story moved quickly.",Great acting and a fast story.,0'
      ].join('\n')
    );
    const table = loadParaphrases(file);
    expect(table.get(samples[0].text)?.length).toBe(3);
    const warnings: string[] = [];
    const out = augment(samples.slice(0, 2), 2, new Rng(5), {
      paraphrases: table,
      warnings
    });
    const firstGroup = out.slice(1, 3).map(e => e.text);
    expect(
      firstGroup.every(t => table.get(samples[0].text)?.some(p => p.text === t))
    ).toBe(true);
    expect(out[4]).toEqual({
      text: 'Great acting and a fast story.',
      label: 1
    });
    expect(out[5].label).toBe(1);
    expect(warnings.join('\n')).toMatch(
      /1 training sample\(s\) had fewer than 2 paraphrase/
    );
    expect(warnings.join('\n')).toMatch(
      /1 paraphrase\(s\) carried a label different from their seed/
    );
  });

  it('maps class names and reports bad files with file, row and column', () => {
    const named = write('named.csv', 'seed,text,label\na,b,pos\n');
    expect(loadParaphrases(named, ['neg', 'pos']).get('a')).toEqual([
      { text: 'b', label: 1 }
    ]);
    expect(() => loadParaphrases(write('empty.csv', ''))).toThrow(
      /empty\.csv: the paraphrase file is empty/
    );
    expect(() =>
      loadParaphrases(write('cols.csv', 'original,text,label\na,b,0\n'))
    ).toThrow(/paraphrase column "seed" not found/);
    expect(() =>
      loadParaphrases(write('lab.csv', 'seed,text,label\na,b,0\nc,d,meh\n'), [
        'neg',
        'pos'
      ])
    ).toThrow(
      /lab\.csv, row 2 \(line 3\), column "label": unknown label "meh" \(valid: neg, pos\)/
    );
    expect(() =>
      loadParaphrases(
        write(
          'bytes.csv',
          Buffer.concat([
            Buffer.from('seed,text,label\na,caf'),
            Buffer.from([0xe9]),
            Buffer.from(',0\n')
          ])
        )
      )
    ).toThrow(/bytes\.csv, line 2: bytes that are not UTF-8/);
  });
});
