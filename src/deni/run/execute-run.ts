import * as tf from '@tensorflow/tfjs-core';
import os from 'node:os';
import { initBackend, runtimeVersions } from '../backend';
import {
  augment,
  augmentWithParaphrases,
  loadDataset,
  loadParaphraseFile,
  paperSplit,
  type IDataset,
  type IExample
} from '../data';
import { loadModel, resolveModel, type ILoadedModel } from '../model';
import { getTuningMethod } from '../peft';
import { Rng } from '../random';
import type { IRunOptions, IRunResult, IRunSpec } from '../contract/types';
import { encodeBatch, type ITokenizer } from '../text';
import {
  classificationMetrics,
  CostMeter,
  isOutOfMemory,
  OutOfMemoryError,
  type ITokenisedSet
} from '../train';
import { stateModel } from './model-adapter';
import type { IDataNeeds } from '../strategies/types';
import { getStrategy } from '../strategies/registry';
import { assertTestSamples } from '../data/split-check';
import { datasetLabel } from '../contract/labels';

/** Options of executeRun (the sweep's IRunOptions). */
export type IExecuteOptions = IRunOptions;

const models = new Map<string, Promise<ILoadedModel>>();
const datasets = new Map<string, Promise<IDataset>>();

/** Loaded checkpoints are cached per process and back-end (runs never modify a backbone). */
async function cachedModel(
  id: string,
  backend: string,
  commit?: string
): Promise<ILoadedModel> {
  // A Hub model is read at the commit the sweep resolved (its files are in the cache by then).
  const dir = await resolveModel(id, undefined, { revision: commit });
  const key = `${backend}|${dir}`;
  let p = models.get(key);
  if (!p) {
    p = loadModel(dir);
    models.set(key, p);
    p.catch(() => models.delete(key));
  }
  return p;
}

async function cachedDataset(
  spec: IRunSpec['dataset'],
  commit?: string
): Promise<IDataset> {
  const key = `${JSON.stringify(spec)}@${commit ?? ''}`;
  let p = datasets.get(key);
  if (!p) {
    p = loadDataset(spec, { revision: commit });
    datasets.set(key, p);
    p.catch(() => datasets.delete(key));
  }
  return p;
}

/** Tokenises samples (pairs are already joined by the data layer) into flat typed arrays. */
export function tokenise(
  tokenizer: ITokenizer,
  examples: IExample[],
  maxLength: number,
  numClasses: number
): ITokenisedSet {
  const enc = encodeBatch(
    tokenizer,
    examples.map(e => e.text),
    undefined,
    maxLength
  );
  return {
    size: examples.length,
    seqLen: enc.seqLen,
    ids: enc.ids,
    mask: enc.mask,
    labels: Int32Array.from(examples.map(e => e.label)),
    numClasses
  };
}

/** The data of one run, tokenised. */
export interface IRunData {
  numClasses: number;
  labels: string[];
  trainExamples: IExample[];
  testExamples: IExample[];
  train: ITokenisedSet;
  test: ITokenisedSet;
}

/**
 * A run's data: the data set (cached per process), the paper split and label budget from the
 * split and labels generators (or the whole training pool for all-data), k paraphrases per
 * labelled sample when the strategy asks (from its paraphrase file, else the WordNet substitute;
 * choices from the augment generator), tokenised to the budget's max length.
 */
export async function prepareRunData(
  spec: IRunSpec,
  needs: IDataNeeds,
  tokenizer: ITokenizer
): Promise<IRunData> {
  const dataset = await cachedDataset(
    spec.dataset,
    spec.inputs?.dataset?.commit
  );
  const numClasses = dataset.labels.length;
  const split = paperSplit(dataset, {
    splitRng: new Rng(spec.seeds.split),
    labelsRng: new Rng(spec.seeds.labels),
    samples: spec.budget.samples,
    testSamples: spec.budget.testSamples,
    allData: needs.allData,
    allDataCap: needs.allDataCap
  });
  assertTestSamples(datasetLabel(spec.dataset), dataset, split);
  const trainExamples =
    needs.augment === 0
      ? split.train
      : needs.paraphrases
        ? augmentWithParaphrases(
            split.train,
            needs.augment,
            new Rng(spec.seeds.augment),
            loadParaphraseFile(needs.paraphrases),
            needs.paraphrases
          )
        : augment(split.train, needs.augment, new Rng(spec.seeds.augment));
  const maxLength = spec.budget.maxLength;
  return {
    numClasses,
    labels: dataset.labels,
    trainExamples,
    testExamples: split.test,
    train: tokenise(tokenizer, trainExamples, maxLength, numClasses),
    test: tokenise(tokenizer, split.test, maxLength, numClasses)
  };
}

function describe(spec: IRunSpec): string {
  return (
    `run ${spec.run} of sweep '${spec.sweep}' (model ${spec.model}, tuning ${spec.tuning}, ` +
    `strategy ${spec.strategy.name}${spec.strategy.params ? ` ${JSON.stringify(spec.strategy.params)}` : ''}, ` +
    `batch ${spec.budget.batchSize}, max length ${spec.budget.maxLength}, samples ${spec.budget.samples}, ` +
    `back-end ${spec.backend})`
  );
}

/**
 * Executes one RunSpec end to end: back-end, model (cached per process), data set + paper split
 * and label budget (split/labels generators), the strategy's data needs (augmentation from the
 * augment generator, all-data), tokenisation, the tuning method's model state (init generator),
 * the strategy, and evaluation on the test split. The same spec gives bit-identical predictions
 * in any process on the same back-end.
 */
export async function executeRun(
  spec: IRunSpec,
  opts: IExecuteOptions = {}
): Promise<IRunResult> {
  const startedAt = new Date().toISOString();
  const strategy = getStrategy(spec.strategy.name);
  const overrides = spec.strategy.params;
  strategy.resolveParams(overrides);
  const needs = strategy.dataNeeds(overrides);
  const method = getTuningMethod(spec.tuning);
  let backend;
  try {
    backend = await initBackend(spec.backend);
  } catch (e) {
    // The run's key names its back-end (a sweep's `auto` is resolved where it starts): a machine
    // that cannot start it fails the run, saying which machine, and never runs it on another.
    throw new Error(
      `worker on ${os.hostname()}: ${e instanceof Error ? e.message : String(e)}`
    );
  }
  try {
    const loaded = await cachedModel(
      spec.model,
      backend.name,
      spec.inputs?.model?.commit
    );
    const data = await prepareRunData(spec, needs, loaded.tokenizer);
    const { train, test, numClasses } = data;
    // Timed from here: loading a checkpoint or data set (cached or not) is not the strategy's cost.
    const meter = new CostMeter();
    const learningRate =
      spec.budget.learningRate ??
      method.paperLearningRate(loaded.config.architecture);
    const outcome = await strategy.run({
      params: overrides,
      train,
      test,
      samples: spec.budget.samples,
      epochs: spec.budget.epochs,
      batchSize: spec.budget.batchSize,
      learningRate,
      seeds: spec.seeds,
      createModel: initRng =>
        stateModel(
          method.prepare(loaded.config, loaded.weights, numClasses, initRng)
        ),
      meter,
      onProgress: (step, totalSteps) =>
        opts.onProgress?.({ step, totalSteps, phase: spec.strategy.name }),
      signal: opts.signal
    });
    const metrics = classificationMetrics(
      test.labels,
      outcome.predictions,
      numClasses
    );
    return {
      key: spec.key,
      spec,
      macroF1: metrics.macroF1,
      accuracy: metrics.accuracy,
      perClassF1: metrics.perClassF1,
      predictions: outcome.predictions,
      cost: meter.snapshot(),
      backend: backend.name,
      versions: {
        node: process.versions.node,
        'tfjs-core': tf.version_core,
        // back-end, threads, and on native TensorFlow its version, package and device
        ...runtimeVersions(),
        model: loaded.dir,
        architecture: loaded.config.architecture
      },
      host: os.hostname(),
      startedAt,
      finishedAt: new Date().toISOString(),
      events: outcome.events
    };
  } catch (e) {
    if (e instanceof OutOfMemoryError) {
      throw new OutOfMemoryError(`${describe(spec)}: ${e.config}`, e.cause);
    }
    if (isOutOfMemory(e)) {
      throw new OutOfMemoryError(describe(spec), e);
    }
    throw e;
  }
}
