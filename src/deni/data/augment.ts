import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Rng } from '../random';
import { DataError, locate } from './errors';
import { firstInvalidUtf8, parseCsvRecords } from './files';
import { joinPair } from './pair';
import type { IAugmentOptions, IExample, ParaphraseTable } from './types';
import { WordNet } from './wordnet';

/** Function words never replaced: WordNet lists some as rare nouns ("a" = vitamin A, "it" = IT). */
const STOP_WORDS = new Set(
  (
    'a an the and or but if then else of at by for with about against between into through during ' +
    'before after above below to from up down in out on off over under again further once here there ' +
    'when where why how all any both each few more most other some such no nor not only own same so ' +
    'than too very can will just should now i me my we our you your he him his she her it its they ' +
    'them their what which who whom this that these those am is are was were be been being have has ' +
    'had having do does did doing would could might must shall may also as said says get got'
  ).split(' ')
);

let sharedWordNet: WordNet | null = null;

function wordnet(): WordNet {
  sharedWordNet ??= new WordNet();
  return sharedWordNet;
}

/**
 * Reads the paper's paraphrase CSV (`seed,text,label`: each row one paraphrase `text` of the
 * training sample `seed`). `labels` maps class names when the file uses names instead of indices.
 */
export function loadParaphrases(
  csvPath: string,
  labels?: string[]
): ParaphraseTable {
  const file = path.resolve(csvPath);
  const bytes = readFileSync(file);
  if (bytes.length === 0 || bytes.toString('utf8').trim() === '') {
    throw new DataError(`${file}: the paraphrase file is empty`, { file });
  }
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) {
    const line = bytes.subarray(0, bad).toString('latin1').split('\n').length;
    throw new DataError(
      `${file}, line ${line}: bytes that are not UTF-8 (byte ${bad}); re-save as UTF-8`,
      {
        file,
        line
      }
    );
  }
  const { columns: header, records } = parseCsvRecords(
    bytes.toString('utf8'),
    file
  );
  for (const col of ['seed', 'text', 'label']) {
    if (!header.includes(col)) {
      throw new DataError(
        `${file}: paraphrase column "${col}" not found; the paper's format is seed,text,label (found: ${header.join(', ')})`,
        { file, column: col }
      );
    }
  }
  const table: ParaphraseTable = new Map();
  records.forEach((r, i) => {
    const where = `row ${i + 1} (line ${r.info.lines})`;
    const raw = (r.record.label ?? '').trim();
    let label: number;
    if (/^\d+$/.test(raw)) {
      label = Number(raw);
      if (labels && label >= labels.length) {
        throw new DataError(
          `${locate(file, where, 'label')}: unknown label ${raw} (${labels.length} classes)`,
          {
            file,
            row: i + 1,
            column: 'label'
          }
        );
      }
    } else if (labels && labels.includes(raw)) {
      label = labels.indexOf(raw);
    } else {
      throw new DataError(
        `${locate(file, where, 'label')}: unknown label ${JSON.stringify(raw)}` +
          (labels
            ? ` (valid: ${labels.join(', ')})`
            : ' (give the class names to map names to indices)'),
        { file, row: i + 1, column: 'label' }
      );
    }
    const seed = (r.record.seed ?? '').trim();
    const text = (r.record.text ?? '').trim();
    if (seed === '' || text === '') {
      throw new DataError(
        `${locate(file, where, seed === '' ? 'seed' : 'text')}: empty text`,
        {
          file,
          row: i + 1
        }
      );
    }
    const list = table.get(seed) ?? [];
    list.push({ text, label });
    table.set(seed, list);
  });
  return table;
}

function matchCase(template: string, word: string): string {
  if (
    template.length > 0 &&
    template[0] === template[0].toUpperCase() &&
    template[0] !== template[0].toLowerCase()
  ) {
    return word[0].toUpperCase() + word.slice(1);
  }
  return word;
}

/**
 * One paraphrase of a plain text: a share of content words swapped for a WordNet synonym, then
 * word dropout. Punctuation around a word stays in place.
 */
function paraphraseText(
  text: string,
  rng: Rng,
  synonymRate: number,
  dropoutRate: number
): string {
  const words = text.split(/\s+/).filter(w => w !== '');
  const wn = wordnet();
  const candidates: { i: number; core: string; syns: string[] }[] = [];
  words.forEach((w, i) => {
    const m =
      /^([^A-Za-z]*)([A-Za-z][A-Za-z'-]*[A-Za-z]|[A-Za-z])([^A-Za-z]*)$/.exec(
        w
      );
    if (!m || m[2].length < 3 || STOP_WORDS.has(m[2].toLowerCase())) {
      return;
    }
    const syns = wn.synonyms(m[2]);
    if (syns.length > 0) {
      candidates.push({ i, core: m[2], syns });
    }
  });
  const out = words.slice();
  const n = Math.min(
    candidates.length,
    Math.max(1, Math.round(synonymRate * words.length))
  );
  for (const c of rng.shuffle(candidates).slice(0, n)) {
    const syn = c.syns[rng.int(c.syns.length)];
    out[c.i] = out[c.i].replace(c.core, matchCase(c.core, syn));
  }
  if (out.length < 3) {
    return out.join(' ');
  }
  const kept = out.filter(() => rng.uniform() >= dropoutRate);
  return (kept.length >= 2 ? kept : out).join(' ');
}

/** Paraphrases pair texts part by part, so the "Sentence 1: ...; Sentence 2: ..." frame survives. */
function paraphrase(
  text: string,
  rng: Rng,
  synonymRate: number,
  dropoutRate: number
): string {
  const m = /^Sentence 1: ([\s\S]*); Sentence 2: ([\s\S]*)$/.exec(text);
  if (m) {
    return joinPair(
      paraphraseText(m[1], rng, synonymRate, dropoutRate),
      paraphraseText(m[2], rng, synonymRate, dropoutRate)
    );
  }
  return paraphraseText(text, rng, synonymRate, dropoutRate);
}

/**
 * Augmentation (PAPER.md baseline 8 and DENI + augmentation): every sample followed by `k`
 * paraphrases with the sample's label. Paraphrases come from `opts.paraphrases` (the paper's CSV),
 * chosen with `rng` when a sample has more than k; samples short of k paraphrases get built-in
 * ones (WordNet synonym replacement + word dropout, drawn from `rng`), counted in a warning.
 */
export function augment(
  examples: IExample[],
  k: number,
  rng: Rng,
  opts: IAugmentOptions = {}
): IExample[] {
  if (!Number.isInteger(k) || k < 0) {
    throw new RangeError(
      `augment: k (paraphrases per sample) must be a non-negative integer, got ${String(k)}`
    );
  }
  const synonymRate = opts.synonymRate ?? 0.15;
  const dropoutRate = opts.dropoutRate ?? 0.1;
  if (
    !(synonymRate >= 0 && synonymRate <= 1) ||
    !(dropoutRate >= 0 && dropoutRate < 1)
  ) {
    throw new RangeError(
      `augment: synonymRate must be in [0, 1] and dropoutRate in [0, 1), got ${synonymRate} and ${dropoutRate}`
    );
  }
  const out: IExample[] = [];
  let topUp = 0;
  let relabelled = 0;
  let unchanged = 0;
  for (const ex of examples) {
    out.push(ex);
    const seen = new Set([ex.text]);
    const listed = opts.paraphrases?.get(ex.text.trim()) ?? [];
    const chosen =
      listed.length > k ? rng.shuffle(listed.slice()).slice(0, k) : listed;
    for (const p of chosen) {
      if (p.label !== ex.label) {
        relabelled++;
      }
      out.push({ text: p.text, label: ex.label });
      seen.add(p.text);
    }
    if (opts.paraphrases && chosen.length < k) {
      topUp++;
    }
    for (let j = chosen.length; j < k; j++) {
      let text = ex.text;
      // A paraphrase equal to the original (or an earlier one) adds nothing: retry a few times.
      for (let tries = 0; tries < 5 && seen.has(text); tries++) {
        text = paraphrase(ex.text, rng, synonymRate, dropoutRate);
      }
      if (seen.has(text)) {
        unchanged++;
      }
      seen.add(text);
      out.push({ text, label: ex.label });
    }
  }
  if (topUp > 0) {
    opts.warnings?.push(
      `${topUp} training sample(s) had fewer than ${k} paraphrase(s) in the paraphrase file; the built-in WordNet augmenter made the rest`
    );
  }
  if (relabelled > 0) {
    opts.warnings?.push(
      `${relabelled} paraphrase(s) carried a label different from their seed sample; the seed's label was used`
    );
  }
  if (unchanged > 0) {
    opts.warnings?.push(
      `${unchanged} built-in paraphrase(s) could not differ from their sample (no WordNet synonyms, too short to drop words); kept as copies`
    );
  }
  return out;
}
