/**
 * How a data set and a strategy entry are named in text. Two strategy names with two purposes:
 * `strategyId` (compact, `deni{K=5}`) identifies an entry in run descriptions, failures and the
 * store; `strategyLabel` (`deni(K=5, s2=0.1)`) is what tables and figures show.
 */
import type { DatasetRef, IStrategyEntry } from './types';

/** Readable label of a data set reference (its id, or a file's path). */
export function datasetLabel(dataset: DatasetRef): string {
  return typeof dataset === 'string' ? dataset : dataset.path;
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

/** Display label of a strategy entry (`deni(K=5, s2=0.1)`); overrides sorted by name. */
export function strategyLabel(entry: IStrategyEntry): string {
  const params = entry.params ?? {};
  const names = Object.keys(params).sort();
  if (names.length === 0) {
    return entry.name;
  }
  return `${entry.name}(${names.map(k => `${k}=${String(params[k])}`).join(', ')})`;
}
