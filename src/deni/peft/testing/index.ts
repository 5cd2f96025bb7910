import * as tf from '@tensorflow/tfjs-core';
import { expectedShapes, parseConfig } from '../../model';
import type {
  Architecture,
  IEncoderConfig,
  WeightMap
} from '../../model/types';
import { Rng } from '../../random';

/**
 * Test helpers (used by the *.test.ts files of this folder only): tiny encoder configs of each
 * architecture as Hugging Face config.json objects, and random backbones of exactly the shapes
 * the encoder reads.
 */
export function tinyConfig(architecture: Architecture): IEncoderConfig {
  const common = {
    hidden_size: 16,
    num_attention_heads: 2,
    intermediate_size: 32,
    vocab_size: 40,
    max_position_embeddings: 40,
    hidden_dropout_prob: 0.1,
    attention_probs_dropout_prob: 0.1
  };
  if (architecture === 'albert') {
    return parseConfig({
      ...common,
      model_type: 'albert',
      embedding_size: 8,
      num_hidden_layers: 3,
      hidden_act: 'gelu_new',
      pad_token_id: 0
    });
  }
  return parseConfig({
    ...common,
    model_type: architecture,
    num_hidden_layers: 2,
    hidden_act: 'gelu',
    pad_token_id: architecture === 'roberta' ? 1 : 0,
    type_vocab_size: architecture === 'roberta' ? 1 : 2
  });
}

/** A random backbone (N(0, 0.1) weights, N(1, 0.1) LayerNorm scales) for `config`. */
export function randomBackbone(config: IEncoderConfig, seed = 7): WeightMap {
  const rng = new Rng(seed);
  const out: WeightMap = new Map();
  for (const [name, shape] of expectedShapes(config)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const isNormScale = /(LayerNorm|layer_norm)\.weight$/.test(name);
    out.set(
      name,
      tf.tensor(rng.normalArray(n, isNormScale ? 1 : 0, 0.1), shape)
    );
  }
  return out;
}

/** Two sequences of length 6, the second padded after 4 tokens. */
export function tinyBatch(config: IEncoderConfig): {
  inputIds: tf.Tensor2D;
  attentionMask: tf.Tensor2D;
} {
  const pad = config.padTokenId;
  return {
    inputIds: tf.tensor2d(
      [
        [3, 7, 11, 5, 9, 4],
        [3, 12, 8, 4, pad, pad]
      ],
      [2, 6],
      'int32'
    ),
    attentionMask: tf.tensor2d(
      [
        [1, 1, 1, 1, 1, 1],
        [1, 1, 1, 1, 0, 0]
      ],
      [2, 6],
      'int32'
    )
  };
}
