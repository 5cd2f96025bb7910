import * as tf from '@tensorflow/tfjs-core';
import { hasWasmKernels } from '../backend/wasm-kernels';
import { headContext, headScores } from './head-products';
import {
  activation,
  addBias,
  batchMatMul,
  feedForwardGelu,
  gatherRows,
  isTrainable,
  layerNorm,
  matMulWT,
  softmax,
  transpose2d
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

/**
 * A linear module (torch layout weight [out, in] + bias) routed through the linear hook. `xT`
 * (x transposed) is shared by the modules reading the same x (see matMulWT).
 */
function linear(
  ctx: IContext,
  module: string,
  x: tf.Tensor2D,
  xT?: tf.Tensor2D
): tf.Tensor2D {
  const w = weightOf(ctx.weights, `${module}.weight`) as tf.Tensor2D;
  const b = weightOf(ctx.weights, `${module}.bias`);
  const base = (input: tf.Tensor): tf.Tensor =>
    addBias(matMulWT(input as tf.Tensor2D, w, input === x ? xT : undefined), b);
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

// Attention on wasm: per-head products read in place by the fused kernel (model/head-products.ts).
function fusedAttention(
  ctx: IContext,
  [query, key, value]: tf.Tensor2D[],
  maskBias: tf.Tensor,
  b: number
): tf.Tensor2D {
  const { config } = ctx;
  const nh = config.numAttentionHeads;
  const hd = config.hiddenSize / nh;
  const scores = tf.add(
    headScores(query, key, b, nh, 1 / Math.sqrt(hd)),
    maskBias
  );
  const probs = dropout(
    ctx,
    softmax(scores),
    config.attentionProbsDropoutProb
  ) as tf.Tensor4D;
  return headContext(probs, value, nh);
}

// Attention with heads permuted into [b * nh, s, hd] tensors (every back-end; prefix keys).
function permutedAttention(
  ctx: IContext,
  [query, key, value]: tf.Tensor2D[],
  maskBias: tf.Tensor,
  b: number,
  s: number,
  prefix: { key: tf.Tensor; value: tf.Tensor } | null
): tf.Tensor2D {
  const { config } = ctx;
  const nh = config.numAttentionHeads;
  const hd = config.hiddenSize / nh;
  const heads = (x: tf.Tensor2D, perm: number[]): tf.Tensor =>
    tf.transpose(tf.reshape(x, [b, s, nh, hd]), perm);
  // [b, nh, s, hd] for queries and values; keys go straight to [b, nh, hd, s] (no transposed matmul).
  const q = heads(query, [0, 2, 1, 3]);
  let kT = heads(key, [0, 2, 3, 1]);
  let v = heads(value, [0, 2, 1, 3]);
  let bias = maskBias;
  let keyLen = s;
  if (prefix) {
    const p = prefix.key.shape[2] ?? 0;
    kT = tf.concat([tf.transpose(prefix.key, [0, 1, 3, 2]), kT], 3);
    v = tf.concat([prefix.value, v], 2);
    bias = tf.concat(
      [tf.zeros([...maskBias.shape.slice(0, 3), p]), maskBias],
      3
    );
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
  const probs = dropout(ctx, softmax(scaled), config.attentionProbsDropoutProb);
  const context = batchMatMul(
    tf.reshape(probs, [b * nh, s, keyLen]) as tf.Tensor3D,
    tf.reshape(v, [b * nh, keyLen, hd]) as tf.Tensor3D
  );
  return tf.reshape(
    tf.transpose(tf.reshape(context, [b, nh, s, hd]), [0, 2, 1, 3]),
    [b * s, config.hiddenSize]
  ) as tf.Tensor2D;
}

/*
 * The feed-forward block before its dropout. On wasm, for exact GELU with trainable weights and
 * no linear hook (full fine-tuning), one op that keeps the intermediate activation transposed
 * (ops.ts feedForwardGelu); otherwise two hooked linear modules around the activation.
 */
function feedForward(
  ctx: IContext,
  inModule: string,
  outModule: string,
  x: tf.Tensor2D
): tf.Tensor2D {
  const { config, options, weights } = ctx;
  const w1 = weightOf(weights, `${inModule}.weight`) as tf.Tensor2D;
  const w2 = weightOf(weights, `${outModule}.weight`) as tf.Tensor2D;
  if (
    hasWasmKernels() &&
    config.hiddenAct === 'gelu' &&
    !options.hooks?.linear &&
    isTrainable(w1) &&
    isTrainable(w2)
  ) {
    return feedForwardGelu(
      x,
      w1,
      weightOf(weights, `${inModule}.bias`),
      w2,
      weightOf(weights, `${outModule}.bias`)
    );
  }
  const inter = activation(
    config.hiddenAct,
    linear(ctx, inModule, x)
  ) as tf.Tensor2D;
  return linear(ctx, outModule, inter);
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
  // Queries, keys and values read the same input: on wasm its transpose is packed once for all.
  const hiddenT = hasWasmKernels() ? transpose2d(hidden) : undefined;
  const query = linear(ctx, names.query, hidden, hiddenT);
  const key = linear(ctx, names.key, hidden, hiddenT);
  const value = linear(ctx, names.value, hidden, hiddenT);
  const prefix = options.hooks?.prefix?.(layer, hidden, b) ?? null;
  const merged =
    hasWasmKernels() && !prefix
      ? fusedAttention(ctx, [query, key, value], maskBias, b)
      : permutedAttention(ctx, [query, key, value], maskBias, b, s, prefix);
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
  let ffn = dropout(
    ctx,
    feedForward(ctx, names.ffnIn, names.ffnOut, attn),
    config.hiddenDropoutProb
  );
  const adapter = options.hooks?.afterFeedForward;
  if (adapter) {
    ffn = adapter(layer, ffn, attn);
  }
  return norm(ctx, names.outNorm, tf.add(ffn, attn)) as tf.Tensor2D;
}

/*
 * Additive attention bias of a batch's padding mask: [b, 1, 1, s], broadcast once per forward to
 * [b, heads, s, s] on wasm, where adding a broadcast bias to the scores is a slow loop (~0.4 ms per
 * layer for MiniLM's [8, 12, 50, 50], ~0.05 ms at full size).
 */
function maskBiasOf(batch: IEncodedBatch, heads: number): tf.Tensor {
  return tf.tidy(() => {
    const [b, s] = batch.inputIds.shape;
    const keep = tf.cast(batch.attentionMask, 'float32');
    const bias = tf.reshape(tf.mul(tf.sub(1, keep), MASK_VALUE), [b, 1, 1, s]);
    return tf.getBackend() === 'wasm'
      ? tf.add(tf.zeros([b, heads, s, s]), bias)
      : bias;
  });
}

// Embeddings (and ALBERT's projection to the hidden size): [b * s, hidden].
function embedStage(ctx: IContext, batch: IEncodedBatch): tf.Tensor2D {
  const hidden = embeddings(ctx, batch);
  return ctx.config.architecture === 'albert'
    ? linear(ctx, 'encoder.embedding_hidden_mapping_in', hidden)
    : hidden;
}

// Pooler, head dropout and classifier on the last hidden states [b * s, hidden].
function headStage(
  ctx: IContext,
  hidden: tf.Tensor2D,
  b: number,
  s: number
): IForwardOutput {
  const { config, options } = ctx;
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
    options.pooledOutput ? options.pooledOutput(pooled) : pooled,
    options.headDropout ?? HEAD_DROPOUT
  ) as tf.Tensor2D;
  const logits = linear(ctx, 'classifier', headInput);
  return { lastHidden, pooled, logits };
}

function checkMask(batch: IEncodedBatch): void {
  const [b, s] = batch.inputIds.shape;
  if (
    batch.attentionMask.shape[0] !== b ||
    batch.attentionMask.shape[1] !== s
  ) {
    throw new Error(
      `attentionMask shape [${batch.attentionMask.shape.join(', ')}] does not match inputIds [${b}, ${s}]`
    );
  }
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
  checkMask(batch);
  const [b, s] = batch.inputIds.shape;
  let hidden = embedStage(ctx, batch);
  const maskBias = maskBiasOf(batch, config.numAttentionHeads);
  for (let layer = 0; layer < config.numHiddenLayers; layer++) {
    const input = hidden;
    // Frees the layer's intermediates that no gradient needs as soon as the layer ends.
    hidden = tf.tidy(() => encoderLayer(ctx, layer, input, maskBias, b, s));
  }
  return headStage(ctx, hidden, b, s);
}

// Bytes of wasm heap a layer's training pass needs (activations kept for the backward pass and
// tfjs's held output gradients), per token and per unit of hidden + intermediate + heads x keys.
// Measured on tfjs 4.22 wasm as the heap's growth over the weights and Adam state: 59 (BERT-base)
// and 69 (MiniLM-L6) bytes at 8 x 50 tokens, with the fused attention and shared saved tensors
// (it was ~190 before them); 72 keeps a margin.
const BACKWARD_BYTES_PER_UNIT = 18 * 4;

/**
 * Estimated training peak above which `checkpointedGrads` is used on wasm (a 4 GB heap; the
 * estimate runs ~0.6 GB above the measured heap for BERT-base at 8 x 50 tokens: 3.3 vs 2.7 GB).
 */
export const CHECKPOINT_ABOVE_BYTES = 3.5 * 2 ** 30;

/**
 * Whether a full fine-tuning pass should recompute its layers (`checkpointedGrads`): on wasm,
 * when activation gradients plus weights, Adam moments and gradients (4 x the weights) are
 * estimated above CHECKPOINT_ABOVE_BYTES. BERT-base at 8 x 64 tokens and up: yes; at 8 x 50 and
 * MiniLM-L6: no.
 */
export function shouldCheckpoint(
  config: IEncoderConfig,
  weightBytes: number,
  tokens: number,
  seqLen: number,
  backend: string = tf.getBackend()
): boolean {
  if (backend !== 'wasm') {
    return false;
  }
  const units =
    config.hiddenSize +
    config.intermediateSize +
    config.numAttentionHeads * seqLen;
  const activations =
    config.numHiddenLayers * tokens * units * BACKWARD_BYTES_PER_UNIT;
  return activations + 4 * weightBytes > CHECKPOINT_ABOVE_BYTES;
}

// A dropout that records its masks (drawn as dropout(ones), so x * mask equals dropout(x)), and
// one that replays them in the same order.
function recordingDropout(
  drop: IForwardOptions['dropout'],
  masks: tf.Tensor[]
): IForwardOptions['dropout'] {
  return drop
    ? (x, rate) => {
        const mask = tf.keep(drop(tf.onesLike(x), rate));
        masks.push(mask);
        return tf.mul(x, mask);
      }
    : undefined;
}

function replayingDropout(
  drop: IForwardOptions['dropout'],
  masks: tf.Tensor[]
): IForwardOptions['dropout'] {
  let next = 0;
  return drop ? x => tf.mul(x, masks[next++]) : undefined;
}

/**
 * Loss and gradients of a training pass with gradient checkpointing, for a forward without
 * adapter hooks (full fine-tuning): the forward keeps only each layer's input and dropout masks;
 * the backward then runs stage by stage (head, layers from the top, embeddings), recomputing each
 * stage under its own tf.grads, so only one layer's activation gradients exist at a time. One
 * more forward pass than `forward` under tf.variableGrads, the same values (the masks are
 * replayed; the same kernels run). `trainable` names the tensors to differentiate (the rest of
 * `weights` is constant); `loss` maps logits to the scalar loss. The caller disposes the result.
 */
export function checkpointedGrads(
  config: IEncoderConfig,
  weights: WeightMap,
  trainable: ReadonlySet<string>,
  batch: IEncodedBatch,
  options: IForwardOptions,
  loss: (logits: tf.Tensor2D) => tf.Scalar
): { value: tf.Scalar; grads: Map<string, tf.Tensor> } {
  if (options.hooks) {
    throw new Error(
      'checkpointedGrads supports forwards without adapter hooks'
    );
  }
  checkMask(batch);
  const [b, s] = batch.inputIds.shape;
  const layerNames = (layer: number): string[] => [
    ...new Set(
      Object.values(layerModuleNames(config, layer)).flatMap(m => [
        `${m}.weight`,
        `${m}.bias`
      ])
    )
  ];
  const namesByLayer = Array.from({ length: config.numHiddenLayers }, (_, l) =>
    layerNames(l)
  );
  const inLayers = new Set(namesByLayer.flat());
  const embedNames = [...trainable].filter(
    n =>
      n.startsWith('embeddings.') ||
      n.startsWith('encoder.embedding_hidden_mapping_in.')
  );
  const headNames = [...trainable].filter(
    n => !inLayers.has(n) && !embedNames.includes(n)
  );
  const grads = new Map<string, tf.Tensor>();
  const accumulate = (names: string[], gs: tf.Tensor[]): void => {
    names.forEach((n, i) => {
      const prev = grads.get(n);
      grads.set(n, prev ? tf.add(prev, gs[i]) : gs[i]);
      prev?.dispose();
    });
  };
  // Runs a stage with `names` bound to `values`, the stage's dropout given.
  const ctxWith = (
    names: string[],
    values: tf.Tensor[],
    drop: IForwardOptions['dropout']
  ): IContext => {
    const local = new Map(weights);
    names.forEach((n, i) => local.set(n, values[i]));
    return { config, weights: local, options: { ...options, dropout: drop } };
  };
  const maskBias = tf.keep(maskBiasOf(batch, config.numAttentionHeads));
  const stageMasks: tf.Tensor[][] = Array.from(
    { length: config.numHiddenLayers + 2 },
    () => []
  );
  const inputs: tf.Tensor2D[] = [];
  try {
    // Forward without a tape: stage 0 embeddings, 1..L layers, L+1 head.
    let hidden = tf.tidy(() =>
      embedStage(
        ctxWith([], [], recordingDropout(options.dropout, stageMasks[0])),
        batch
      )
    );
    for (let l = 0; l < config.numHiddenLayers; l++) {
      inputs.push(hidden);
      const input = hidden;
      hidden = tf.tidy(() =>
        encoderLayer(
          ctxWith([], [], recordingDropout(options.dropout, stageMasks[l + 1])),
          l,
          input,
          maskBias,
          b,
          s
        )
      );
    }
    // Head: the loss, its gradient for the last hidden states and for the head tensors.
    const top = hidden;
    const headValues = headNames.map(n => weightOf(weights, n));
    const headDrop = recordingDropout(
      options.dropout,
      stageMasks[config.numHiddenLayers + 1]
    );
    const { value, grads: headGrads } = tf.valueAndGrads(
      (h: tf.Tensor, ...ws: tf.Tensor[]) =>
        loss(
          headStage(ctxWith(headNames, ws, headDrop), h as tf.Tensor2D, b, s)
            .logits
        )
    )([top, ...headValues]);
    top.dispose();
    let dy = headGrads[0];
    accumulate(headNames, headGrads.slice(1));
    for (let l = config.numHiddenLayers - 1; l >= 0; l--) {
      const names = namesByLayer[l].filter(n => trainable.has(n));
      const values = names.map(n => weightOf(weights, n));
      const drop = replayingDropout(options.dropout, stageMasks[l + 1]);
      const g = tf.grads((h: tf.Tensor, ...ws: tf.Tensor[]) =>
        encoderLayer(
          ctxWith(names, ws, drop),
          l,
          h as tf.Tensor2D,
          maskBias,
          b,
          s
        )
      )([inputs[l], ...values], dy);
      dy.dispose();
      dy = g[0];
      accumulate(names, g.slice(1));
    }
    if (embedNames.length > 0) {
      const values = embedNames.map(n => weightOf(weights, n));
      const drop = replayingDropout(options.dropout, stageMasks[0]);
      const g = tf.grads((...ws: tf.Tensor[]) =>
        embedStage(ctxWith(embedNames, ws, drop), batch)
      )(values, dy);
      accumulate(embedNames, g);
    }
    dy.dispose();
    return { value, grads };
  } finally {
    tf.dispose([maskBias, ...inputs, ...stageMasks.flat()]);
  }
}
