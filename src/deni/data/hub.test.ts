import {
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDataCards } from './cards';
import {
  type IHubStandIn,
  refusedEndpoint,
  startHubStandIn
} from '../hub/hub-standin.testutil';
import { hubToken } from '../hub';
import { fetchHubDataset, hubCacheDir, hubEndpoint } from './hub';
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
  'fancyzhx/dbpedia_14/dbpedia_14/train/0000.parquet',
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
  'fancyzhx/dbpedia_14/dbpedia_14/test/0000.parquet',
  files.get('fancyzhx/dbpedia_14/dbpedia_14/train/0000.parquet') as Buffer
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

files.set(
  'someone/private/default/train/0000.parquet',
  files.get('someone/reviews/default/train/0000.parquet') as Buffer
);

let hub: IHubStandIn;
let endpoint = '';
let deadEndpoint = '';
const caches: string[] = [];
const freshCache = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'deni-hub-cache-'));
  caches.push(d);
  return d;
};

beforeAll(async () => {
  hub = await startHubStandIn({
    datasetFiles: files,
    gated: { 'someone/private': 'right' },
    extraDatasets: {
      'someone/reviews': {
        parquetCommit: null,
        configs: {
          default: {
            train: ['default/train/0000.parquet'],
            test: ['default/test/0000.parquet']
          }
        }
      },
      'someone/private': {
        parquetCommit: null,
        configs: { default: { train: ['default/train/0000.parquet'] } }
      },
      'someone/pairs': {
        parquetCommit: null,
        configs: {
          main: { validation: ['main/validation/0000.parquet'] },
          other: { train: ['other/train/0000.parquet'] }
        }
      }
    }
  });
  endpoint = hub.endpoint;
  deadEndpoint = await refusedEndpoint();
});

afterAll(async () => {
  // The code asked for nothing the recording does not cover.
  expect(hub.unexpected).toEqual([]);
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
    // The standard Hub cache layout, shared with Python's huggingface_hub.
    const glue = path.join(cacheDir, 'datasets--nyu-mll--glue');
    const commit = readFileSync(
      path.join(glue, 'refs', 'refs', 'convert', 'parquet'),
      'utf8'
    );
    expect(commit).toBe(hub.commitOf('nyu-mll/glue'));
    const snap = path.join(glue, 'snapshots', commit);
    expect(
      lstatSync(
        path.join(snap, 'mrpc', 'train', '0000.parquet')
      ).isSymbolicLink()
    ).toBe(true);
    expect(readdirSync(path.join(glue, 'blobs')).length).toBe(3);
    // Only the config's labelled splits, each listed and then downloaded once.
    expect(hub.requests.filter(r => r.includes('nyu-mll/glue'))).toEqual([
      'GET /api/datasets/nyu-mll/glue/parquet',
      'GET /api/datasets/nyu-mll/glue/tree/refs%2Fconvert%2Fparquet/mrpc/train',
      'GET /api/datasets/nyu-mll/glue/tree/refs%2Fconvert%2Fparquet/mrpc/validation',
      'GET /api/datasets/nyu-mll/glue/tree/refs%2Fconvert%2Fparquet/mrpc/test',
      'HEAD /datasets/nyu-mll/glue/resolve/refs%2Fconvert%2Fparquet/mrpc/train/0000.parquet',
      `HEAD /datasets/nyu-mll/glue/resolve/${commit}/mrpc/validation/0000.parquet`,
      `HEAD /datasets/nyu-mll/glue/resolve/${commit}/mrpc/test/0000.parquet`
    ]);
    // The bytes came from the other host, without the token.
    expect(hub.cdnRequests.length).toBeGreaterThanOrEqual(3);
    expect(hub.cdnRequests.every(r => !r.authorization)).toBe(true);
    const cards = formatDataCards(undefined, { cacheDir });
    expect(cards).toContain(
      `mrpc  MRPC (Microsoft Research Paraphrase Corpus)  [Hugging Face Hub, commit ${commit} cached in ${snap}]`
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

  it('explains how to pre-fetch when the Hub is unreachable, after retrying', async () => {
    const cacheDir = freshCache();
    const logs: string[] = [];
    const err = loadDataset('sst2', {
      endpoint: deadEndpoint,
      cacheDir,
      attempts: 2,
      retryBaseMs: 1,
      onLog: l => logs.push(l)
    });
    await expect(err).rejects.toThrow(
      /cannot reach http:\/\/127\.0\.0\.1:\d+\/api\/datasets\/stanfordnlp\/sst2\/parquet after 2 attempt\(s\): ECONNREFUSED.*deni datasets --fetch sst2.*datasets--stanfordnlp--sst2.*local file/
    );
    expect(logs.join('\n')).toMatch(/ECONNREFUSED; retrying in/);
    await expect(
      loadDataset('sst2', { cacheDir, offline: true })
    ).rejects.toThrow(
      /offline \(HF_HUB_OFFLINE=1\) and the data set stanfordnlp\/sst2 at revision refs\/convert\/parquet is not complete in the cache .*datasets--stanfordnlp--sst2 \(no refs\/refs\/convert\/parquet and no snapshot\): run `deni datasets --fetch sst2`/
    );
    const saved = process.env.HF_HUB_OFFLINE;
    process.env.HF_HUB_OFFLINE = '1';
    try {
      await expect(loadDataset('sst2', { endpoint, cacheDir })).rejects.toThrow(
        /offline \(HF_HUB_OFFLINE=1\)/
      );
    } finally {
      if (saved === undefined) {
        delete process.env.HF_HUB_OFFLINE;
      } else {
        process.env.HF_HUB_OFFLINE = saved;
      }
    }
    expect(hub.requests.some(r => r.includes('stanfordnlp/sst2'))).toBe(false);
  });

  it('turns 401/403/404 into one sentence naming the repository and what to do', async () => {
    const cacheDir = freshCache();
    await expect(
      loadDataset('hf:nobody/missing', { endpoint, cacheDir })
    ).rejects.toThrow(
      /^The data set repository nobody\/missing was not found on http:\/\/127\.0\.0\.1:\d+ \(HTTP 404\): check the name at .*\/datasets\/nobody\/missing; .*HF_TOKEN/
    );
    await expect(
      loadDataset('hf:someone/private', { endpoint, cacheDir, token: '' })
    ).rejects.toThrow(
      /^The data set repository someone\/private is gated or private and no token was sent: accept its terms at .*\/datasets\/someone\/private if it is gated, then set HF_TOKEN/
    );
    await expect(
      loadDataset('hf:someone/private', { endpoint, cacheDir, token: 'wrong' })
    ).rejects.toThrow(
      /^The token has no access to the data set repository someone\/private \(HTTP 403\)/
    );
    const ok = await loadDataset('hf:someone/private', {
      endpoint,
      cacheDir,
      token: 'right'
    });
    expect(ok.examples.length).toBe(2);
  });

  it("lists the configs when the chosen one does not exist, and fixes DBpedia's", async () => {
    await expect(
      loadDataset('hf:someone/pairs', { endpoint, cacheDir: freshCache() })
    ).rejects.toThrow(
      'the Hub data set someone/pairs has no config "default"; its configs: main, other (choose one as hf:someone/pairs:<config>)'
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
  });

  it('reads the endpoint, cache folder and token from the standard environment variables', () => {
    const names = [
      'HF_ENDPOINT',
      'DENI_HF_ENDPOINT',
      'HF_HUB_CACHE',
      'HUGGINGFACE_HUB_CACHE',
      'HF_HOME',
      'HF_TOKEN',
      'HUGGING_FACE_HUB_TOKEN',
      'HF_TOKEN_PATH'
    ] as const;
    const saved = Object.fromEntries(names.map(n => [n, process.env[n]]));
    try {
      for (const n of names) {
        delete process.env[n];
      }
      const home = mkdtempSync(path.join(os.tmpdir(), 'deni-hf-home-'));
      caches.push(home);
      process.env.HF_HOME = home;
      expect(hubEndpoint()).toBe('https://huggingface.co');
      expect(hubCacheDir()).toBe(path.join(home, 'hub'));
      expect(hubToken()).toEqual({ source: 'none' });
      writeFileSync(path.join(home, 'token'), 'hf_fromfile\n');
      expect(hubToken()).toEqual({
        token: 'hf_fromfile',
        source: 'token file'
      });
      process.env.HF_TOKEN = 'hf_env';
      expect(hubToken()).toEqual({ token: 'hf_env', source: 'HF_TOKEN' });
      process.env.HF_ENDPOINT = 'http://127.0.0.1:9/';
      process.env.DENI_HF_ENDPOINT = 'http://ignored';
      process.env.HF_HUB_CACHE = '/tmp/deni-hub-x';
      expect(hubEndpoint()).toBe('http://127.0.0.1:9');
      expect(hubCacheDir()).toBe('/tmp/deni-hub-x');
      expect(hubEndpoint({ endpoint: 'http://a' })).toBe('http://a');
    } finally {
      for (const n of names) {
        if (saved[n] === undefined) {
          delete process.env[n];
        } else {
          process.env[n] = saved[n];
        }
      }
    }
  });
});
