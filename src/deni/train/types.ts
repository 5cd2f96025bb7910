import type * as tf from '@tensorflow/tfjs-core';
import type { IEncodedBatch, IForwardOptions } from '../model/types';

/**
 * What the trainer needs from one model state prepared by a tuning method (src/deni/peft): its
 * trainable variables over a frozen backbone shared by every copy. executeRun adapts
 * `IModelState` + the encoder forward to this; tests use `createTinyModel`.
 */
export interface ITrainableModel {
  /** Trainable tensors by name; the optimiser assigns new values in place. */
  readonly trainable: Map<string, tf.Variable>;
  readonly numClasses: number;
  /** Name of the classifier weight ([classes, hidden]) mixout targets; default `classifier.weight`. */
  readonly headWeight?: string;
  /** Tensors that get DENI / weight noise: the head for full fine-tuning, all trainable for PEFT. */
  noiseTargets(): string[];
  /**
   * Logits [batch, classes]. `overrides` replace tensors of the same name for this pass only
   * (mixout's mixed head); gradients still reach the variables they were computed from.
   */
  logits(
    batch: IEncodedBatch,
    options: IForwardOptions,
    overrides?: ReadonlyMap<string, tf.Tensor>
  ): tf.Tensor2D;
  /**
   * Loss and gradients (by trainable name) of a training pass with gradient checkpointing, when
   * this model needs it to fit in memory (full fine-tuning of a BERT-base-sized model on wasm);
   * null when the ordinary pass (logits under tf.variableGrads) should be used.
   */
  checkpointedGrads?(
    batch: IEncodedBatch,
    options: IForwardOptions,
    loss: (logits: tf.Tensor2D) => tf.Scalar
  ): { value: tf.Scalar; grads: Map<string, tf.Tensor> } | null;
  /** A copy sharing the frozen backbone: only the trainable variables are duplicated. */
  clone(): ITrainableModel;
  /** Frees the trainable variables (never the shared backbone). */
  dispose(): void;
}

/**
 * A tokenised data split held as flat typed arrays: `ids` and `mask` are row-major
 * [size, seqLen] (padded with the pad id / 0), `labels` holds class indices.
 */
export interface ITokenisedSet {
  size: number;
  seqLen: number;
  ids: Int32Array;
  mask: Int32Array;
  labels: Int32Array;
  numClasses: number;
}

export type { IOptimizerConfig } from '../contract/strategy-plan';

/** Linear schedule: optional linear warm-up from 0, then linear decay to 0 at `totalSteps`. */
export interface IScheduleConfig {
  baseLr: number;
  totalSteps: number;
  warmupSteps: number;
}

/** Metrics of one evaluation. */
export interface IMetrics {
  /** Macro-F1 x 100 over all classes of the head. */
  macroF1: number;
  /** Accuracy x 100. */
  accuracy: number;
  /** F1 per class (0..1), index = class. */
  perClassF1: number[];
}
