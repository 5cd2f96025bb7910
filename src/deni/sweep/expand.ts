import { deriveSeeds } from '../random';
import { runKey } from './run-key';
import { datasetLabel, strategyLabel } from './labels';
import type { DatasetRef, IBudget, IRunSpec, ISweepSpec } from './types';

/**
 * Max-length defaults of the paper's seven sets (PAPER.md): 50 tokens for SST-2, MRPC, AG News and
 * DBpedia, 25 for CoLA, TREC and SNIPS. Other sets default to 50 unless the data registry says else.
 */
export const PAPER_MAX_LENGTH: Readonly<Record<string, number>> = {
  sst2: 50,
  mrpc: 50,
  ag_news: 50,
  agnews: 50,
  dbpedia: 50,
  dbpedia_14: 50,
  cola: 25,
  trec: 25,
  snips: 25
};

/** Max length used when neither the sweep nor the data registry gives one. */
export const FALLBACK_MAX_LENGTH = 50;

/** Options of expandSweep. */
export interface IExpandOptions {
  /** Default max length of a data set (the data registry's card); undefined = paper table / 50. */
  maxLengthFor?: (dataset: DatasetRef) => number | undefined;
}

export { datasetLabel } from './labels';

function paperMaxLength(dataset: DatasetRef): number | undefined {
  if (typeof dataset !== 'string') {
    return undefined;
  }
  const id = dataset
    .replace(/^(hf:|paper:)/, '')
    .toLowerCase()
    .replace(/-/g, '_');
  return PAPER_MAX_LENGTH[id];
}

function asList<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

/**
 * Expands a (normalised) sweep into its RunSpecs, ordered dataset x model x tuning x strategy x
 * run. Seeds follow the paper protocol: deriveSeeds(sweep seed, run) keeps split, labels and
 * augmentation fixed per sweep and varies init, order, dropout and noise per run, so run r gets the
 * same seeds in every configuration and in every sweep with the same seed.
 */
export function expandSweep(
  spec: ISweepSpec,
  options: IExpandOptions = {}
): IRunSpec[] {
  const out: IRunSpec[] = [];
  const seeds = Array.from({ length: spec.runs }, (_, r) =>
    deriveSeeds(spec.seed, r)
  );
  for (const dataset of asList(spec.dataset)) {
    const maxLength =
      spec.budget.maxLength ??
      options.maxLengthFor?.(dataset) ??
      paperMaxLength(dataset) ??
      FALLBACK_MAX_LENGTH;
    const budget: IBudget = { ...spec.budget, maxLength };
    for (const model of asList(spec.model)) {
      for (const tuning of spec.tuning) {
        for (const strategy of spec.strategies) {
          for (let run = 0; run < spec.runs; run++) {
            const base: Omit<IRunSpec, 'key'> = {
              sweep: spec.name,
              dataset,
              model,
              tuning,
              strategy,
              budget,
              backend: spec.backend,
              run,
              seeds: seeds[run]
            };
            out.push({ key: runKey(base), ...base });
          }
        }
      }
    }
  }
  return out;
}

/** `sst2 / minilm-l6 / lora / deni #3`: a run in one line, for progress and errors. */
export function describeRun(spec: IRunSpec): string {
  return `${datasetLabel(spec.dataset)} / ${spec.model} / ${spec.tuning} / ${strategyLabel(
    spec.strategy
  )} #${spec.run}`;
}
