import { deriveSeeds } from '../random';
import { runKey } from './run-key';
import { datasetLabel, strategyId } from '../contract/labels';
import type {
  DatasetRef,
  IBudget,
  IRunSpec,
  ISweepSpec
} from '../contract/types';
import { PAPER_MAX_LENGTH } from '../contract/datasets';
import type { ConcreteBackendName } from '../contract/backends';
import type { ISweepInputs } from './inputs';

/** Max-length defaults of the paper's seven sets (the contract's table). */
export { PAPER_MAX_LENGTH };

/** Max length used when neither the sweep nor the data registry gives one. */
export const FALLBACK_MAX_LENGTH = 50;

/** Options of expandSweep. */
export interface IExpandOptions {
  /** Default max length of a data set (the data registry's card); undefined = paper table / 50. */
  maxLengthFor?: (dataset: DatasetRef) => number | undefined;
  /** Hub commits and checksums of the sweep's inputs (resolveSweepInputs); added to each run. */
  inputs?: ISweepInputs;
  /** Fingerprints of what runs read (run-content.ts); they become part of each run key. */
  contentOf?: (
    dataset: DatasetRef,
    model: string
  ) => Record<string, string> | undefined;
  /**
   * The concrete back-end the sweep's `auto` stands for (resolveBackend in backend/resolve.ts;
   * runSweep and estimateSweep pass it), so each run names, and is keyed by, the back-end that
   * computes it. Without it an `auto` sweep's runs say `auto`: only a custom run function, which
   * picks its own back-end, should see that.
   */
  backend?: ConcreteBackendName;
}

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
 * run; an `auto` back-end becomes `options.backend`. Seeds follow the paper protocol:
 * deriveSeeds(sweep seed, run) keeps split, labels and augmentation fixed per sweep and varies
 * init, order, dropout and noise per run, so run r gets the same seeds in every configuration and
 * in every sweep with the same seed.
 */
export function expandSweep(
  spec: ISweepSpec,
  options: IExpandOptions = {}
): IRunSpec[] {
  if (
    options.backend &&
    spec.backend !== 'auto' &&
    options.backend !== spec.backend
  ) {
    throw new Error(
      `expandSweep: the spec names back-end '${spec.backend}', not '${options.backend}'`
    );
  }
  const backend =
    spec.backend === 'auto' ? (options.backend ?? 'auto') : spec.backend;
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
      const content = options.contentOf?.(dataset, model);
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
              backend,
              run,
              seeds: seeds[run],
              ...(content ? { content } : {})
            };
            const pins = {
              dataset:
                typeof dataset === 'string'
                  ? options.inputs?.datasets.get(dataset)
                  : undefined,
              model: options.inputs?.models.get(model)
            };
            // Only runs that read Hub files carry (and hash) their commits and checksums.
            if (pins.dataset || pins.model) {
              base.inputs = pins;
            }
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
  return `${datasetLabel(spec.dataset)} / ${spec.model} / ${spec.tuning} / ${strategyId(
    spec.strategy
  )} #${spec.run}`;
}
