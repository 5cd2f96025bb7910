import { deriveSeeds, hashToUint32, Rng } from '../random';
import type {
  IRunResult,
  IStrategyEntry,
  TuningMethodName
} from '../contract/types';

/** Options of syntheticResults. */
export interface ISyntheticOptions {
  sweep?: string;
  datasets?: { name: string; classes: number }[];
  models?: string[];
  tunings?: TuningMethodName[];
  strategies?: IStrategyEntry[];
  runs?: number;
  seed?: number;
}

/**
 * Made-up run results with the shape of real ones, for tests and demos of the report only (the
 * plugin and kernel tests render them). Each strategy gets its own mean, spread and step cost,
 * with occasional failed runs at chance level, drawn from seeded generators so the same options
 * give the same results. Never use them as measurements.
 */
export function syntheticResults(
  options: ISyntheticOptions = {}
): IRunResult[] {
  const sweep = options.sweep ?? 'synthetic';
  const datasets = options.datasets ?? [
    { name: 'sst2', classes: 2 },
    { name: 'trec', classes: 6 }
  ];
  const models = options.models ?? ['minilm-l6'];
  const tunings = options.tunings ?? ['full'];
  const strategies = options.strategies ?? [
    { name: 'default' },
    { name: 'ensemble' },
    { name: 'deni' }
  ];
  const runs = options.runs ?? 10;
  const seed = options.seed ?? 0;
  const profile: Record<
    string,
    { gain: number; spread: number; steps: number; passes: number }
  > = {
    default: { gain: 0, spread: 2.5, steps: 1, passes: 1 },
    ensemble: { gain: 1.5, spread: 0.8, steps: 10, passes: 10 },
    deni: { gain: 2, spread: 0.7, steps: 3.7, passes: 10 },
    de: { gain: 1, spread: 1.2, steps: 1.9, passes: 10 },
    ni: { gain: 1, spread: 1.6, steps: 2.8, passes: 1 },
    swa: { gain: 0.5, spread: 2, steps: 1, passes: 1 }
  };
  const out: IRunResult[] = [];
  for (const ds of datasets) {
    for (const model of models) {
      for (const tuning of tunings) {
        for (const strategy of strategies) {
          const p = profile[strategy.name] ?? {
            gain: 0.3,
            spread: 2,
            steps: 1.2,
            passes: 1
          };
          const base =
            60 + (hashToUint32(`${ds.name}/${model}/${tuning}`) % 30);
          const steps = 1250;
          for (let run = 0; run < runs; run++) {
            const rng = new Rng(
              hashToUint32(
                `synthetic/${seed}/${ds.name}/${model}/${tuning}/${JSON.stringify(strategy)}/${run}`
              )
            );
            const failed = strategy.name === 'default' && rng.uniform() < 0.1;
            const f1 = failed
              ? (100 / ds.classes) * rng.uniform()
              : Math.min(
                  100,
                  Math.max(0, base + p.gain + p.spread * rng.normal())
                );
            const key = `syn-${hashToUint32(`${sweep}/${ds.name}/${model}/${tuning}/${JSON.stringify(strategy)}/${run}`).toString(16)}`;
            out.push({
              key,
              spec: {
                key,
                sweep,
                dataset: ds.name,
                model,
                tuning,
                strategy,
                budget: {
                  samples: 1000,
                  epochs: 10,
                  batchSize: 8,
                  maxLength: 50
                },
                backend: 'wasm',
                run,
                seeds: deriveSeeds(seed, run)
              },
              macroF1: f1,
              accuracy: Math.min(100, f1 + 1),
              perClassF1: Array.from({ length: ds.classes }, () => f1 / 100),
              predictions: [],
              cost: {
                modelSteps: Math.round(steps * p.steps),
                testForwardPasses: 500 * p.passes,
                wallSeconds: 30 * p.steps * (1 + 0.05 * rng.uniform()),
                peakTensorBytes: 90e6 * (p.passes > 1 ? 2 : 1),
                peakRssBytes: 400e6
              },
              backend: 'wasm',
              versions: { deni: '0.1.0' },
              host: 'synthetic',
              startedAt: '2026-01-01T00:00:00.000Z',
              finishedAt: '2026-01-01T00:00:30.000Z'
            });
          }
        }
      }
    }
  }
  return out;
}

/** Fields of one made-up result (see syntheticResult). */
export interface ISyntheticRun {
  dataset?: string;
  model?: string;
  tuning?: TuningMethodName;
  strategy?: string | IStrategyEntry;
  run?: number;
  macroF1: number;
  classes?: number;
  modelSteps?: number;
  testForwardPasses?: number;
  wallSeconds?: number;
  peakTensorBytes?: number;
  peakRssBytes?: number;
  sweep?: string;
}

/** One made-up result with the given numbers, for tests (see syntheticResults). */
export function syntheticResult(fields: ISyntheticRun): IRunResult {
  const strategy: IStrategyEntry =
    typeof fields.strategy === 'object'
      ? fields.strategy
      : { name: (fields.strategy ?? 'default') as IStrategyEntry['name'] };
  const dataset = fields.dataset ?? 'sst2';
  const model = fields.model ?? 'minilm-l6';
  const tuning = fields.tuning ?? 'full';
  const run = fields.run ?? 0;
  const sweep = fields.sweep ?? 'synthetic';
  const classes = fields.classes ?? 2;
  const key = `syn-${hashToUint32(
    JSON.stringify([sweep, dataset, model, tuning, strategy, run])
  ).toString(16)}`;
  return {
    key,
    spec: {
      key,
      sweep,
      dataset,
      model,
      tuning,
      strategy,
      budget: { samples: 1000, epochs: 10, batchSize: 8, maxLength: 50 },
      backend: 'cpu',
      run,
      seeds: deriveSeeds(0, run)
    },
    macroF1: fields.macroF1,
    accuracy: fields.macroF1,
    perClassF1: Array.from({ length: classes }, () => fields.macroF1 / 100),
    predictions: [],
    cost: {
      modelSteps: fields.modelSteps ?? 100,
      testForwardPasses: fields.testForwardPasses ?? 10,
      wallSeconds: fields.wallSeconds ?? 1,
      peakTensorBytes: fields.peakTensorBytes ?? 1024,
      peakRssBytes: fields.peakRssBytes ?? 2048
    },
    backend: 'cpu',
    versions: {},
    host: 'synthetic',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:01.000Z'
  };
}

/** Made-up results of one group: one per value, run indices 0, 1, ... */
export function syntheticGroup(
  values: readonly number[],
  fields: Omit<ISyntheticRun, 'macroF1' | 'run'> = {}
): IRunResult[] {
  return values.map((macroF1, run) =>
    syntheticResult({ ...fields, macroF1, run })
  );
}
