import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deriveSeeds } from '../random';
import type { IRunSpec } from '../contract/types';
import { loadTokenizer } from '../text';
import { getStrategy, prepareRunData } from './index';

const repoRoot = path.resolve(__dirname, '../../..');
const tinyBert = path.join(repoRoot, 'fixtures/models/tiny-bert');
const csvCell = (t: string): string => `"${t.replace(/"/g, '""')}"`;
const dir = mkdtempSync(path.join(os.tmpdir(), 'deni-para-run-'));

function spec(params: Record<string, string | number> = {}): IRunSpec {
  return {
    key: 'test',
    sweep: 'test',
    dataset: 'uci-sentiment',
    model: tinyBert,
    tuning: 'full',
    strategy: { name: 'augment', params },
    budget: {
      samples: 16,
      epochs: 2,
      batchSize: 8,
      maxLength: 16,
      testSamples: 20
    },
    backend: 'wasm',
    run: 0,
    seeds: deriveSeeds(7, 0)
  };
}

describe('augment reads the paraphrase file of its spec (issue #17)', () => {
  it('trains on the file paraphrases (k of them, drawn by the augment stream), not WordNet', async () => {
    const tokenizer = await loadTokenizer(tinyBert);
    const base = await prepareRunData(
      spec(),
      getStrategy('default').dataNeeds(),
      tokenizer
    );
    const texts = base.trainExamples.map(e => e.text);
    const csv = path.join(dir, 'para.csv');
    writeFileSync(
      csv,
      [
        'text,paraphrase',
        ...texts.flatMap(t => [
          `${csvCell(t)},${csvCell(`first: ${t}`)}`,
          `${csvCell(t)},${csvCell(`second: ${t}`)}`
        ])
      ].join('\n')
    );
    const params = { paraphrases: csv, k: 1 };
    const aug = await prepareRunData(
      spec(params),
      getStrategy('augment').dataNeeds(params),
      tokenizer
    );
    expect(aug.trainExamples).toHaveLength(32);
    aug.trainExamples.forEach((e, i) => {
      const orig = base.trainExamples[Math.floor(i / 2)];
      expect(e.label).toBe(orig.label);
      if (i % 2 === 0) {
        expect(e.text).toBe(orig.text);
      } else {
        expect([`first: ${orig.text}`, `second: ${orig.text}`]).toContain(
          e.text
        );
      }
    });
    // both paraphrases get drawn somewhere: the choice comes from the augment stream
    const picked = new Set(
      aug.trainExamples
        .filter((_, i) => i % 2 === 1)
        .map(e => e.text.split(':')[0])
    );
    expect(picked).toEqual(new Set(['first', 'second']));

    const jsonl = path.join(dir, 'para.jsonl');
    writeFileSync(
      jsonl,
      texts
        .map(t => JSON.stringify({ text: t, paraphrase: `p ${t}` }))
        .join('\n')
    );
    const fromJsonl = await prepareRunData(
      spec({ paraphrases: jsonl }),
      getStrategy('augment').dataNeeds({ paraphrases: jsonl }),
      tokenizer
    );
    expect(fromJsonl.trainExamples[1].text).toBe(`p ${texts[0]}`);
  });

  it('a missing file, a bad row or a text without paraphrases is an error naming the file and row', async () => {
    const tokenizer = await loadTokenizer(tinyBert);
    const run = (file: string) =>
      prepareRunData(
        spec({ paraphrases: file }),
        getStrategy('augment').dataNeeds({ paraphrases: file }),
        tokenizer
      );
    await expect(run(path.join(dir, 'nope.csv'))).rejects.toThrow(
      /paraphrase file .*nope\.csv not found/
    );
    const cols = path.join(dir, 'cols.csv');
    writeFileSync(cols, 'text,para\na,b\n');
    await expect(run(cols)).rejects.toThrow(
      /cols\.csv: paraphrase column "paraphrase" not found/
    );
    const empty = path.join(dir, 'empty-row.csv');
    writeFileSync(empty, 'text,paraphrase\na,b\nc,\n');
    await expect(run(empty)).rejects.toThrow(
      /empty-row\.csv, row 2 \(line 3\), column "paraphrase": paraphrase is empty/
    );
    const badJson = path.join(dir, 'bad.jsonl');
    writeFileSync(badJson, '{"text": "a", "paraphrase": "b"}\n{"text": 3}\n');
    await expect(run(badJson)).rejects.toThrow(
      /bad\.jsonl, row 2 \(line 2\), column "text": text is 3/
    );
    const few = path.join(dir, 'few.csv');
    writeFileSync(few, 'text,paraphrase\nsomething else,b\n');
    await expect(run(few)).rejects.toThrow(
      /few\.csv: 0 paraphrase\(s\) for the labelled text ".*", k = 1 needed/
    );
  });
});
