import * as tf from '@tensorflow/tfjs-core';
import {
  activation,
  batchMatMul,
  gatherRows,
  layerNorm,
  matMulWT
} from './ops';
import type {
  IEncodedBatch,
  IEncoderConfig,
  IForwardOptions,
  IForwardOutput,
  WeightMap
} from './types';

/** Default dropout before the classifier head (PAPER.md). */
export const HEAD_DROPOUT = 0.3;

// Additive mask for padded keys; torch's finfo(float32).min, as transformers uses.
const MASK_VALUE = -3.4028234663852886e38;

/** Looks a weight up by HF name; a missing one is an error naming it. */
export function weightOf(weights: WeightMap, name: string): tf.Tensor {
  const w = weights.get(name);
  if (!w) {
    throw new Error(
      `Missing tensor '${name}' in the model weights` +
        (name.startsWith('classifier')
          ? ' (create the head with initHead)'
          : '')
    );
  }
  return w;
}

interface IContext {
  config: IEncoderConfig;
  weights: WeightMap;
  options: IForwardOptions;
}

function dropout(ctx: IContext, x: tf.Tensor, rate: number): tf.Tensor {
  if (!ctx.options.training || !ctx.options.dropout || rate <= 0) {
    return x;
  }
  return ctx.options.dropout(x, rate);
}

/** A linear module (torch layout weight [out, in] + bias) routed through the linear hook. */
function linear(ctx: IContext, module: string, x: tf.Tensor2D): tf.Tensor2D {
  const w = weightOf(ctx.weights, `${module}.weight`) as tf.Tensor2D;
  const b = weightOf(ctx.weights, `${module}.bias`);
  const base = (input: tf.Tensor): tf.Tensor =>
    tf.add(matMulWT(input as tf.Tensor2D, w), b);
  const hook = ctx.options.hooks?.linear;
  return (hook ? hook(module, x, base) : base(x)) as tf.Tensor2D;
}

function norm(ctx: IContext, module: string, x: tf.Tensor): tf.Tensor {
  return layerNorm(
    x,
    weightOf(ctx.weights, `${module}.weight`),
    weightOf(ctx.weights, `${module}.bias`),
    ctx.config.layerNormEps
  );
}

/** Position ids: 0..S-1 (BERT, ALBERT); RoBERTa counts real tokens after the padding index. */
function positionIds(
  config: IEncoderConfig,
  inputIds: tf.Tensor2D
): tf.Tensor1D {
  const [batch, seqLen] = inputIds.shape;
  if (config.architecture !== 'roberta') {
    return tf.tile(tf.range(0, seqLen, 1, 'int32'), [batch]) as tf.Tensor1D;
  }
  const real = tf.cast(tf.notEqual(inputIds, config.padTokenId), 'int32');
  const pos = tf.add(
    tf.mul(tf.cumsum(real, 1), real),
    tf.scalar(config.padTokenId, 'int32')
  );
  return tf.reshape(pos, [-1]) as tf.Tensor1D;
}

function embeddings(ctx: IContext, batch: IEncodedBatch): tf.Tensor2D {
  const { config, weights } = ctx;
  const [b, s] = batch.inputIds.shape;
  if (s > config.maxPositionEmbeddings - config.positionOffset) {
    throw new Error(
      `Sequence length ${s} exceeds the model's ${config.maxPositionEmbeddings - config.positionOffset} positions`
    );
  }
  const ids = tf.reshape(batch.inputIds, [-1]) as tf.Tensor1D;
  const types = batch.tokenTypeIds
    ? (tf.reshape(batch.tokenTypeIds, [-1]) as tf.Tensor1D)
    : (tf.zeros([b * s], 'int32') as tf.Tensor1D);
  let word = gatherRows(
    weightOf(weights, 'embeddings.word_embeddings.weight') as tf.Tensor2D,
    ids
  );
  const transform = ctx.options.inputEmbeddings;
  if (transform) {
    // The hook sees HF's inputs_embeds layout, so its statistics are per batch tensor.
    const e = config.embeddingSize;
    const out = transform(tf.reshape(word, [b, s, e]));
    if (out.shape.join() !== [b, s, e].join()) {
      throw new Error(
        `inputEmbeddings returned shape [${out.shape.join(', ')}]; it must keep [${b}, ${s}, ${e}]`
      );
    }
    word = tf.reshape(out, [b * s, e]) as tf.Tensor2D;
  }
  const pos = gatherRows(
    weightOf(weights, 'embeddings.position_embeddings.weight') as tf.Tensor2D,
    positionIds(config, batch.inputIds)
  );
  const type = gatherRows(
    weightOf(weights, 'embeddings.token_type_embeddings.weight') as tf.Tensor2D,
    types
  );
  const sum = tf.add(tf.add(word, type), pos);
  const normed = norm(ctx, 'embeddings.LayerNorm', sum);
  return dropout(ctx, normed, config.hiddenDropoutProb) as tf.Tensor2D;
}

/** Module paths of one layer; ALBERT's point into its shared layer group. */
interface ILayerNames {
  query: string;
  key: string;
  value: string;
  attnOut: string;
  attnNorm: string;
  ffnIn: string;
  ffnOut: string;
  outNorm: string;
}

/** HF module paths of layer `layer`'s sub-modules (shared ones repeat for ALBERT). */
export function layerModuleNames(
  config: IEncoderConfig,
  layer: number
): ILayerNames {
  if (config.architecture === 'albert') {
    const group = Math.floor(
      layer / (config.numHiddenLayers / config.numHiddenGroups)
    );
    const p = `encoder.albert_layer_groups.${group}.albert_layers.0`;
    return {
      query: `${p}.attention.query`,
      key: `${p}.attention.key`,
      value: `${p}.attention.value`,
      attnOut: `${p}.attention.dense`,
      attnNorm: `${p}.attention.LayerNorm`,
      ffnIn: `${p}.ffn`,
      ffnOut: `${p}.ffn_output`,
      outNorm: `${p}.full_layer_layer_norm`
    };
  }
  const p = `encoder.layer.${layer}`;
  return {
    query: `${p}.attention.self.query`,
    key: `${p}.attention.self.key`,
    value: `${p}.attention.self.value`,
    attnOut: `${p}.attention.output.dense`,
    attnNorm: `${p}.attention.output.LayerNorm`,
    ffnIn: `${p}.intermediate.dense`,
    ffnOut: `${p}.output.dense`,
    outNorm: `${p}.output.LayerNorm`
  };
}

function encoderLayer(
  ctx: IContext,
  layer: number,
  hidden: tf.Tensor2D,
  maskBias: tf.Tensor,
  b: number,
  s: number
): tf.Tensor2D {
  const { config, options } = ctx;
  const names = layerModuleNames(config, layer);
  const nh = config.numAttentionHeads;
  const hd = config.hiddenSize / nh;
  const heads = (x: tf.Tensor2D, perm: number[]): tf.Tensor =>
    tf.transpose(tf.reshape(x, [b, s, nh, hd]), perm);
  // [b, nh, s, hd] for queries and values; keys go straight to [b, nh, hd, s] (no transposed matmul).
  const q = heads(linear(ctx, names.query, hidden), [0, 2, 1, 3]);
  let kT = heads(linear(ctx, names.key, hidden), [0, 2, 3, 1]);
  let v = heads(linear(ctx, names.value, hidden), [0, 2, 1, 3]);
  let bias = maskBias;
  let keyLen = s;
  const prefix = options.hooks?.prefix?.(layer, hidden, b) ?? null;
  if (prefix) {
    const p = prefix.key.shape[2] ?? 0;
    kT = tf.concat([tf.transpose(prefix.key, [0, 1, 3, 2]), kT], 3);
    v = tf.concat([prefix.value, v], 2);
    bias = tf.concat([tf.zeros([b, 1, 1, p]), maskBias], 3);
    keyLen = s + p;
  }
  const scores = batchMatMul(
    tf.reshape(q, [b * nh, s, hd]) as tf.Tensor3D,
    tf.reshape(kT, [b * nh, hd, keyLen]) as tf.Tensor3D
  );
  const scaled = tf.add(
    tf.reshape(tf.mul(scores, 1 / Math.sqrt(hd)), [b, nh, s, keyLen]),
    bias
  );
  const probs = dropout(
    ctx,
    tf.softmax(scaled),
    config.attentionProbsDropoutProb
  );
  const context = batchMatMul(
    tf.reshape(probs, [b * nh, s, keyLen]) as tf.Tensor3D,
    tf.reshape(v, [b * nh, keyLen, hd]) as tf.Tensor3D
  );
  const merged = tf.reshape(
    tf.transpose(tf.reshape(context, [b, nh, s, hd]), [0, 2, 1, 3]),
    [b * s, config.hiddenSize]
  ) as tf.Tensor2D;
  const attnOut = dropout(
    ctx,
    linear(ctx, names.attnOut, merged),
    config.hiddenDropoutProb
  );
  const attn = norm(
    ctx,
    names.attnNorm,
    tf.add(attnOut, hidden)
  ) as tf.Tensor2D;
  const inter = activation(
    config.hiddenAct,
    linear(ctx, names.ffnIn, attn)
  ) as tf.Tensor2D;
  let ffn = dropout(
    ctx,
    linear(ctx, names.ffnOut, inter),
    config.hiddenDropoutProb
  );
  const adapter = options.hooks?.afterFeedForward;
  if (adapter) {
    ffn = adapter(layer, ffn, attn);
  }
  return norm(ctx, names.outNorm, tf.add(ffn, attn)) as tf.Tensor2D;
}

/**
 * Encoder + pooled-output classifier (PAPER.md): last hidden states, tanh(dense(first token)),
 * dropout, linear to classes. Pure function of `weights` (HF names without model prefix): tuning
 * methods change it only through `options.hooks`. Callers own the returned tensors (no tidy here,
 * so gradients can flow through).
 */
export function forward(
  config: IEncoderConfig,
  weights: WeightMap,
  batch: IEncodedBatch,
  options: IForwardOptions
): IForwardOutput {
  const ctx: IContext = { config, weights, options };
  const [b, s] = batch.inputIds.shape;
  if (
    batch.attentionMask.shape[0] !== b ||
    batch.attentionMask.shape[1] !== s
  ) {
    throw new Error(
      `attentionMask shape [${batch.attentionMask.shape.join(', ')}] does not match inputIds [${b}, ${s}]`
    );
  }
  let hidden = embeddings(ctx, batch);
  if (config.architecture === 'albert') {
    hidden = linear(ctx, 'encoder.embedding_hidden_mapping_in', hidden);
  }
  const keep = tf.cast(batch.attentionMask, 'float32');
  const maskBias = tf.reshape(tf.mul(tf.sub(1, keep), MASK_VALUE), [
    b,
    1,
    1,
    s
  ]);
  for (let layer = 0; layer < config.numHiddenLayers; layer++) {
    const input = hidden;
    hidden = tf.tidy(() => encoderLayer(ctx, layer, input, maskBias, b, s));
  }
  const lastHidden = tf.reshape(hidden, [
    b,
    s,
    config.hiddenSize
  ]) as tf.Tensor3D;
  const first = tf.reshape(
    tf.slice(lastHidden, [0, 0, 0], [b, 1, config.hiddenSize]),
    [b, config.hiddenSize]
  ) as tf.Tensor2D;
  const poolerName =
    config.architecture === 'albert' ? 'pooler' : 'pooler.dense';
  const pooled = tf.tanh(linear(ctx, poolerName, first)) as tf.Tensor2D;
  const headInput = dropout(
    ctx,
    pooled,
    options.headDropout ?? HEAD_DROPOUT
  ) as tf.Tensor2D;
  const logits = linear(ctx, 'classifier', headInput);
  return { lastHidden, pooled, logits };
}
