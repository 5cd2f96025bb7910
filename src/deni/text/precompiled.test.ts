import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import unicodeRanges from './precompiled-ranges.testutil';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTokenizer } from './tokenizer';

const repoRoot = path.resolve(__dirname, '../../..');
const python = path.join(repoRoot, '.venv/bin/python');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'deni-precompiled-'));

/** Texts the charsmap rewrites: full-width forms, ligatures, circled digits, zero-width and Arabic marks. */
const texts = [
  'Ｈｅｌｌｏ ＡＢＣ １２３ and ｶﾀｶﾅ',
  "café ﬁne ① Ⅻ ½ x² ``quoted'' “curly” — …",
  'zero\u200bwidth\u200cnon\u200djoiner\u200e marks',
  'wave ～ 〜 tilde and non\u00a0breaking\u3000space',
  ...unicodeRanges()
];

let ref: { normalizers: string[]; fast: number[][]; tokens: string[][] };

beforeAll(() => {
  const textsFile = path.join(tmp, 'texts.json');
  writeFileSync(textsFile, JSON.stringify(texts));
  const out = execFileSync(
    python,
    [
      path.join(repoRoot, 'reference/make_precompiled_albert.py'),
      path.join(tmp, 'albert'),
      textsFile
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }
  );
  ref = JSON.parse(out.trim().split('\n').at(-1) as string) as typeof ref;
}, 120_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("ALBERT's Precompiled (SentencePiece charsmap) normaliser", () => {
  it('the checkpoint has the real chain, Precompiled included', () => {
    expect(ref.normalizers).toEqual([
      'Replace',
      'Replace',
      'NFKD',
      'StripAccents',
      'Lowercase',
      'Precompiled',
      'Replace'
    ]);
    const json = JSON.parse(
      readFileSync(path.join(tmp, 'albert', 'tokenizer.json'), 'utf8')
    ) as {
      normalizer: {
        normalizers: { type: string; precompiled_charsmap?: string }[];
      };
    };
    expect(
      json.normalizer.normalizers[5].precompiled_charsmap?.length
    ).toBeGreaterThan(1000);
  });

  it('gives the token ids of Python tokenizers (Rust) on every text', async () => {
    const tok = await loadTokenizer(path.join(tmp, 'albert'));
    const mismatches = texts
      .map((t, i) => ({ t, js: tok.encode(t).ids, py: ref.fast[i] }))
      .filter(m => JSON.stringify(m.js) !== JSON.stringify(m.py));
    expect(mismatches).toEqual([]);
    expect(texts.length).toBeGreaterThan(150);
  });
});
