import * as tf from '@tensorflow/tfjs-core';
import type { IEncodedBatch, IForwardOptions } from '../../model/types';
import { Rng } from '../../random';
import type { ITokenisedSet, ITrainableModel } from '../types';

/** Shape of the tiny test classifier. */
export interface ITinyModelOptions {
  vocab?: number;
  dim?: number;
  numClasses: number;
  /** `full`: every tensor trains, noise on the head; `adapter`: a frozen backbone, a trainable
   *  scaling vector + head, noise on all trainable tensors (the PEFT rule). */
  mode?: 'full' | 'adapter';
  /** Seed of the frozen "pre-trained" weights (the same for every run, like a checkpoint). */
  backboneSeed?: number;
}

/**
 * A tiny classifier with the encoder's interface, for fast tests of the trainer and the
 * strategies (exported so other modules' tests can use it too): word embeddings (one-hot matmul,
 * so every back-end has its gradient) -> input-embedding hook -> dropout 0.1 -> masked mean ->
 * tanh pooler -> pooled-output hook -> head dropout -> linear head ([classes, dim], torch layout). The head (and the
 * adapter scale) come from `initRng`, like a real head.
 */
export function createTinyModel(
  options: ITinyModelOptions,
  initRng: Rng
): ITrainableModel {
  const vocab = options.vocab ?? 32;
  const dim = options.dim ?? 16;
  const numClasses = options.numClasses;
  const mode = options.mode ?? 'full';
  const bb = new Rng(options.backboneSeed ?? 1234);
  const frozen = new Map<string, tf.Tensor>();
  const initial = new Map<string, tf.Tensor>();
  const backbone: Array<[string, tf.Tensor]> = [
    [
      'embeddings.word_embeddings.weight',
      tf.tensor2d(bb.normalArray(vocab * dim, 0, 0.5), [vocab, dim])
    ],
    [
      'pooler.dense.weight',
      tf.tensor2d(bb.normalArray(dim * dim, 0, 0.3), [dim, dim])
    ],
    ['pooler.dense.bias', tf.zeros([dim])]
  ];
  for (const [n, t] of backbone) {
    (mode === 'full' ? initial : frozen).set(n, t);
  }
  if (mode === 'adapter') {
    initial.set(
      'adapter.scale',
      tf.tensor1d(initRng.normalArray(dim, 1, 0.02))
    );
  }
  initial.set(
    'classifier.weight',
    tf.tensor2d(initRng.normalArray(numClasses * dim, 0, 0.02), [
      numClasses,
      dim
    ])
  );
  initial.set('classifier.bias', tf.zeros([numClasses]));
  const trainable = new Map<string, tf.Variable>();
  for (const [n, t] of initial) {
    trainable.set(n, tf.variable(t, true));
    t.dispose();
  }
  return tinyState({ vocab, dim, numClasses, mode, frozen }, trainable);
}

interface ITinyShared {
  vocab: number;
  dim: number;
  numClasses: number;
  mode: 'full' | 'adapter';
  frozen: Map<string, tf.Tensor>;
}

function tinyState(
  shared: ITinyShared,
  trainable: Map<string, tf.Variable>
): ITrainableModel {
  const { vocab, dim, numClasses, mode, frozen } = shared;
  const get = (
    overrides: ReadonlyMap<string, tf.Tensor> | undefined,
    name: string
  ): tf.Tensor => {
    const t = overrides?.get(name) ?? trainable.get(name) ?? frozen.get(name);
    if (!t) {
      throw new Error(`tiny model: missing tensor '${name}'`);
    }
    return t;
  };
  return {
    trainable,
    numClasses,
    headWeight: 'classifier.weight',
    noiseTargets: () =>
      mode === 'full'
        ? ['classifier.weight', 'classifier.bias']
        : [...trainable.keys()],
    logits(
      batch: IEncodedBatch,
      opts: IForwardOptions,
      overrides
    ): tf.Tensor2D {
      return tf.tidy(() => {
        const [b, s] = batch.inputIds.shape;
        const onehot = tf.oneHot(tf.reshape(batch.inputIds, [b * s]), vocab);
        let emb: tf.Tensor = tf.reshape(
          tf.matMul(
            onehot,
            get(overrides, 'embeddings.word_embeddings.weight') as tf.Tensor2D
          ),
          [b, s, dim]
        );
        if (opts.inputEmbeddings) {
          emb = opts.inputEmbeddings(emb);
        }
        if (opts.training && opts.dropout) {
          emb = opts.dropout(emb, 0.1);
        }
        const mask = tf.expandDims(tf.cast(batch.attentionMask, 'float32'), 2);
        let h: tf.Tensor = tf.div(
          tf.sum(tf.mul(emb, mask), 1),
          tf.maximum(tf.sum(mask, 1), 1)
        );
        if (mode === 'adapter') {
          h = tf.mul(h, get(overrides, 'adapter.scale'));
        }
        let pooled: tf.Tensor = tf.tanh(
          tf.add(
            tf.matMul(
              h as tf.Tensor2D,
              get(overrides, 'pooler.dense.weight') as tf.Tensor2D,
              false,
              true
            ),
            get(overrides, 'pooler.dense.bias')
          )
        );
        if (opts.pooledOutput) {
          pooled = opts.pooledOutput(pooled);
        }
        const rate = opts.headDropout ?? 0.3;
        if (opts.training && opts.dropout && rate > 0) {
          pooled = opts.dropout(pooled, rate);
        }
        return tf.add(
          tf.matMul(
            pooled as tf.Tensor2D,
            get(overrides, 'classifier.weight') as tf.Tensor2D,
            false,
            true
          ),
          get(overrides, 'classifier.bias')
        ) as tf.Tensor2D;
      });
    },
    clone(): ITrainableModel {
      const copy = new Map<string, tf.Variable>();
      for (const [n, v] of trainable) {
        copy.set(n, tf.variable(v, true));
      }
      return tinyState(shared, copy);
    },
    dispose(): void {
      for (const v of trainable.values()) {
        v.dispose();
      }
      trainable.clear();
    }
  };
}

/**
 * A learnable toy set: token `c + 1` marks class c (with noise tokens around it), sequences of
 * varying length padded with 0. Deterministic in `rng`.
 */
export function makeToySet(
  rng: Rng,
  size: number,
  numClasses: number,
  seqLen = 8,
  vocab = 32
): ITokenisedSet {
  const ids = new Int32Array(size * seqLen);
  const mask = new Int32Array(size * seqLen);
  const labels = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    const y = i % numClasses;
    labels[i] = y;
    const len = 3 + rng.int(seqLen - 2);
    for (let j = 0; j < len; j++) {
      ids[i * seqLen + j] = numClasses + 1 + rng.int(vocab - numClasses - 1);
      mask[i * seqLen + j] = 1;
    }
    // a noisy marker: 80 % the true class, else a random class
    const marker = rng.uniform() < 0.8 ? y : rng.int(numClasses);
    ids[i * seqLen + rng.int(len)] = marker + 1;
  }
  return { size, seqLen, ids, mask, labels, numClasses };
}
