import type {
  IRunResult,
  StrategyName,
  TuningMethodName
} from '../contract/types';
import { PAPER_DATASET_IDS } from '../contract/datasets';
import { STRATEGY_NAMES } from '../contract/strategies';
import { TUNING_METHOD_NAMES } from '../contract/tuning-methods';
import { datasetLabel, strategyLabel } from '../contract/labels';

export { datasetLabel, strategyLabel };

/**
 * Grouping of run results into (dataset, model, tuning, strategy) groups, and the labels shown for
 * each part. Orders are fixed here so every table, figure and statistic lists things alike,
 * whatever order the result store returned the runs in.
 */

/** Strategies in the paper's order (the contract's table). */
export const STRATEGY_ORDER: readonly StrategyName[] = STRATEGY_NAMES;

/** Data sets of PAPER.md in the paper's order (matched inside ids: `glue/sst2`, `dbpedia_14`). */
const PAPER_DATASETS = PAPER_DATASET_IDS.map(id =>
  id.replace(/[^a-z0-9]/g, '')
);

/** Models of PAPER.md in the paper's order, then small ones. */
const PAPER_MODELS = ['bert', 'roberta', 'albert', 'minilm'];

/** Tuning methods in the paper's order (the contract's table). */
const TUNING_ORDER: readonly TuningMethodName[] = TUNING_METHOD_NAMES;

/** Preferred orders of data sets, models and tunings (e.g. the order of a sweep spec). */
export interface IGroupOrder {
  datasets?: string[];
  models?: string[];
  tunings?: string[];
}

/**
 * A comparator for one dimension: values in `preferred` first (in that order), then values
 * matching a known name (in the known order), then the rest alphabetically. Independent of the
 * order results arrive in.
 */
function rankBy(
  preferred: readonly string[] | undefined,
  known: readonly string[]
): (a: string, b: string) => number {
  const rank = (v: string): [number, number] => {
    const p = preferred?.indexOf(v) ?? -1;
    if (p >= 0) {
      return [0, p];
    }
    const norm = v.toLowerCase().replace(/[^a-z0-9]/g, '');
    const k = known.findIndex(n => norm.includes(n));
    return k >= 0 ? [1, k] : [2, 0];
  };
  return (a, b) => {
    const [ga, ia] = rank(a);
    const [gb, ib] = rank(b);
    return ga - gb || ia - ib || (a < b ? -1 : a > b ? 1 : 0);
  };
}

/** The identity of one group of runs. */
export interface IGroupKey {
  dataset: string;
  model: string;
  tuning: string;
  /** Display label: the name, plus sorted overrides when there are any (`deni(K=5, s2=0.1)`). */
  strategy: string;
  strategyName: string;
  strategyParams?: Record<string, number | string | boolean>;
}

/** A group with its runs, sorted by run index. */
export interface IRunGroup extends IGroupKey {
  results: IRunResult[];
}

/** The group of one result. */
export function groupKeyOf(result: IRunResult): IGroupKey {
  const spec = result.spec;
  const params = spec.strategy.params;
  return {
    dataset: datasetLabel(spec.dataset),
    model: spec.model,
    tuning: spec.tuning,
    strategy: strategyLabel(spec.strategy),
    strategyName: spec.strategy.name,
    ...(params && Object.keys(params).length > 0
      ? { strategyParams: { ...params } }
      : {})
  };
}

/** Identity string of a configuration (everything but the strategy). */
export function configId(
  key: Pick<IGroupKey, 'dataset' | 'model' | 'tuning'>
): string {
  return JSON.stringify([key.dataset, key.model, key.tuning]);
}

/** Identity string of a group. */
export function groupId(key: IGroupKey): string {
  return JSON.stringify([key.dataset, key.model, key.tuning, key.strategy]);
}

/** Sort rank of a strategy: paper order first, unknown names after, then by label. */
export function compareStrategies(
  a: Pick<IGroupKey, 'strategy' | 'strategyName'>,
  b: Pick<IGroupKey, 'strategy' | 'strategyName'>
): number {
  const rank = (name: string): number => {
    const i = (STRATEGY_ORDER as readonly string[]).indexOf(name);
    return i < 0 ? STRATEGY_ORDER.length : i;
  };
  const byRank = rank(a.strategyName) - rank(b.strategyName);
  if (byRank !== 0) {
    return byRank;
  }
  if (a.strategyName !== b.strategyName) {
    return a.strategyName < b.strategyName ? -1 : 1;
  }
  // The plain entry (no overrides) before its variants.
  return (
    a.strategy.length - b.strategy.length ||
    (a.strategy < b.strategy ? -1 : a.strategy > b.strategy ? 1 : 0)
  );
}

/**
 * The `default` and `ensemble` group of each configuration (by configId): the entry without
 * overrides when there is one, else the first entry of that name. Used for every comparison
 * against a baseline, so the statistics and the tables agree on which group that is.
 */
export function findBaselines<
  T extends Pick<
    IGroupKey,
    'dataset' | 'model' | 'tuning' | 'strategyName' | 'strategyParams'
  >
>(groups: readonly T[]): Map<string, { default?: T; ensemble?: T }> {
  const out = new Map<string, { default?: T; ensemble?: T }>();
  for (const g of groups) {
    if (g.strategyName !== 'default' && g.strategyName !== 'ensemble') {
      continue;
    }
    const id = configId(g);
    const entry = out.get(id) ?? {};
    const slot = g.strategyName;
    const current = entry[slot];
    if (!current || (current.strategyParams && !g.strategyParams)) {
      entry[slot] = g;
    }
    out.set(id, entry);
  }
  return out;
}

/** Distinct values in order of first appearance. */
export function distinct<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

/**
 * Groups results by (dataset, model, tuning, strategy). Data sets, models and tunings follow
 * `order`, then the paper's order, then the alphabet; strategies follow STRATEGY_ORDER; runs within
 * a group are sorted by run index. So the groups come out the same whatever order the results
 * arrive in. Throws on a malformed result or two results with the same key, naming it.
 */
export function groupResults(
  results: readonly IRunResult[],
  order: IGroupOrder = {}
): IRunGroup[] {
  const seen = new Set<string>();
  const groups = new Map<string, IRunGroup>();
  results.forEach((r, i) => {
    validateResult(r, i);
    if (seen.has(r.key)) {
      throw new Error(
        `results[${i}]: a second result for run key ${r.key}; each run key may appear once`
      );
    }
    seen.add(r.key);
    const key = groupKeyOf(r);
    const id = groupId(key);
    const group = groups.get(id);
    if (group) {
      group.results.push(r);
    } else {
      groups.set(id, { ...key, results: [r] });
    }
  });
  const list = [...groups.values()];
  const ds = rankBy(order.datasets, PAPER_DATASETS);
  const ms = rankBy(order.models, PAPER_MODELS);
  const ts = rankBy(order.tunings, TUNING_ORDER);
  list.sort(
    (a, b) =>
      ds(a.dataset, b.dataset) ||
      ms(a.model, b.model) ||
      ts(a.tuning, b.tuning) ||
      compareStrategies(a, b)
  );
  for (const g of list) {
    g.results.sort(
      (a, b) =>
        a.spec.run - b.spec.run || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
    );
  }
  return list;
}

function validateResult(r: IRunResult, i: number): void {
  const where = `results[${i}]${r && typeof r.key === 'string' ? ` (key ${r.key})` : ''}`;
  if (!r || typeof r !== 'object' || !r.spec || typeof r.spec !== 'object') {
    throw new TypeError(
      `${where}: not a run result (needs key, spec, macroF1, cost)`
    );
  }
  if (typeof r.key !== 'string' || r.key === '') {
    throw new TypeError(
      `${where}.key: must be a non-empty string, got ${JSON.stringify(r.key)}`
    );
  }
  if (!Number.isFinite(r.macroF1) || r.macroF1 < 0 || r.macroF1 > 100) {
    throw new RangeError(
      `${where}.macroF1: must be a number in [0, 100] (macro-F1 x 100), got ${String(r.macroF1)}`
    );
  }
  if (!r.spec.strategy || typeof r.spec.strategy.name !== 'string') {
    throw new TypeError(
      `${where}.spec.strategy.name: must be a strategy name string`
    );
  }
  if (!Array.isArray(r.perClassF1)) {
    throw new TypeError(
      `${where}.perClassF1: must be an array of per-class F1 values`
    );
  }
  if (!r.cost || !Number.isFinite(r.cost.modelSteps) || r.cost.modelSteps < 0) {
    throw new RangeError(
      `${where}.cost.modelSteps: must be a non-negative number, got ${String(r.cost?.modelSteps)}`
    );
  }
}
