/** Tokenisers read from Hugging Face tokenizer.json files (BERT WordPiece, RoBERTa BPE, ALBERT Unigram). */
export {
  encodeBatch,
  loadTokenizer,
  truncateLengths,
  type IEncodedTexts,
  type ITokenizer
} from './tokenizer';
