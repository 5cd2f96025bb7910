import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend';
import { Rng } from '../random';
import { encodeBatch } from '../text';
import { seededDropout } from '../train/dropout';
import {
  batchTensors,
  checkpointedGrads,
  forward,
  initHead,
  loadModel,
  parseConfig,
  shouldCheckpoint
} from './index';
import { fixtureModel, SENTENCES } from './testing/fixtures';

beforeAll(async () => {
  await initBackend('wasm');
});

type Result = { loss: number; grads: Map<string, Float32Array> };

// Loss and every weight gradient of one training pass with seeded dropout, either through
// tf.valueAndGrads of the forward or through the checkpointed pass.
async function pass(
  model: 'tiny-bert' | 'tiny-albert' | 'tiny-roberta',
  checkpoint: boolean
): Promise<Result> {
  const loaded = await loadModel(fixtureModel(model));
  const weights = new Map([
    ...loaded.weights,
    ...initHead(loaded.config, 3, new Rng(11), loaded.weights)
  ]);
  const batch = batchTensors(
    encodeBatch(loaded.tokenizer, SENTENCES.slice(0, 6), undefined, 16)
  );
  const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 1, 0, 2], 'int32'), 3);
  const loss = (logits: tf.Tensor2D): tf.Scalar =>
    tf.neg(
      tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), -1))
    ) as tf.Scalar;
  const names = [...weights.keys()];
  const options = { training: true, dropout: seededDropout(new Rng(5)) };
  if (checkpoint) {
    const { value, grads } = checkpointedGrads(
      loaded.config,
      weights,
      new Set(names),
      batch,
      options,
      loss
    );
    return {
      loss: value.dataSync()[0],
      grads: new Map(
        [...grads].map(([n, g]) => [n, g.dataSync() as Float32Array])
      )
    };
  }
  const { value, grads } = tf.valueAndGrads((...ws: tf.Tensor[]) =>
    loss(
      forward(
        loaded.config,
        new Map(names.map((n, i) => [n, ws[i]])),
        batch,
        options
      ).logits
    )
  )(names.map(n => weights.get(n) as tf.Tensor));
  return {
    loss: value.dataSync()[0],
    grads: new Map(
      names.map((n, i) => [n, grads[i].dataSync() as Float32Array])
    )
  };
}

describe('gradient checkpointing (layers recomputed in the backward pass)', () => {
  it.each(['tiny-bert', 'tiny-roberta', 'tiny-albert'] as const)(
    '%s: same loss and bit-identical gradients for every tensor, dropout on',
    async model => {
      const kept = await pass(model, false);
      const recomputed = await pass(model, true);
      expect(recomputed.loss).toBe(kept.loss);
      expect([...recomputed.grads.keys()].sort()).toEqual(
        [...kept.grads.keys()].sort()
      );
      for (const [name, g] of kept.grads) {
        const r = recomputed.grads.get(name) as Float32Array;
        const differing = g.findIndex((x, i) => !Object.is(x, r[i]));
        expect({ name, differing }).toEqual({ name, differing: -1 });
      }
      expect([...kept.grads.values()].some(g => g.some(x => x !== 0))).toBe(
        true
      );
    }
  );

  it('is chosen for BERT-base-sized full fine-tuning on wasm only, from 8 x 64 tokens up', () => {
    const cfg = (hidden: number, layers: number) =>
      parseConfig(
        {
          model_type: 'bert',
          hidden_size: hidden,
          num_hidden_layers: layers,
          num_attention_heads: 12,
          intermediate_size: 4 * hidden,
          vocab_size: 30522,
          max_position_embeddings: 512,
          type_vocab_size: 2
        },
        'test'
      );
    expect(shouldCheckpoint(cfg(768, 12), 110e6 * 4, 512, 64, 'wasm')).toBe(
      true
    );
    expect(shouldCheckpoint(cfg(768, 12), 110e6 * 4, 400, 50, 'wasm')).toBe(
      false
    );
    expect(shouldCheckpoint(cfg(384, 6), 22.7e6 * 4, 400, 50, 'wasm')).toBe(
      false
    );
    expect(shouldCheckpoint(cfg(768, 12), 110e6 * 4, 512, 64, 'webgpu')).toBe(
      false
    );
  });
});
