import type { Rng } from '../random';
import type { IDatasetFileSpec } from '../contract/types';

export type { IDatasetFileSpec };

/** One labelled sample. Sentence pairs are already joined (PAPER.md: "Sentence 1: {a}; Sentence 2: {b}"). */
export interface IExample {
  text: string;
  /** Class index into IDataset.labels. */
  label: number;
}

/** A loaded data set: every labelled sample of the source, pooled (PAPER.md). */
export interface IDataset {
  /** Canonical id: built-in name, paper name, or `file:<absolute path>`. */
  id: string;
  /** Class names; a sample's label is an index into this list. */
  labels: string[];
  examples: IExample[];
  /** Default max sequence length in tokens (PAPER.md: 50 or 25 per set). */
  maxLength: number;
  /** Non-fatal problems found while loading (dropped rows, duplicates, ...), each naming file/row/column. */
  warnings: string[];
}

/** Where a data set comes from. */
export type DatasetSource = 'builtin' | 'hub' | 'file';

/** What `deni datasets` prints for one set: enough to cite it and to reproduce it exactly. */
export interface IDatasetCard {
  id: string;
  name: string;
  /** Task in words, e.g. "binary sentiment". */
  task: string;
  /** Class names in label-index order. */
  classes: string[];
  /** Labelled samples after pooling (built-ins: exact; hub sets: as documented by the source). */
  size: number;
  /** Where the text comes from (original corpus and who labelled it). */
  provenance: string;
  licence: string;
  /** Exact package (`name@version`) or Hub repository/config the data ships in. */
  package: string;
  source: DatasetSource;
  /** Default max length in tokens. */
  maxLength: number;
  /** How raw records become samples (joins, stripping, grouping). */
  notes?: string;
}

/** Options of loadDataset. */
export interface ILoadOptions {
  /** Cache folder for Hub downloads; default `$DENI_CACHE` or `~/.cache/jupyterlab-deni/datasets`. */
  cacheDir?: string;
  /** Hub base URL; default `$DENI_HF_ENDPOINT` or `https://huggingface.co`. */
  endpoint?: string;
  /** Never touch the network: Hub sets must be in the cache. */
  offline?: boolean;
  /** fetch implementation (tests, proxies); default the global fetch. */
  fetch?: typeof fetch;
  /** Progress lines while downloading (e.g. written to stderr by the CLI). */
  onProgress?: (message: string) => void;
}

/** Options of paperSplit. */
export interface ISplitOptions {
  /** The sweep's split generator (stratified 80/20). */
  splitRng: Rng;
  /** The sweep's labels generator (which training samples get labels). */
  labelsRng: Rng;
  /** Labelled training samples (class-balanced: ceil(samples / classes) per class). */
  samples: number;
  /** Cap on test-split size (stratified, deterministic); absent = whole 20 %. */
  testSamples?: number;
  /** All-data baseline: no label budget, the whole 80 % with a class-balanced cap (allDataCap). */
  allData?: boolean;
  /** Cap for all-data mode; PAPER.md: 55,000. */
  allDataCap?: number;
  /** Test fraction; PAPER.md: 0.2. */
  testFraction?: number;
}

/** Result of paperSplit. */
export interface ISplit {
  train: IExample[];
  test: IExample[];
  /** E.g. a class with fewer samples than its budget (named), duplicates removed from the test split. */
  warnings: string[];
}

/** Options of the built-in augmenter. */
export interface IAugmentOptions {
  /** Paraphrases from the paper's CSV (loadParaphrases); samples without any fall back to the built-in augmenter. */
  paraphrases?: ParaphraseTable;
  /** Fraction of content words replaced by a WordNet synonym; default 0.15. */
  synonymRate?: number;
  /** Probability of dropping each word; default 0.1. */
  dropoutRate?: number;
  /** Warnings are appended here (e.g. samples with no paraphrase in the table). */
  warnings?: string[];
}

/** Paraphrases keyed by the original ("seed") text. */
export type ParaphraseTable = Map<string, IExample[]>;
