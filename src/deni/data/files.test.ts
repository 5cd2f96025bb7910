import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../random';
import { firstInvalidUtf8 } from './files';
import { paperSplit } from './split';
import { loadDataset } from './load';
import { assertTestSamples } from './split-check';
import type { IDatasetFileSpec } from './types';

const dir = mkdtempSync(path.join(os.tmpdir(), 'deni-data-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | Buffer | ArrayBuffer): string {
  const file = path.join(dir, name);
  writeFileSync(
    file,
    content instanceof ArrayBuffer ? Buffer.from(content) : content
  );
  return file;
}

const spec = (
  file: string,
  extra: Partial<IDatasetFileSpec> = {}
): IDatasetFileSpec => ({
  path: file,
  textColumn: 'text',
  labelColumn: 'label',
  ...extra
});

describe('local CSV files', () => {
  it('reads quoted multi-line fields, pairs and integer labels', async () => {
    const file = write(
      'pairs.csv',
      'id,s1,s2,y\n1,"He said, ""yes""",He agreed,1\n2,"two\nlines",other,0\n3,a,b,1\n'
    );
    const ds = await loadDataset(
      spec(file, { textColumn: 's1', pairColumn: 's2', labelColumn: 'y' })
    );
    expect(ds.labels).toEqual(['0', '1']);
    expect(ds.examples).toEqual([
      { text: 'Sentence 1: He said, "yes"; Sentence 2: He agreed', label: 1 },
      { text: 'Sentence 1: two\nlines; Sentence 2: other', label: 0 },
      { text: 'Sentence 1: a; Sentence 2: b', label: 1 }
    ]);
    expect(ds.id).toBe(`file:${file}`);
    expect(ds.maxLength).toBe(50);
  });

  it('maps class names through declared labels and infers sorted names otherwise', async () => {
    const file = write(
      'names.csv',
      'text,label\ngreat,pos\nawful,neg\nfine,pos\n'
    );
    expect(
      (await loadDataset(spec(file, { labels: ['pos', 'neg'] }))).examples.map(
        e => e.label
      )
    ).toEqual([0, 1, 0]);
    const inferred = await loadDataset(spec(file));
    expect(inferred.labels).toEqual(['neg', 'pos']);
    expect(inferred.examples.map(e => e.label)).toEqual([1, 0, 1]);
  });

  it('matches numeric class names by name', async () => {
    const file = write('stars.csv', 'text,label\ngreat,5\nbad,1\n');
    const ds = await loadDataset(
      spec(file, { labels: ['1', '2', '3', '4', '5'] })
    );
    expect(ds.examples.map(e => e.label)).toEqual([4, 0]);
  });

  it('reads TSV by extension', async () => {
    const file = write('t.tsv', 'text\tlabel\nhello, world\t1\nbye\t0\n');
    expect((await loadDataset(file)).examples[0]).toEqual({
      text: 'hello, world',
      label: 1
    });
  });

  it('rejects an empty file and a header without rows', async () => {
    await expect(loadDataset(write('empty.csv', ''))).rejects.toThrow(
      /empty\.csv: the file is empty \(0 bytes\)/
    );
    await expect(loadDataset(write('blank.csv', '\n  \n'))).rejects.toThrow(
      /blank\.csv: the file is empty/
    );
    await expect(
      loadDataset(write('header.csv', 'text,label\n'))
    ).rejects.toThrow(/header\.csv: no data rows/);
  });

  it('names a missing column and lists the columns the file has', async () => {
    const file = write('cols.csv', 'sentence,label\na,1\n');
    await expect(loadDataset(spec(file))).rejects.toThrow(
      /cols\.csv: text column "text" not found; columns are: "sentence", "label"/
    );
  });

  it('names file, row and column of an unknown label', async () => {
    const file = write('unknown.csv', 'text,label\na,pos\nb,neg\nc,meh\n');
    await expect(
      loadDataset(spec(file, { labels: ['neg', 'pos'] }))
    ).rejects.toThrow(
      /unknown\.csv, row 3 \(line 4\), column "label": unknown label "meh" \(valid: 0="neg", 1="pos"\)/
    );
    const idx = write('index.csv', 'text,label\na,0\nb,2\n');
    await expect(
      loadDataset(spec(idx, { labels: ['neg', 'pos'] }))
    ).rejects.toThrow(
      /index\.csv, row 2 \(line 3\), column "label": unknown label 2/
    );
    const neg = write('negative.csv', 'text,label\na,0\nb,-1\n');
    await expect(loadDataset(spec(neg))).rejects.toThrow(
      /row 2 \(line 3\), column "label": unknown label -1/
    );
  });

  it('rejects labels that mix indices and names, naming both rows', async () => {
    const file = write('mixed.csv', 'text,label\na,1\nb,0\nc,positive\n');
    await expect(loadDataset(spec(file))).rejects.toThrow(
      /mixed\.csv, column "label": label values mix class indices and class names \(row 1 \(line 2\) has 1, row 3 \(line 4\) has "positive"\)/
    );
  });

  it('rejects a missing label and skips empty texts with a warning', async () => {
    const missing = write('nolabel.csv', 'text,label\na,1\nb,\n');
    await expect(loadDataset(spec(missing))).rejects.toThrow(
      /row 2 \(line 3\), column "label": missing label/
    );
    const empty = write('emptytext.csv', 'text,label\na,1\n  ,0\nc,0\n');
    const ds = await loadDataset(spec(empty));
    expect(ds.examples.length).toBe(2);
    expect(ds.warnings.join('\n')).toMatch(
      /1 row\(s\) with empty text in column "text" skipped \(row 2 \(line 3\)\)/
    );
  });

  it('names the row and column of bytes that are not UTF-8', async () => {
    const bytes = Buffer.concat([
      Buffer.from('text,label\nfine,1\ncaf'),
      Buffer.from([0xe9]), // Latin-1 e-acute
      Buffer.from(' au lait,0\n')
    ]);
    const file = write('latin1.csv', bytes);
    await expect(loadDataset(spec(file))).rejects.toThrow(
      /latin1\.csv, row 2 \(line 3\), column "text": bytes that are not UTF-8 \(first at byte 21, line 3\)/
    );
  });

  it('reports malformed CSV with the parser message', async () => {
    const file = write('bad.csv', 'text,label\n"open quote,1\n');
    await expect(loadDataset(spec(file))).rejects.toThrow(
      /bad\.csv: not valid CSV/
    );
  });
});

describe('label budget on a local file', () => {
  it('warns with the file and class name when a class has fewer samples than the budget asks', async () => {
    const rows = ['text,label'];
    for (let i = 0; i < 60; i++) {
      rows.push(`common sample ${i},common`);
    }
    for (let i = 0; i < 5; i++) {
      rows.push(`rare sample ${i},rare`);
    }
    const file = write('short.csv', rows.join('\n'));
    const ds = await loadDataset(spec(file));
    const split = paperSplit(ds, {
      splitRng: new Rng(1),
      labelsRng: new Rng(2),
      samples: 40
    });
    expect(split.warnings.join('\n')).toContain(
      `file:${file}: class "rare" has only 4 training sample(s), fewer than the 20 per class that the label budget of 40 asks`
    );
    expect(split.train.filter(e => ds.labels[e.label] === 'rare').length).toBe(
      4
    );
  });
});

describe('local JSONL files', () => {
  it('reads objects line by line with any label types that agree', async () => {
    const file = write(
      'd.jsonl',
      '{"text":"a","label":1}\n\n{"text":"b","label":0,"extra":true}\n'
    );
    const ds = await loadDataset(file);
    expect(ds.examples).toEqual([
      { text: 'a', label: 1 },
      { text: 'b', label: 0 }
    ]);
  });

  it('rejects mixed label types, bad JSON, missing keys and non-UTF-8 bytes with their lines', async () => {
    await expect(
      loadDataset(
        write('mix.jsonl', '{"text":"a","label":1}\n{"text":"b","label":"1"}\n')
      )
    ).rejects.toThrow(
      /mix\.jsonl, column "label": label values mix class indices and class names \(line 1 has 1, line 2 has "1"\)/
    );
    await expect(
      loadDataset(
        write('bad.jsonl', '{"text":"a","label":1}\n{"text": oops}\n')
      )
    ).rejects.toThrow(/bad\.jsonl, line 2: not valid JSON/);
    await expect(
      loadDataset(write('key.jsonl', '{"text":"a","label":1}\n{"label":0}\n'))
    ).rejects.toThrow(
      /key\.jsonl, line 2, column "text": the text column is missing from this row/
    );
    await expect(
      loadDataset(write('float.jsonl', '{"text":"a","label":0.5}\n'))
    ).rejects.toThrow(
      /float\.jsonl, line 1, column "label": label 0.5 is not an integer/
    );
    const latin = Buffer.concat([
      Buffer.from('{"text":"ok","label":0}\n{"text":"na'),
      Buffer.from([0xef, 0x76]),
      Buffer.from('e","label":1}\n')
    ]);
    await expect(loadDataset(write('latin.jsonl', latin))).rejects.toThrow(
      /latin\.jsonl, line 2, column "text": bytes that are not UTF-8/
    );
  });
});

describe('local Parquet files', () => {
  const buffer = (codec?: 'GZIP') =>
    parquetWriteBuffer({
      columnData: [
        {
          name: 'question',
          data: ['What is DNA?', 'Who wrote Hamlet?', 'Where is Rome?'],
          type: 'STRING'
        },
        { name: 'coarse', data: [1, 3, 4], type: 'INT32' }
      ],
      ...(codec
        ? {
            codec,
            compressors: {
              GZIP: (b: Uint8Array) => new Uint8Array(gzipSync(b))
            }
          }
        : {})
    });

  it('reads snappy and gzip Parquet with a column mapping', async () => {
    for (const [name, buf] of [
      ['q.parquet', buffer()],
      ['qz.parquet', buffer('GZIP')]
    ] as const) {
      const ds = await loadDataset(
        spec(write(name, buf), {
          textColumn: 'question',
          labelColumn: 'coarse',
          labels: ['ABBR', 'ENTY', 'DESC', 'HUM', 'LOC', 'NUM']
        })
      );
      expect(ds.examples).toEqual([
        { text: 'What is DNA?', label: 1 },
        { text: 'Who wrote Hamlet?', label: 3 },
        { text: 'Where is Rome?', label: 4 }
      ]);
    }
  });

  it('names a missing column, an unknown label and a file that is not Parquet', async () => {
    const file = write('q2.parquet', buffer());
    await expect(
      loadDataset(spec(file, { textColumn: 'text', labelColumn: 'coarse' }))
    ).rejects.toThrow(
      /q2\.parquet: text column "text" not found; columns are: "question", "coarse"/
    );
    await expect(
      loadDataset(
        spec(file, {
          textColumn: 'question',
          labelColumn: 'coarse',
          labels: ['a', 'b', 'c']
        })
      )
    ).rejects.toThrow(/q2\.parquet, row 2, column "coarse": unknown label 3/);
    await expect(
      loadDataset(spec(write('fake.parquet', 'not parquet at all')))
    ).rejects.toThrow(/fake\.parquet: not a readable Parquet file/);
  });
});

describe('firstInvalidUtf8', () => {
  it('accepts valid UTF-8 and finds overlong, surrogate and truncated sequences', () => {
    expect(firstInvalidUtf8(Buffer.from('héllo 😀 ok'))).toBe(-1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0x80]))).toBe(1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xed, 0xa0, 0x80]))).toBe(1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0x62, 0xe2, 0x82]))).toBe(2);
  });
});

describe('reliability of file loading (#21)', () => {
  it('refuses a CSV header that names a column twice, naming the file and header', async () => {
    const file = write('dup.csv', 'text,label,label\nhello,0,1\nworld,1,0\n');
    await expect(
      loadDataset({ path: file, textColumn: 'text', labelColumn: 'label' })
    ).rejects.toThrow(
      `${file}: the header names column "label" twice (columns 2 and 3)`
    );
  });

  it('warns about empty texts with their count and rows', async () => {
    const file = write(
      'empty-text.csv',
      'text,label\nhello,0\n,1\n  ,0\nworld,1\n'
    );
    const ds = await loadDataset({
      path: file,
      textColumn: 'text',
      labelColumn: 'label'
    });
    expect(ds.warnings.join('\n')).toMatch(
      /2 row\(s\) with empty text .*row 2 .*row 3/
    );
  });

  it('names the data set and split sizes when no test sample is left', () => {
    expect(() =>
      assertTestSamples(
        'tiny.csv',
        { examples: [] },
        { train: [1, 2], test: [] }
      )
    ).toThrow(
      /data set tiny\.csv: no test samples after the split \(0 samples: 2 train, 0 test\)/
    );
  });
});
