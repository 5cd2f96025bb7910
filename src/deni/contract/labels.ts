/**
 * How a data set and a strategy entry are named in text. Two strategy names with two purposes:
 * `strategyId` (compact, `deni{K=5}`) identifies an entry in run descriptions, failures and the
 * store; `strategyLabel` (`deni(K=5, s2=0.1)`) is what tables, figures and progress lines show.
 * Labels never show a machine's path (a data file's folder, a paraphrase file).
 */
import { AUGMENTING_STRATEGIES } from './strategies';
import type { DatasetRef, IStrategyEntry } from './types';

/**
 * Label of a data set: its id, or for a local file the `name` given in the spec, else the file's
 * name (never its folder, which is a machine's path).
 */
export function datasetLabel(dataset: DatasetRef): string {
  const fileName = (p: string): string => p.split(/[\\/]/).pop() || p;
  if (typeof dataset === 'string') {
    // A file given by its path (`file:/data/x.csv`, `/data/x.csv`) shows as its file name.
    return /^file:/.test(dataset) ||
      /[\\/].*\.(csv|tsv|jsonl|parquet)$/i.test(dataset)
      ? fileName(dataset.replace(/^file:/, ''))
      : dataset;
  }
  return dataset.name ?? fileName(dataset.path);
}

/** Compact identity of a strategy entry (`deni{K=5,s2=0.1}`); overrides sorted by name. */
export function strategyId(entry: IStrategyEntry): string {
  const params = entry.params ?? {};
  const keys = Object.keys(params).sort();
  if (keys.length === 0) {
    return entry.name;
  }
  return `${entry.name}{${keys.map(k => `${k}=${String(params[k])}`).join(',')}}`;
}

/**
 * Where an augmenting strategy's paraphrases come from: `paraphrases` (a user's file, the
 * paper's setting) or `wordnet` (the rule-based substitute, a different strategy in effect);
 * undefined for other strategies.
 */
export function augmentationSource(
  entry: IStrategyEntry
): 'paraphrases' | 'wordnet' | undefined {
  if (!AUGMENTING_STRATEGIES.includes(entry.name)) {
    return undefined;
  }
  const file = entry.params?.paraphrases;
  return typeof file === 'string' && file !== '' ? 'paraphrases' : 'wordnet';
}

/**
 * Display label of a strategy entry: the name, then the augmentation source where there is one,
 * then the overrides sorted by name (`deni(K=5, s2=0.1)`, `augment(wordnet, k=2)`,
 * `augment(paraphrases)`). The paraphrase file's path is not shown (it is a machine's path).
 */
export function strategyLabel(entry: IStrategyEntry): string {
  const params = entry.params ?? {};
  const parts: string[] = [];
  const source = augmentationSource(entry);
  if (source) {
    parts.push(source);
  }
  for (const k of Object.keys(params).sort()) {
    if (source && k === 'paraphrases') {
      continue;
    }
    parts.push(`${k}=${String(params[k])}`);
  }
  return parts.length === 0 ? entry.name : `${entry.name}(${parts.join(', ')})`;
}
