/**
 * SentencePiece's `Precompiled` normaliser (ALBERT, T5, XLM-R tokenizer.json files), as the Rust
 * `tokenizers` crate runs it (spm_precompiled): a darts-clone double-array trie over UTF-8 bytes
 * mapping character sequences to replacements, applied per grapheme cluster. The JavaScript
 * tokenizers package approximates it with NFKC, which differs for zero-width characters, some
 * Arabic marks and other code points; this module reads the charsmap itself so tokens match Python.
 */

/** A compiled charsmap: the trie and the replacement strings it points into. */
export class PrecompiledCharsmap {
  private readonly trie: Uint32Array;
  private readonly normalized: Uint8Array;
  private readonly decoder = new TextDecoder();
  private readonly encoder = new TextEncoder();
  private readonly graphemes = new Intl.Segmenter(undefined, {
    granularity: 'grapheme'
  });

  /** `charsmap`: the bytes of `precompiled_charsmap` (base64 in tokenizer.json). */
  constructor(charsmap: Uint8Array) {
    const view = new DataView(
      charsmap.buffer,
      charsmap.byteOffset,
      charsmap.byteLength
    );
    if (charsmap.byteLength < 4) {
      throw new Error('precompiled_charsmap: shorter than its 4-byte header');
    }
    const trieBytes = view.getUint32(0, true);
    if (4 + trieBytes > charsmap.byteLength || trieBytes % 4 !== 0) {
      throw new Error(
        `precompiled_charsmap: trie size ${trieBytes} does not fit in ${charsmap.byteLength} bytes`
      );
    }
    this.trie = new Uint32Array(trieBytes / 4);
    for (let i = 0; i < this.trie.length; i++) {
      this.trie[i] = view.getUint32(4 + 4 * i, true);
    }
    this.normalized = charsmap.subarray(4 + trieBytes);
  }

  /** Offsets into the replacement strings of every trie key that is a prefix of `key` (shortest first). */
  private commonPrefixSearch(key: Uint8Array): number[] {
    const results: number[] = [];
    const t = this.trie;
    const offset = (u: number) => (u >>> 10) << ((u & (1 << 9)) >>> 6);
    const label = (u: number) => u & ((1 << 31) | 0xff);
    let pos = 0;
    let unit = t[pos];
    pos ^= offset(unit);
    for (const c of key) {
      if (c === 0) {
        break;
      }
      pos ^= c;
      unit = t[pos];
      if (unit === undefined || label(unit) >>> 0 !== c) {
        return results;
      }
      pos ^= offset(unit);
      if (((unit >>> 8) & 1) === 1) {
        results.push(t[pos] & 0x7fffffff);
      }
    }
    return results;
  }

  /** The replacement of a chunk (the first prefix match, as spm_precompiled), or undefined. */
  private transform(chunk: string): string | undefined {
    const hits = this.commonPrefixSearch(this.encoder.encode(chunk));
    if (hits.length === 0) {
      return undefined;
    }
    let end = hits[0];
    while (end < this.normalized.length && this.normalized[end] !== 0) {
      end++;
    }
    return this.decoder.decode(this.normalized.subarray(hits[0], end));
  }

  /**
   * Normalises a text as spm_precompiled's normalize_string: a grapheme cluster shorter than 6
   * UTF-8 bytes is looked up whole; otherwise (or when it has no entry) each character is.
   */
  normalize(text: string): string {
    let out = '';
    for (const { segment } of this.graphemes.segment(text)) {
      if (this.encoder.encode(segment).length < 6) {
        const whole = this.transform(segment);
        if (whole !== undefined) {
          out += whole;
          continue;
        }
      }
      for (const ch of segment) {
        out += this.transform(ch) ?? ch;
      }
    }
    return out;
  }
}

interface INormalizerLike {
  config?: { type?: string; precompiled_charsmap?: string | null };
  normalizers?: (INormalizerLike | null)[];
  normalize?: (text: string) => string;
}

/**
 * Replaces the approximate `Precompiled` normalisers inside a loaded tokenizer (its `normalizer`,
 * or the members of a Sequence) by the exact charsmap implementation; returns how many.
 */
export function usePrecompiledCharsmaps(tokenizer: unknown): number {
  let patched = 0;
  const visit = (n: INormalizerLike | null | undefined) => {
    if (!n) {
      return;
    }
    if (
      n.config?.type === 'Precompiled' &&
      typeof n.config.precompiled_charsmap === 'string'
    ) {
      const map = new PrecompiledCharsmap(
        Buffer.from(n.config.precompiled_charsmap, 'base64')
      );
      n.normalize = text => map.normalize(text);
      patched++;
    }
    n.normalizers?.forEach(visit);
  };
  visit((tokenizer as { normalizer?: INormalizerLike }).normalizer);
  return patched;
}
