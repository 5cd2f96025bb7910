import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDataCards } from './cards';
import { fetchHubDataset, hubCacheDir, hubEndpoint } from './hub';
import {
  type IFakeHub,
  refusedEndpoint,
  startFakeHub
} from './testing/hub-server';
import { loadDataset } from './load';

/** Small Parquet files this test writes, served by a stand-in Hub on 127.0.0.1. */
const files = new Map<string, Buffer>();

function put(
  repo: string,
  config: string,
  split: string,
  columns: Parameters<typeof parquetWriteBuffer>[0]['columnData']
) {
  files.set(
    `${repo}/${config}/${split}/0000.parquet`,
    Buffer.from(parquetWriteBuffer({ columnData: columns }))
  );
}

put('nyu-mll/glue', 'mrpc', 'train', [
  { name: 'sentence1', data: ['The cat sat.', 'Stocks rose.'], type: 'STRING' },
  {
    name: 'sentence2',
    data: ['A cat was sitting.', 'It rained.'],
    type: 'STRING'
  },
  { name: 'label', data: [1n, 0n], type: 'INT64' },
  { name: 'idx', data: [0, 1], type: 'INT32' }
]);
put('nyu-mll/glue', 'mrpc', 'validation', [
  { name: 'sentence1', data: ['He left.'], type: 'STRING' },
  { name: 'sentence2', data: ['He went away.'], type: 'STRING' },
  { name: 'label', data: [1n], type: 'INT64' },
  { name: 'idx', data: [2], type: 'INT32' }
]);
put('nyu-mll/glue', 'mrpc', 'test', [
  {
    name: 'sentence1',
    data: ['Unlabelled one.', 'Labelled one.'],
    type: 'STRING'
  },
  { name: 'sentence2', data: ['No label.', 'Has label.'], type: 'STRING' },
  { name: 'label', data: [-1n, 0n], type: 'INT64' },
  { name: 'idx', data: [3, 4], type: 'INT32' }
]);
put('CogComp/trec', 'default', 'train', [
  {
    name: 'text',
    data: ['What is DNA ?', 'Who wrote Hamlet ?'],
    type: 'STRING'
  },
  { name: 'coarse_label', data: [1n, 3n], type: 'INT64' },
  { name: 'fine_label', data: [24n, 29n], type: 'INT64' }
]);
put('CogComp/trec', 'default', 'test', [
  { name: 'text', data: ['Where is Rome ?'], type: 'STRING' },
  { name: 'coarse_label', data: [4n], type: 'INT64' },
  { name: 'fine_label', data: [32n], type: 'INT64' }
]);
put('benayas/snips', 'default', 'train', [
  {
    name: 'text',
    data: ['play some jazz', 'will it rain tomorrow'],
    type: 'STRING'
  },
  { name: 'category', data: ['PlayMusic', 'GetWeather'], type: 'STRING' }
]);
put('benayas/snips', 'default', 'test', [
  { name: 'text', data: ['book a table for two'], type: 'STRING' },
  { name: 'category', data: ['OrderPizza'], type: 'STRING' }
]);

// AG News with the footer metadata the Hub writes; class order deliberately permuted.
const hfMeta = (names: string[]) => [
  {
    key: 'huggingface',
    value: JSON.stringify({
      info: {
        features: {
          text: { dtype: 'string', _type: 'Value' },
          label: { names, _type: 'ClassLabel' }
        }
      }
    })
  }
];
files.set(
  'fancyzhx/ag_news/default/train/0000.parquet',
  Buffer.from(
    parquetWriteBuffer({
      columnData: [
        {
          name: 'text',
          data: ['Lakers win again', 'Markets fall'],
          type: 'STRING'
        },
        { name: 'label', data: [0n, 2n], type: 'INT64' }
      ],
      kvMetadata: hfMeta(['Sports', 'World', 'Business', 'Sci/Tech'])
    })
  )
);
files.set(
  'fancyzhx/ag_news/default/test/0000.parquet',
  Buffer.from(
    parquetWriteBuffer({
      columnData: [
        { name: 'text', data: ['New chip released'], type: 'STRING' },
        { name: 'label', data: [3n], type: 'INT64' }
      ],
      kvMetadata: hfMeta(['Sports', 'World', 'Business', 'Sci/Tech'])
    })
  )
);
files.set(
  'fancyzhx/dbpedia_14/default/train/0000.parquet',
  Buffer.from(
    parquetWriteBuffer({
      columnData: [
        { name: 'title', data: ['Acme'], type: 'STRING' },
        { name: 'content', data: ['Acme is a company.'], type: 'STRING' },
        { name: 'label', data: [0n], type: 'INT64' }
      ],
      kvMetadata: hfMeta(['a', 'b'])
    })
  )
);
files.set(
  'fancyzhx/dbpedia_14/default/test/0000.parquet',
  files.get('fancyzhx/dbpedia_14/default/train/0000.parquet') as Buffer
);

// Two Hub sets outside the paper's seven, read by the generic hf:owner/name[:config] path.
for (const split of ['train', 'test']) {
  files.set(
    `someone/reviews/default/${split}/0000.parquet`,
    Buffer.from(
      parquetWriteBuffer({
        columnData: [
          {
            name: 'review',
            data: [`${split}: loved it`, `${split}: hated it`],
            type: 'STRING'
          },
          { name: 'label', data: [1n, 0n], type: 'INT64' }
        ],
        kvMetadata: hfMeta(['bad', 'good'])
      })
    )
  );
}
files.set(
  'someone/pairs/main/validation/0000.parquet',
  Buffer.from(
    parquetWriteBuffer({
      columnData: [
        { name: 'sentence1', data: ['It is cold.'], type: 'STRING' },
        { name: 'sentence2', data: ['It is freezing.'], type: 'STRING' },
        { name: 'label', data: [1n], type: 'INT64' }
      ]
    })
  )
);

let hub: IFakeHub;
let endpoint = '';
let deadEndpoint = '';
const caches: string[] = [];
const freshCache = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'deni-hub-cache-'));
  caches.push(d);
  return d;
};

beforeAll(async () => {
  hub = await startFakeHub(files);
  endpoint = hub.endpoint;
  deadEndpoint = await refusedEndpoint();
});

afterAll(async () => {
  await hub.close();
  for (const d of caches) {
    rmSync(d, { recursive: true, force: true });
  }
});

describe('Hugging Face Hub data sets', () => {
  it('downloads every labelled split, pools them, joins pairs and drops label -1', async () => {
    const cacheDir = freshCache();
    const ds = await loadDataset('mrpc', { endpoint, cacheDir });
    expect(ds.id).toBe('mrpc');
    expect(ds.labels).toEqual(['not_equivalent', 'equivalent']);
    expect(ds.maxLength).toBe(50);
    expect(ds.examples).toEqual([
      {
        text: 'Sentence 1: The cat sat.; Sentence 2: A cat was sitting.',
        label: 1
      },
      { text: 'Sentence 1: Stocks rose.; Sentence 2: It rained.', label: 0 },
      { text: 'Sentence 1: He left.; Sentence 2: He went away.', label: 1 },
      { text: 'Sentence 1: Labelled one.; Sentence 2: Has label.', label: 0 }
    ]);
    expect(ds.warnings.join('\n')).toMatch(/1 unlabelled row\(s\)/);
    expect(
      existsSync(
        path.join(cacheDir, 'hub', 'nyu-mll__glue', 'mrpc', 'manifest.json')
      )
    ).toBe(true);
    const cards = formatDataCards(undefined, { cacheDir });
    const mrpcDir = path.join(cacheDir, 'hub', 'nyu-mll__glue', 'mrpc');
    expect(cards).toContain(
      `mrpc  MRPC (Microsoft Research Paraphrase Corpus)  [Hugging Face Hub, cached in ${mrpcDir}]`
    );
    expect(cards).toContain(
      'sst2  SST-2 (Stanford Sentiment Treebank, binary)  [Hugging Face Hub, not fetched yet]'
    );
  });

  it('works offline from the cache once fetched', async () => {
    const cacheDir = freshCache();
    await fetchHubDataset('hf:trec', { endpoint, cacheDir });
    const before = hub.requests.length;
    const ds = await loadDataset('trec', {
      endpoint: deadEndpoint,
      cacheDir,
      offline: true
    });
    expect(hub.requests.length).toBe(before);
    expect(ds.labels).toEqual(['ABBR', 'ENTY', 'DESC', 'HUM', 'LOC', 'NUM']);
    expect(ds.examples.map(e => ds.labels[e.label])).toEqual([
      'ENTY',
      'HUM',
      'LOC'
    ]);
    expect(ds.maxLength).toBe(25);
    // Also without the offline flag: a complete cache never touches the network.
    expect(
      (await loadDataset('trec', { endpoint: deadEndpoint, cacheDir })).examples
        .length
    ).toBe(3);
  });

  it('explains how to pre-fetch when the Hub is unreachable', async () => {
    const cacheDir = freshCache();
    const err = loadDataset('sst2', { endpoint: deadEndpoint, cacheDir });
    await expect(err).rejects.toThrow(
      /cannot download http:\/\/127\.0\.0\.1:\d+\/api\/datasets\/stanfordnlp\/sst2\/tree\/refs%2Fconvert%2Fparquet\/default\/train: ECONNREFUSED/
    );
    await expect(
      loadDataset('sst2', { endpoint: deadEndpoint, cacheDir })
    ).rejects.toThrow(
      /deni datasets --fetch sst2.*copy its cache folder .*stanfordnlp__sst2.*local file/
    );
    await expect(
      loadDataset('sst2', { cacheDir, offline: true })
    ).rejects.toThrow(/"sst2" is not in the cache .* offline mode is on/);
  });

  it('reports HTTP errors with the URL and status', async () => {
    await expect(
      loadDataset('cola', { endpoint, cacheDir: freshCache() })
    ).rejects.toThrow(
      /cannot download .*nyu-mll\/glue\/tree\/refs%2Fconvert%2Fparquet\/cola\/train: HTTP 404/
    );
  });

  it('maps string labels by name and names the file and row of an unknown one', async () => {
    await expect(
      loadDataset('snips', { endpoint, cacheDir: freshCache() })
    ).rejects.toThrow(
      /test[/\\]0000\.parquet row 1, column "category": unknown label "OrderPizza"/
    );
  });

  it('maps ClassLabel indices through the class names in the Parquet footer', async () => {
    const ds = await loadDataset('ag_news', {
      endpoint,
      cacheDir: freshCache()
    });
    expect(ds.examples.map(e => ds.labels[e.label])).toEqual([
      'Sports',
      'Business',
      'Sci/Tech'
    ]);
    const db = await loadDataset('dbpedia', {
      endpoint,
      cacheDir: freshCache()
    });
    expect(db.examples).toEqual([
      { text: 'Acme is a company.', label: 0 },
      { text: 'Acme is a company.', label: 0 }
    ]);
    expect(db.warnings.join('\n')).toMatch(
      /the Hub's class names \(a, b\) differ from the card's/
    );
  });

  it('loads any Hub set as hf:owner/name[:config], discovering splits and class names', async () => {
    const cacheDir = freshCache();
    const ds = await loadDataset('hf:someone/reviews', { endpoint, cacheDir });
    expect(ds.id).toBe('hf:someone/reviews');
    expect(ds.labels).toEqual(['bad', 'good']);
    expect(ds.examples).toEqual([
      { text: 'test: loved it', label: 1 },
      { text: 'test: hated it', label: 0 },
      { text: 'train: loved it', label: 1 },
      { text: 'train: hated it', label: 0 }
    ]);
    const pairs = await loadDataset('hf:someone/pairs:main', {
      endpoint,
      cacheDir
    });
    expect(pairs.labels).toEqual(['0', '1']);
    expect(pairs.examples).toEqual([
      { text: 'Sentence 1: It is cold.; Sentence 2: It is freezing.', label: 1 }
    ]);
    await expect(
      loadDataset('hf:someone/pairs:main', { cacheDir, offline: true })
    ).resolves.toBeDefined();
    await expect(
      loadDataset('hf:nobody/missing', { endpoint, cacheDir })
    ).rejects.toThrow(
      /nobody\/missing\/tree\/refs%2Fconvert%2Fparquet\/default: HTTP 404|lists no splits/
    );
  });

  it('reads the endpoint and cache folder from the environment', () => {
    const saved = {
      e: process.env.DENI_HF_ENDPOINT,
      c: process.env.DENI_CACHE
    };
    process.env.DENI_HF_ENDPOINT = 'http://127.0.0.1:9/';
    process.env.DENI_CACHE = '/tmp/deni-cache-x';
    try {
      expect(hubEndpoint()).toBe('http://127.0.0.1:9');
      expect(hubCacheDir()).toBe('/tmp/deni-cache-x');
      expect(hubEndpoint({ endpoint: 'http://a' })).toBe('http://a');
    } finally {
      for (const [k, v] of [
        ['DENI_HF_ENDPOINT', saved.e],
        ['DENI_CACHE', saved.c]
      ] as const) {
        if (v === undefined) {
          delete process.env[k];
        } else {
          process.env[k] = v;
        }
      }
    }
    delete process.env.DENI_CACHE;
    expect(hubCacheDir()).toBe(
      path.join(os.homedir(), '.cache', 'jupyterlab-deni', 'datasets')
    );
    if (saved.c !== undefined) {
      process.env.DENI_CACHE = saved.c;
    }
  });
});
