import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend';
import { Rng } from '../random';
import { encodeBatch } from '../text';
import { batchTensors, forward, initHead, loadModel } from './index';
import { fixtureModel, maxAbsDiff, SENTENCES } from './testing/fixtures';

beforeAll(async () => {
  await initBackend('wasm');
});

const WORD = 'embeddings.word_embeddings.weight';

// ALBERT's factorised embeddings (embeddingSize < hiddenSize) check the hook sees the lookup
// itself, before the embedding-to-hidden mapping.
describe.each(['tiny-bert', 'tiny-albert'] as const)(
  'IForwardOptions.inputEmbeddings on %s',
  name => {
    it('receives the word-embedding lookup [batch, seqLen, emb] and its output replaces it', async () => {
      const model = await loadModel(fixtureModel(name));
      const { config } = model;
      const weights = new Map([
        ...model.weights,
        ...initHead(config, 3, new Rng(5), model.weights)
      ]);
      const batch = batchTensors(
        encodeBatch(model.tokenizer, SENTENCES.slice(0, 3), undefined, 12)
      );
      // A per-dimension shift (a constant one would vanish in the embedding LayerNorm).
      const shift = tf.linspace(-1, 1, config.embeddingSize);
      const seen: number[][] = [];
      const hooked = forward(config, weights, batch, {
        training: false,
        inputEmbeddings: x => {
          seen.push(x.shape);
          return tf.add(x, shift);
        }
      }).logits;
      expect(seen).toEqual([[3, 12, config.embeddingSize]]);
      // Shifting every looked-up row is the same as shifting every row of the table.
      const shifted = new Map(weights);
      shifted.set(WORD, tf.add(weights.get(WORD)!, shift));
      const expected = forward(config, shifted, batch, {
        training: false
      }).logits;
      const plain = forward(config, weights, batch, { training: false }).logits;
      expect(maxAbsDiff(hooked.dataSync(), expected.dataSync())).toBeLessThan(
        1e-5
      );
      // ... and the hook really changed the output (the comparison is not vacuous).
      expect(maxAbsDiff(hooked.dataSync(), plain.dataSync())).toBeGreaterThan(
        1e-3
      );
      expect(() =>
        forward(config, weights, batch, {
          training: false,
          inputEmbeddings: x => tf.reshape(x, [-1])
        })
      ).toThrow(
        /inputEmbeddings returned shape \[\d+\]; it must keep \[3, 12, \d+\]/
      );
    });
  }
);
