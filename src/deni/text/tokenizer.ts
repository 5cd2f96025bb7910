import { Tokenizer } from '@huggingface/tokenizers';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { usePrecompiledCharsmaps } from './precompiled';

/** A batch of encoded texts, row-major [batch, seqLen], padded to seqLen like HF `padding='max_length'`. */
export interface IEncodedTexts {
  ids: Int32Array;
  mask: Int32Array;
  /** Segment ids (1 for the second text of a pair in BERT-style templates). */
  typeIds: Int32Array;
  batch: number;
  seqLen: number;
}

/** A tokenizer read from a Hugging Face tokenizer.json, with HF truncation and padding. */
export interface ITokenizer {
  /** Id used for padding (e.g. 0 for BERT's [PAD], 1 for RoBERTa's <pad>). */
  readonly padId: number;
  readonly vocabSize: number;
  /** Token ids of one text (or pair) with special tokens, truncated to maxLength when given. */
  encode(
    text: string,
    pair?: string,
    maxLength?: number
  ): { ids: number[]; typeIds: number[] };
  /** Token strings of a text, without special tokens (for debugging and display). */
  tokenize(text: string): string[];
}

type Piece =
  | { special: number[]; typeId: number }
  | { sequence: 'A' | 'B'; typeId: number };

interface ITemplate {
  single: Piece[];
  pair: Piece[];
}

interface ITemplateEntry {
  SpecialToken?: { id: string; type_id: number };
  Sequence?: { id: 'A' | 'B'; type_id: number };
}

interface IPostProcessorJson {
  type: string;
  single?: ITemplateEntry[];
  pair?: ITemplateEntry[];
  special_tokens?: Record<string, { ids: number[] }>;
  cls?: [string, number];
  sep?: [string, number];
  processors?: IPostProcessorJson[];
}

/** Builds the special-token template from tokenizer.json's post_processor (as the Rust crate does). */
function templateOf(
  pp: IPostProcessorJson | null | undefined,
  source: string
): ITemplate {
  if (!pp) {
    return {
      single: [{ sequence: 'A', typeId: 0 }],
      pair: [
        { sequence: 'A', typeId: 0 },
        { sequence: 'B', typeId: 1 }
      ]
    };
  }
  switch (pp.type) {
    case 'TemplateProcessing': {
      const conv = (entries: ITemplateEntry[]): Piece[] =>
        entries.map(e => {
          if (e.Sequence) {
            return { sequence: e.Sequence.id, typeId: e.Sequence.type_id };
          }
          const id = e.SpecialToken!.id;
          const ids = pp.special_tokens?.[id]?.ids;
          if (!ids) {
            throw new Error(
              `${source}: template special token '${id}' has no ids`
            );
          }
          return { special: ids, typeId: e.SpecialToken!.type_id };
        });
      return { single: conv(pp.single ?? []), pair: conv(pp.pair ?? []) };
    }
    case 'BertProcessing': {
      const cls = [pp.cls![1]];
      const sep = [pp.sep![1]];
      return {
        single: [
          { special: cls, typeId: 0 },
          { sequence: 'A', typeId: 0 },
          { special: sep, typeId: 0 }
        ],
        pair: [
          { special: cls, typeId: 0 },
          { sequence: 'A', typeId: 0 },
          { special: sep, typeId: 0 },
          { sequence: 'B', typeId: 1 },
          { special: sep, typeId: 1 }
        ]
      };
    }
    case 'RobertaProcessing': {
      const cls = [pp.cls![1]];
      const sep = [pp.sep![1]];
      return {
        single: [
          { special: cls, typeId: 0 },
          { sequence: 'A', typeId: 0 },
          { special: sep, typeId: 0 }
        ],
        pair: [
          { special: cls, typeId: 0 },
          { sequence: 'A', typeId: 0 },
          { special: [...sep, ...sep], typeId: 0 },
          { sequence: 'B', typeId: 0 },
          { special: sep, typeId: 0 }
        ]
      };
    }
    case 'Sequence': {
      const inner = (pp.processors ?? []).filter(p => p.type !== 'ByteLevel');
      if (inner.length > 1) {
        throw new Error(
          `${source}: post_processor Sequence with ${inner.map(p => p.type).join(', ')} is not supported`
        );
      }
      return templateOf(inner[0] ?? null, source);
    }
    case 'ByteLevel':
      return templateOf(null, source);
    default:
      throw new Error(
        `${source}: post_processor type '${pp.type}' is not supported (TemplateProcessing, BertProcessing, RobertaProcessing)`
      );
  }
}

function specialCount(pieces: Piece[]): number {
  return pieces.reduce(
    (n, p) => n + ('special' in p ? p.special.length : 0),
    0
  );
}

/**
 * Truncates like the Rust `tokenizers` crate (strategy longest_first, direction right, stride 0):
 * a pair keeps the shorter text whole when it can and splits the budget evenly otherwise.
 */
export function truncateLengths(
  n1: number,
  n2: number | undefined,
  budget: number
): [number, number] {
  if (n2 === undefined) {
    return [Math.min(n1, budget), 0];
  }
  if (n1 + n2 <= budget) {
    return [n1, n2];
  }
  let a = n1;
  let b = n2;
  const swap = a > b;
  if (swap) {
    [a, b] = [b, a];
  }
  b = a > budget ? a : Math.max(a, budget - a);
  if (a + b > budget) {
    a = Math.floor(budget / 2);
    b = a + (budget % 2);
  }
  return swap ? [b, a] : [a, b];
}

class HfTokenizer implements ITokenizer {
  readonly vocabSize: number;
  private readonly template: ITemplate;

  constructor(
    private readonly tok: Tokenizer,
    postProcessor: IPostProcessorJson | null,
    readonly padId: number,
    source: string
  ) {
    this.template = templateOf(postProcessor, source);
    this.vocabSize = tok.get_vocab(true).size;
  }

  tokenize(text: string): string[] {
    return this.tok.tokenize(text, { add_special_tokens: false });
  }

  encode(
    text: string,
    pair?: string,
    maxLength?: number
  ): { ids: number[]; typeIds: number[] } {
    let a = this.tok.encode(text, { add_special_tokens: false }).ids;
    let b =
      pair === undefined
        ? undefined
        : this.tok.encode(pair, { add_special_tokens: false }).ids;
    const pieces = b === undefined ? this.template.single : this.template.pair;
    if (maxLength !== undefined) {
      const budget = maxLength - specialCount(pieces);
      if (budget < 0) {
        throw new Error(
          `maxLength ${maxLength} is shorter than the ${specialCount(pieces)} special tokens`
        );
      }
      const [la, lb] = truncateLengths(a.length, b?.length, budget);
      a = a.slice(0, la);
      b = b?.slice(0, lb);
    }
    const ids: number[] = [];
    const typeIds: number[] = [];
    for (const p of pieces) {
      const part =
        'special' in p ? p.special : p.sequence === 'A' ? a : (b ?? []);
      for (const id of part) {
        ids.push(id);
        typeIds.push(p.typeId);
      }
    }
    return { ids, typeIds };
  }
}

async function readJson(file: string): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`Cannot read ${file}: ${(e as Error).message}`);
  }
}

/**
 * Loads `dir/tokenizer.json` (and `dir/tokenizer_config.json` when present). The pad id comes
 * from tokenizer.json's padding section, else the configured pad token, else [PAD] / <pad>.
 */
export async function loadTokenizer(dir: string): Promise<ITokenizer> {
  const file = path.join(dir, 'tokenizer.json');
  if (!existsSync(file)) {
    throw new Error(
      `No tokenizer.json in ${dir}: a model folder needs config.json, model.safetensors and tokenizer.json`
    );
  }
  const json = await readJson(file);
  const cfgFile = path.join(dir, 'tokenizer_config.json');
  const config = existsSync(cfgFile) ? await readJson(cfgFile) : {};
  const tok = new Tokenizer(json, config);
  // The package approximates SentencePiece's charsmap with NFKC: use the real one (ALBERT).
  usePrecompiledCharsmaps(tok);
  const padding = json.padding as { pad_id?: number } | null | undefined;
  let padId = padding?.pad_id;
  if (padId === undefined) {
    const padToken = config.pad_token;
    const name =
      typeof padToken === 'string'
        ? padToken
        : (padToken as { content?: string } | undefined)?.content;
    for (const candidate of [name, '[PAD]', '<pad>']) {
      const id =
        candidate === undefined ? undefined : tok.token_to_id(candidate);
      if (id !== undefined) {
        padId = id;
        break;
      }
    }
  }
  if (padId === undefined) {
    throw new Error(
      `${file}: cannot tell the padding token (no padding section, pad_token, [PAD] or <pad>)`
    );
  }
  return new HfTokenizer(
    tok,
    (json.post_processor ?? null) as IPostProcessorJson | null,
    padId,
    file
  );
}

/**
 * Encodes texts (and optional second texts) with truncation to maxLength and padding to exactly
 * maxLength, as HF `tokenizer(texts, pairs, truncation=True, padding='max_length', max_length=...)`.
 */
export function encodeBatch(
  tokenizer: ITokenizer,
  texts: string[],
  pairs: string[] | undefined,
  maxLength: number
): IEncodedTexts {
  if (!Number.isInteger(maxLength) || maxLength < 1) {
    throw new Error(`maxLength must be a positive integer, got ${maxLength}`);
  }
  if (pairs && pairs.length !== texts.length) {
    throw new Error(
      `encodeBatch: ${texts.length} texts but ${pairs.length} pairs`
    );
  }
  const batch = texts.length;
  const ids = new Int32Array(batch * maxLength).fill(tokenizer.padId);
  const mask = new Int32Array(batch * maxLength);
  const typeIds = new Int32Array(batch * maxLength);
  texts.forEach((text, row) => {
    const enc = tokenizer.encode(text, pairs?.[row], maxLength);
    for (let j = 0; j < enc.ids.length; j++) {
      ids[row * maxLength + j] = enc.ids[j];
      mask[row * maxLength + j] = 1;
      typeIds[row * maxLength + j] = enc.typeIds[j];
    }
  });
  return { ids, mask, typeIds, batch, seqLen: maxLength };
}
