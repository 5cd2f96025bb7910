import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../backend';
import { loadModel, resolveModel } from '../model';
import { getTuningMethod } from '../peft';
import { Rng } from '../random';
import { stateModel } from '../run/model-adapter';
import type { BackendName, TuningMethodName } from '../contract/types';
import {
  ADAM_DEFAULTS,
  disposeBatch,
  makeBatch,
  predict,
  TrainingMember,
  type ITokenisedSet
} from '../train';

/** One measurement: what a step costs for (model, back-end, tuning, batch, lengths, threads). */
export interface IStepTimeRequest {
  model: string;
  backend: BackendName;
  tuning: TuningMethodName;
  batchSize: number;
  /** Tokens per training row (the effective length, rounded up). */
  seqLen: number;
  /** Tokens per evaluation row. */
  evalSeqLen: number;
  /** Timed optimiser steps after the warm-up (default 10). */
  steps?: number;
}

/** Measured costs, seconds. */
export interface IStepTime {
  /** Median seconds of one optimiser step of one model. */
  stepSeconds: number;
  /** Seconds per test sample of evaluation (forward only, batches of 32). */
  evalSecondsPerSample: number;
  /** Seconds to create one model's trainable state (head, adapters, optimiser). */
  modelSetupSeconds: number;
  /** Seconds a worker spends once: process start, modules, back-end start and checkpoint load. */
  startupSeconds: number;
  /** The back-end that ran (after fallbacks). */
  backend: string;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** A tokenised set of `rows` full-length rows of ordinary word pieces (content does not matter). */
function syntheticSet(
  rows: number,
  seqLen: number,
  vocab: number,
  classes: number
): ITokenisedSet {
  const ids = new Int32Array(rows * seqLen);
  const rng = new Rng(7);
  for (let i = 0; i < ids.length; i++) {
    ids[i] = 1000 + rng.int(Math.max(1, vocab - 1000));
  }
  return {
    size: rows,
    seqLen,
    ids,
    mask: new Int32Array(rows * seqLen).fill(1),
    labels: Int32Array.from({ length: rows }, (_, i) => i % classes),
    numClasses: classes
  };
}

const now = (): number => performance.now() / 1000;

/**
 * Measures, in this process (whose wasm threads the caller has set), the time of the pieces a run
 * is made of: back-end start and checkpoint load, one model's trainable state, optimiser steps
 * (2 warm-up steps not counted, then the median of `steps`), and evaluation per sample. The data
 * is synthetic at the requested lengths: step time depends on shapes, not on the tokens.
 */
export async function measureStepTime(
  req: IStepTimeRequest
): Promise<IStepTime> {
  const backend = await initBackend(req.backend);
  const loaded = await loadModel(await resolveModel(req.model));
  // From the process's own start: a sweep worker pays for Node, the module graph and tfjs too.
  const startupSeconds = process.uptime();
  const method = getTuningMethod(req.tuning);
  const classes = 2;
  const t1 = now();
  const member = new TrainingMember(
    stateModel(
      method.prepare(loaded.config, loaded.weights, classes, new Rng(1))
    ),
    ADAM_DEFAULTS,
    new Rng(2),
    req.tuning
  );
  const modelSetupSeconds = now() - t1;
  const train = syntheticSet(
    req.batchSize,
    req.seqLen,
    loaded.config.vocabSize,
    classes
  );
  const rows = Array.from({ length: req.batchSize }, (_, i) => i);
  const steps = req.steps ?? 10;
  const times: number[] = [];
  for (let s = 0; s < steps + 2; s++) {
    const b = makeBatch(train, rows);
    const ts = now();
    await member.step(b.batch, b.labels, 1e-5, {
      step: s + 1,
      strategy: 'step-time'
    });
    if (s >= 2) {
      times.push(now() - ts);
    }
    disposeBatch(b);
  }
  const evalRows = 64;
  const test = syntheticSet(
    evalRows,
    req.evalSeqLen,
    loaded.config.vocabSize,
    classes
  );
  await predict(member.model, subsetOf(test, 32), { batchSize: 32 });
  const te = now();
  await predict(member.model, test, { batchSize: 32 });
  const evalSecondsPerSample = (now() - te) / evalRows;
  member.dispose();
  tf.disposeVariables();
  return {
    stepSeconds: median(times),
    ...(process.env.DENI_STEP_TIME_DEBUG ? { times } : {}),
    evalSecondsPerSample,
    modelSetupSeconds,
    startupSeconds,
    backend: backend.name
  };
}

function subsetOf(set: ITokenisedSet, rows: number): ITokenisedSet {
  return {
    ...set,
    size: rows,
    ids: set.ids.subarray(0, rows * set.seqLen),
    mask: set.mask.subarray(0, rows * set.seqLen),
    labels: set.labels.subarray(0, rows)
  };
}
