/** The paper's seven data sets on the Hugging Face Hub, and generic `hf:owner/name` sets. */
import type { PaperDatasetId } from '../contract/datasets';

/** One of the paper's data sets on the Hugging Face Hub and how its columns map to samples. */
export interface IHubDatasetSpec {
  id: string;
  name: string;
  task: string;
  /** Hub dataset repository. */
  repo: string;
  /** Hub config (subset) whose Parquet conversion is read. */
  config: string;
  /**
   * Labelled splits, pooled (PAPER.md); unlabelled rows (label -1) are dropped anyway. Empty for
   * a generic `hf:owner/name` set: every split the conversion has is pooled.
   */
  splits: string[];
  /** Candidate column names, first present wins (the Hub has renamed some over time). */
  text: string[];
  pair?: string[];
  label: string[];
  /**
   * Class names in the label feature's order (string labels map by name). Empty for a generic
   * set: names come from the Parquet footer's ClassLabel, else from the data.
   */
  labels: string[];
  /** A set named `hf:owner/name[:config]` rather than one of the paper's seven. */
  generic?: boolean;
  maxLength: number;
  /** Labelled samples after pooling, as documented on the dataset card. */
  size: number;
  licence: string;
  provenance: string;
}

/** The seven data sets of PAPER.md. */
export const PAPER_DATASETS: Record<string, IHubDatasetSpec> = {
  sst2: {
    id: 'sst2',
    name: 'SST-2 (Stanford Sentiment Treebank, binary)',
    task: 'binary sentiment',
    repo: 'stanfordnlp/sst2',
    config: 'default',
    splits: ['train', 'validation'],
    text: ['sentence'],
    label: ['label'],
    labels: ['negative', 'positive'],
    maxLength: 50,
    size: 68_221,
    licence:
      'no explicit licence on the Hub card (research use; cite Socher et al. 2013)',
    provenance:
      'Socher et al. (EMNLP 2013), movie-review phrases from Rotten Tomatoes; GLUE version'
  },
  cola: {
    id: 'cola',
    name: 'CoLA (Corpus of Linguistic Acceptability)',
    task: 'binary acceptability',
    repo: 'nyu-mll/glue',
    config: 'cola',
    splits: ['train', 'validation'],
    text: ['sentence'],
    label: ['label'],
    labels: ['unacceptable', 'acceptable'],
    maxLength: 25,
    size: 9_594,
    licence: 'see GLUE terms (CoLA: research use; cite Warstadt et al. 2019)',
    provenance:
      'Warstadt et al. (TACL 2019), sentences from linguistics publications; GLUE version'
  },
  mrpc: {
    id: 'mrpc',
    name: 'MRPC (Microsoft Research Paraphrase Corpus)',
    task: 'binary paraphrase (sentence pairs)',
    repo: 'nyu-mll/glue',
    config: 'mrpc',
    splits: ['train', 'validation', 'test'],
    text: ['sentence1'],
    pair: ['sentence2'],
    label: ['label'],
    labels: ['not_equivalent', 'equivalent'],
    maxLength: 50,
    size: 5_801,
    licence: 'Microsoft Research Paraphrase Corpus licence (research use)',
    provenance:
      'Dolan & Brockett (IWP 2005), news sentence pairs labelled by annotators; GLUE version'
  },
  ag_news: {
    id: 'ag_news',
    name: 'AG News',
    task: 'news topic (4 classes)',
    repo: 'fancyzhx/ag_news',
    config: 'default',
    splits: ['train', 'test'],
    text: ['text'],
    label: ['label'],
    labels: ['World', 'Sports', 'Business', 'Sci/Tech'],
    maxLength: 50,
    size: 127_600,
    licence:
      'no explicit licence on the Hub card (academic use; cite Zhang et al. 2015)',
    provenance:
      "Zhang, Zhao & LeCun (NeurIPS 2015), from A. Gulli's AG news corpus"
  },
  trec: {
    id: 'trec',
    name: 'TREC question classification (coarse)',
    task: 'question type (6 coarse classes)',
    repo: 'CogComp/trec',
    config: 'default',
    splits: ['train', 'test'],
    text: ['text'],
    label: ['coarse_label', 'label-coarse'],
    labels: ['ABBR', 'ENTY', 'DESC', 'HUM', 'LOC', 'NUM'],
    maxLength: 25,
    size: 5_952,
    licence: 'no explicit licence on the Hub card (cite Li & Roth 2002)',
    provenance:
      'Li & Roth (COLING 2002), TREC questions labelled by question type'
  },
  snips: {
    id: 'snips',
    name: 'SNIPS intents',
    task: 'intent (7 classes)',
    repo: 'benayas/snips',
    config: 'default',
    splits: ['train', 'test'],
    text: ['text'],
    label: ['category', 'label', 'intent'],
    labels: [
      'AddToPlaylist',
      'BookRestaurant',
      'GetWeather',
      'PlayMusic',
      'RateBook',
      'SearchCreativeWork',
      'SearchScreeningEvent'
    ],
    maxLength: 25,
    size: 14_484,
    licence: 'CC0-1.0 (Snips NLU benchmark)',
    provenance: 'Coucke et al. (2018), crowdsourced voice-assistant queries'
  },
  dbpedia: {
    id: 'dbpedia',
    name: 'DBpedia-14',
    task: 'ontology class (14 classes)',
    repo: 'fancyzhx/dbpedia_14',
    config: 'default',
    splits: ['train', 'test'],
    text: ['content'],
    label: ['label'],
    labels: [
      'Company',
      'EducationalInstitution',
      'Artist',
      'Athlete',
      'OfficeHolder',
      'MeanOfTransportation',
      'Building',
      'NaturalPlace',
      'Village',
      'Animal',
      'Plant',
      'Album',
      'Film',
      'WrittenWork'
    ],
    maxLength: 50,
    size: 630_000,
    licence: 'CC BY-SA 3.0 (DBpedia / Wikipedia abstracts)',
    provenance:
      'Zhang, Zhao & LeCun (NeurIPS 2015), Wikipedia abstracts labelled by DBpedia class'
  }
} satisfies Record<PaperDatasetId, IHubDatasetSpec>;

/** `hf:owner/name` or `hf:owner/name:config`: any Hub dataset with a Parquet conversion. */
export const GENERIC_HUB_ID = /^hf:([\w.-]+\/[\w.-]+)(?::([\w.-]+))?$/;

export function lookupHubDataset(name: string): IHubDatasetSpec {
  const spec = PAPER_DATASETS[name.replace(/^hf:/, '')];
  if (spec) {
    return spec;
  }
  const m = GENERIC_HUB_ID.exec(name);
  if (m) {
    return {
      id: name,
      name: m[2] ? `${m[1]} (${m[2]})` : m[1],
      task: 'text classification',
      repo: m[1],
      config: m[2] ?? 'default',
      splits: [],
      text: [
        'text',
        'sentence',
        'content',
        'question',
        'review',
        'document',
        'sentence1',
        'premise',
        'question1'
      ],
      pair: ['sentence2', 'hypothesis', 'question2'],
      label: ['label', 'labels', 'coarse_label', 'category', 'intent', 'class'],
      labels: [],
      maxLength: 50,
      size: 0,
      licence: 'see the dataset card on the Hub',
      provenance: `Hugging Face Hub ${m[1]}`,
      generic: true
    };
  }
  throw new Error(
    `unknown Hub data set "${name}"; paper sets: ${Object.keys(PAPER_DATASETS).join(', ')}; ` +
      'or any Hub dataset as hf:owner/name (hf:owner/name:config for a config other than "default")'
  );
}
