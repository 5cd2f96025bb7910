// The training step the engine benchmarks time: full fine-tuning through the engine's own
// TrainingMember (forward, backward, our Adam), every dropout off as on the PyTorch side.
// Shared by engine-step.ts, profile-step.ts and gpu/gpu-check.ts.
import * as tf from '@tensorflow/tfjs-core';
import {
  batchTensors,
  loadModel,
  resolveModel,
  type IEncodedBatch,
  type IEncoderConfig,
  type WeightMap
} from '../src/deni/model';
import { getTuningMethod } from '../src/deni/peft';
import { Rng } from '../src/deni/random';
import { stateModel } from '../src/deni/run/model-adapter';
import type { TuningMethodName } from '../src/deni/contract/types';
import { encodeBatch } from '../src/deni/text';
import { ADAM_DEFAULTS, TrainingMember } from '../src/deni/train';

const TEXTS = [
  'the film is a charming and often affecting journey through the lives of ordinary people who find themselves',
  'an utterly forgettable exercise in tedium that never once manages to justify its own running time',
  'a gripping thriller with sharp dialogue, strong performances and a final twist nobody will see coming',
  'it is hard to imagine a more tiresome collection of clichés, stock characters and limp jokes',
  'beautifully shot, thoughtfully paced and anchored by a lead performance of remarkable restraint',
  'neither funny enough to be a comedy nor sharp enough to be a satire, it simply drifts along',
  'one of the most inventive animated features in years, full of wit, warmth and visual invention',
  'the sequel repeats every mistake of the original and adds a few new ones of its own for good measure'
];

/** Everything a benchmark needs to time one step of ours and hand the same batch to PyTorch. */
export interface IPreparedStep {
  dir: string;
  config: IEncoderConfig;
  enc: { ids: Int32Array; mask: Int32Array };
  labels: number[];
  batchSize: number;
  seqLen: number;
  /** Runs one optimiser step; resolves to its wall time in ms. */
  ourStep(): Promise<number>;
}

/** Loads `modelName` and builds the benchmark's training member (the back-end must be started). */
export async function prepareStep(modelName: string): Promise<IPreparedStep> {
  const dir = await resolveModel(modelName);
  const model = await loadModel(dir);
  const { config } = model;
  const batchSize = 8;
  const seqLen = 50;
  const enc = encodeBatch(model.tokenizer, TEXTS, undefined, seqLen);
  const batch = batchTensors(enc);
  const labels = [0, 1, 0, 1, 0, 1, 0, 1];
  const { step } = makeEngineStep(config, model.weights, batch, labels, 2);
  const ourStep = async (): Promise<number> => (await step()).ms;
  return { dir, config, enc, labels, batchSize, seqLen, ourStep };
}

/** One timed optimiser step of the engine: wall ms and the loss before the update. */
export interface IEngineStep {
  step(): Promise<{ ms: number; loss: number }>;
  /** Trainable parameters (backbone + head). */
  parameters: number;
  /** Frees the trainable copy and the optimiser state. */
  dispose(): void;
}

/**
 * The engine's fine-tuning step on `batch` (labels as class ids) for a backbone, with a seeded
 * classifier head, Adam at lr 1e-5 and every dropout off; `tuning` defaults to full.
 */
export function makeEngineStep(
  config: IEncoderConfig,
  backbone: WeightMap,
  batch: IEncodedBatch,
  labels: number[],
  classes: number,
  tuning: TuningMethodName = 'full'
): IEngineStep {
  const labelTensor = tf.tensor1d(labels, 'int32');
  const member = new TrainingMember(
    stateModel(
      getTuningMethod(tuning).prepare(
        { ...config, hiddenDropoutProb: 0, attentionProbsDropoutProb: 0 },
        backbone,
        classes,
        new Rng(1)
      )
    ),
    ADAM_DEFAULTS,
    new Rng(2)
  );
  let stepNo = 0;
  let parameters = 0;
  for (const v of member.model.trainable.values()) {
    parameters += v.size;
  }
  return {
    parameters,
    async step() {
      const t0 = performance.now();
      stepNo += 1;
      const loss = await member.step(
        batch,
        labelTensor,
        1e-5,
        { step: stepNo, strategy: 'bench' },
        { headDropout: 0 }
      );
      // A fence: in async eager mode the optimiser's ops may still be queued when the loss is
      // read; an op queued after them and read back waits for all of them, so the step's time
      // includes its whole work and none of it spills into the reference's turn.
      const fence = tf.tidy(() => tf.add(tf.scalar(0), tf.scalar(1)));
      await fence.data();
      fence.dispose();
      return { ms: performance.now() - t0, loss };
    },
    dispose() {
      member.dispose();
      labelTensor.dispose();
    }
  };
}
