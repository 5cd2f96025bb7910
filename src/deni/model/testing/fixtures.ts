// Helpers shared by this folder's tests (not part of the public API): fixture folders and the
// Python reference (reference/model_check.py, transformers on PyTorch CPU).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cacheDir } from '../registry';

export const repoRoot = path.resolve(__dirname, '../../../..');
export const python = path.resolve(repoRoot, '.venv/bin/python');

/** Folder of a fixture model (tiny-bert, tiny-roberta, tiny-albert) or minilm-l6; prepared on demand. */
export function fixtureModel(
  name: 'minilm-l6' | 'tiny-bert' | 'tiny-roberta' | 'tiny-albert'
): string {
  const dir =
    name === 'minilm-l6'
      ? path.join(cacheDir(), 'minilm-l6')
      : path.join(repoRoot, 'fixtures/models', name);
  if (!existsSync(path.join(dir, 'model.safetensors'))) {
    execFileSync('bash', [path.join(repoRoot, 'scripts/prepare-models.sh')], {
      stdio: 'inherit'
    });
  }
  return dir;
}

/** Runs reference/model_check.py on a request object and parses its JSON answer. */
export function reference<T>(request: Record<string, unknown>): T {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'deni-ref-'));
  const file = path.join(dir, 'request.json');
  writeFileSync(file, JSON.stringify(request));
  const out = execFileSync(
    python,
    [path.join(repoRoot, 'reference/model_check.py'), file],
    {
      maxBuffer: 1 << 30,
      encoding: 'utf8',
      env: {
        ...process.env,
        OMP_NUM_THREADS: '1',
        TOKENIZERS_PARALLELISM: 'false'
      }
    }
  );
  return JSON.parse(out) as T;
}

/** A scratch file path for reference outputs. */
export function scratchFile(name: string): string {
  return path.join(mkdtempSync(path.join(os.tmpdir(), 'deni-ref-')), name);
}

/** Max |a - b| over two equal-length arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) {
    throw new Error(`length mismatch ${a.length} vs ${b.length}`);
  }
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    m = Math.max(m, Math.abs(a[i] - b[i]));
  }
  return m;
}

/** Sentences for the comparisons: accents, long words, punctuation, numbers, a long one to truncate. */
export const SENTENCES = [
  'The quick brown fox jumps over the lazy dog.',
  'Café au lait, naïve résumé and façade: accents everywhere!',
  'Antidisestablishmentarianism and pneumonoultramicroscopicsilicovolcanoconiosis are long words.',
  "I didn't like it; it wasn't good... or was it?",
  'Numbers: 3.14159, 2026-11-26 and $42.50 (approx).',
  'ÉCOLE ÜBER ALLES — Straße, Ærø, Øresund, Łódź.',
  'hello',
  '',
  'A sentence that is quite long and keeps going well past the maximum length so that truncation must cut it somewhere in the middle of all these words.',
  'Tabs\tand  double  spaces\nand new lines.',
  'Emoji 🙂 and symbols © ® ™ ∑ √ ∞.',
  '日本語のテキストと中文文本 mixed with English.',
  'UPPER lower MiXeD CaSe words.',
  "\"Quoted\" and ``latex quotes'' and 'single' quotes.",
  'Sentence 1: the cat sat; Sentence 2: on the mat.',
  'e-mail: someone@example.com, url https://example.org/path?q=1',
  'Fine-tuning pre-trained encoders is unstable across random seeds.',
  'über-cool naïveté coöperate',
  'x'.repeat(60),
  'What is the capital of France?',
  'Paris is the capital and most populous city of France.',
  'ALBERT shares parameters across layers; RoBERTa drops next-sentence prediction.'
];
