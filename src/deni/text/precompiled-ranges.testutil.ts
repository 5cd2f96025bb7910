/**
 * Test texts covering Unicode blocks where SentencePiece's nmt_nfkc charsmap and plain NFKC can
 * disagree: Latin-1 and extended Latin, general punctuation (zero-width and bidi marks), super- and
 * subscripts, letter-like symbols and number forms, enclosed alphanumerics, CJK symbols and
 * compatibility, half- and full-width forms, Arabic marks, alphabetic presentation forms, Hangul
 * Jamo, combining marks and mathematical alphanumerics. Each text joins 16 characters, once
 * adjacent and once separated by spaces.
 */
const RANGES: [number, number][] = [
  [0x20, 0x7f],
  [0xa0, 0x250],
  [0x300, 0x370],
  [0x600, 0x620],
  [0x1100, 0x1120],
  [0x2000, 0x2070],
  [0x2070, 0x2200],
  [0x2460, 0x2500],
  [0x3000, 0x3100],
  [0x3200, 0x3400],
  [0xfb00, 0xfb50],
  [0xfe30, 0xfe70],
  [0xff00, 0xffef],
  [0x1d400, 0x1d500]
];

export default function unicodeRanges(): string[] {
  const texts: string[] = [];
  for (const [a, b] of RANGES) {
    const chars: string[] = [];
    for (let c = a; c < b; c++) {
      const ch = String.fromCodePoint(c);
      // Unassigned, private-use and surrogate code points say nothing about the normaliser.
      if (/\p{Cn}|\p{Co}|\p{Cs}/u.test(ch)) {
        continue;
      }
      chars.push(ch);
    }
    for (let i = 0; i < chars.length; i += 16) {
      const part = chars.slice(i, i + 16);
      texts.push(`x${part.join('')} y ${part.join(' ')}`);
    }
  }
  return texts;
}
