import * as tf from '@tensorflow/tfjs-core';
// Gradient kernels are registered by the vendored bundle (tfjs-core's Node entry has none, and its
// dist/register_all_gradients.js is extension-less ESM that Node cannot load from dist/*.mjs).
import { ensureGradients } from '../backend/gradients';
import type { IEncodedBatch, IForwardOptions } from '../model/types';
import type { Rng } from '../random';
import { disposeBatch, makeBatch, sequentialBatches } from './batches';
import type { CostMeter } from './cost-meter';
import { seededDropout } from './dropout';
import { NonFiniteLossError } from './errors';
import { AdamOptimizer } from './optimizer';
import type { IOptimizerConfig, ITokenisedSet, ITrainableModel } from './types';

ensureGradients();

/** Per-step changes a strategy makes to the forward pass. */
export interface IStepExtras {
  /** Dropout before the head (PAPER.md 0.3; mixout 0). Absent = the model's default (0.3). */
  headDropout?: number;
  /**
   * Tensors replacing trainable ones for this pass (mixout), computed inside the differentiated
   * function from the current variables.
   */
  overrides?: (
    trainable: ReadonlyMap<string, tf.Variable>
  ) => Map<string, tf.Tensor>;
  /** Transforms the word embeddings (input noise, variant `embeddings`). */
  inputEmbeddings?: (embeddings: tf.Tensor) => tf.Tensor;
  /** Transforms the pooled output before the head (input noise as the authors ran it). */
  pooledOutput?: (pooled: tf.Tensor) => tf.Tensor;
  /**
   * Only the classifier (`classifier.*`) is differentiated and updated on this step: the encoder
   * runs without gradients (the authors' input noise), and its tensors keep their Adam state.
   */
  headOnly?: boolean;
}

/** The classifier's tensors: what a head-only step trains. */
export function isClassifierTensor(name: string): boolean {
  return name.startsWith('classifier.');
}

/** Mean softmax cross-entropy of logits [batch, classes] against int labels [batch]. */
export function crossEntropy(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D
): tf.Scalar {
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits);
    const onehot = tf.oneHot(labels, logits.shape[1]);
    return tf.neg(tf.mean(tf.sum(tf.mul(onehot, logp), 1))) as tf.Scalar;
  });
}

/**
 * One trained model of a run: a model state (its own trainable variables over the shared
 * backbone), its optimiser state and its dropout stream. DENI's copies and ensemble members are
 * members too; a copy gets a fresh optimiser, the original keeps its own.
 */
export class TrainingMember {
  readonly optimizer: AdamOptimizer;
  private readonly dropout: (x: tf.Tensor, rate: number) => tf.Tensor;

  constructor(
    readonly model: ITrainableModel,
    optimizerConfig: IOptimizerConfig,
    readonly dropoutRng: Rng,
    readonly label = 'main'
  ) {
    this.optimizer = new AdamOptimizer(optimizerConfig);
    this.dropout = seededDropout(dropoutRng);
  }

  /** A copy of this member's current weights with a fresh optimiser and its own dropout stream. */
  copy(
    optimizerConfig: IOptimizerConfig,
    dropoutRng: Rng,
    label: string
  ): TrainingMember {
    return new TrainingMember(
      this.model.clone(),
      optimizerConfig,
      dropoutRng,
      label
    );
  }

  /**
   * One optimiser step on a batch; returns the loss. A NaN/inf loss throws NonFiniteLossError
   * (naming step, learning rate and strategy) before the weights change.
   */
  async step(
    batch: IEncodedBatch,
    labels: tf.Tensor1D,
    lr: number,
    context: { step: number; strategy: string; sample?: () => void },
    extras: IStepExtras = {}
  ): Promise<number> {
    const all = this.model.trainable;
    const trainable = extras.headOnly
      ? new Map([...all].filter(([name]) => isClassifierTensor(name)))
      : all;
    if (trainable.size === 0) {
      throw new Error(
        `a head-only step needs classifier.* tensors among the trainable ones (${[...all.keys()].join(', ')})`
      );
    }
    const vars = [...trainable.values()];
    const options: IForwardOptions = {
      training: true,
      dropout: this.dropout,
      headDropout: extras.headDropout,
      inputEmbeddings: extras.inputEmbeddings,
      pooledOutput: extras.pooledOutput
    };
    const f = (): tf.Scalar => {
      const overrides = extras.overrides ? extras.overrides(all) : undefined;
      return crossEntropy(this.model.logits(batch, options, overrides), labels);
    };
    const { value, grads } = this.gradients(
      batch,
      labels,
      options,
      extras.overrides !== undefined || extras.headOnly === true,
      f,
      vars
    );
    // Gradients are alive now: the step's high-water mark for the cost meter.
    context.sample?.();
    const loss = (await value.data())[0];
    value.dispose();
    const gradMap = new Map<string, tf.Tensor>();
    for (const [name, v] of trainable) {
      const g = grads[v.name];
      if (!g) {
        tf.dispose(grads);
        throw new Error(
          `no gradient reached trainable tensor '${name}': the forward pass does not use it`
        );
      }
      gradMap.set(name, g);
    }
    if (!Number.isFinite(loss)) {
      tf.dispose(grads);
      throw new NonFiniteLossError(
        context.step,
        lr,
        context.strategy,
        loss,
        this.label
      );
    }
    this.optimizer.step(trainable, gradMap, lr);
    tf.dispose(grads);
    return loss;
  }

  // Loss and gradients by variable name: the model's checkpointed pass where it needs one to fit
  // in memory (only without per-pass overrides), else tf.variableGrads of the ordinary pass.
  private gradients(
    batch: IEncodedBatch,
    labels: tf.Tensor1D,
    options: IForwardOptions,
    hasOverrides: boolean,
    f: () => tf.Scalar,
    vars: tf.Variable[]
  ): { value: tf.Scalar; grads: tf.NamedTensorMap } {
    const checkpointed = hasOverrides
      ? null
      : (this.model.checkpointedGrads?.(batch, options, logits =>
          crossEntropy(logits, labels)
        ) ?? null);
    if (!checkpointed) {
      return tf.variableGrads(f, vars);
    }
    // Keyed like tf.variableGrads: by variable name.
    const grads: tf.NamedTensorMap = {};
    for (const [name, v] of this.model.trainable) {
      const g = checkpointed.grads.get(name);
      if (g) {
        grads[v.name] = g;
      }
    }
    return { value: checkpointed.value, grads };
  }

  /** Frees the member's trainable variables and optimiser state. */
  dispose(): void {
    this.model.dispose();
    this.optimizer.dispose();
  }
}

/**
 * Class predictions (argmax) of a model over a whole set, in batches, in set order; counts the
 * forward passes on the meter.
 */
export async function predict(
  model: ITrainableModel,
  set: ITokenisedSet,
  options: { batchSize?: number; meter?: CostMeter } = {}
): Promise<Int32Array> {
  const batchSize = options.batchSize ?? 32;
  const out = new Int32Array(set.size);
  let offset = 0;
  for (const rows of sequentialBatches(set.size, batchSize)) {
    const b = makeBatch(set, rows);
    const arg = tf.tidy(() =>
      tf.argMax(model.logits(b.batch, { training: false }), 1)
    );
    const values = await arg.data();
    arg.dispose();
    disposeBatch(b);
    out.set(values as Int32Array, offset);
    offset += rows.length;
    options.meter?.addTestPasses(rows.length);
    options.meter?.sample();
  }
  return out;
}
