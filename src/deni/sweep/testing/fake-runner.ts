/**
 * A deterministic stand-in for the trainer, for tests of executors, resume and Redis only (the
 * product path runs src/deni/train executeRun). Its scores are a pure function of the run key, its
 * cost a pure function of the budget, so exports of interrupted and uninterrupted sweeps compare
 * byte for byte. Environment knobs: DENI_FAKE_DELAY_MS (time per run, in 10 steps),
 * DENI_FAKE_MARK_DIR (writes `<pid>-<key>.start` when a run starts). A strategy param
 * `fakeFail: true` makes the run throw.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashToUint32, Rng } from '../../random';
import type { IRunOptions, IRunResult, IRunSpec } from '../../contract/types';

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(Object.assign(new Error('run aborted'), { name: 'AbortError' }));
      return;
    }
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(Object.assign(new Error('run aborted'), { name: 'AbortError' }));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Deterministic fake run (see the file comment). */
export async function runOne(
  spec: IRunSpec,
  options: IRunOptions = {}
): Promise<IRunResult> {
  const startedAt = new Date().toISOString();
  const markDir = process.env.DENI_FAKE_MARK_DIR;
  if (markDir) {
    writeFileSync(path.join(markDir, `${process.pid}-${spec.key}.start`), '');
  }
  const delay = Number(process.env.DENI_FAKE_DELAY_MS ?? '0');
  const steps = 10;
  for (let s = 1; s <= steps; s++) {
    if (delay > 0) {
      await sleep(delay / steps, options.signal);
    } else if (options.signal?.aborted) {
      throw Object.assign(new Error('run aborted'), { name: 'AbortError' });
    }
    options.onProgress?.({ step: s, totalSteps: steps, phase: 'train' });
  }
  if (spec.strategy.params?.fakeFail === true) {
    throw new Error(`fake failure of run ${spec.run}`);
  }
  const u = hashToUint32(spec.key) / 2 ** 32;
  const rng = new Rng(spec.seeds.init);
  const predictions = Array.from({ length: 8 }, () => rng.int(2));
  const stepsPerEpoch = Math.ceil(spec.budget.samples / spec.budget.batchSize);
  const members = spec.strategy.name === 'ensemble' ? 10 : 1;
  const modelSteps = spec.budget.epochs * stepsPerEpoch * members;
  return {
    key: spec.key,
    spec,
    macroF1: Math.round((40 + 50 * u) * 1e6) / 1e6,
    accuracy: Math.round((45 + 50 * u) * 1e6) / 1e6,
    perClassF1: [u * 100, (1 - u) * 100],
    predictions,
    cost: {
      modelSteps,
      testForwardPasses: 8 * members,
      wallSeconds: modelSteps / 1000,
      peakTensorBytes: 0,
      peakRssBytes: 0
    },
    backend: 'fake',
    versions: { fake: '1' },
    host: os.hostname(),
    startedAt,
    finishedAt: new Date().toISOString()
  };
}
