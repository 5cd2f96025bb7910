import type * as tf from '@tensorflow/tfjs-core';

/** Encoder families the engine can build from a Hugging Face `config.json`. */
export type Architecture = 'bert' | 'roberta' | 'albert';

/** The fields of a Hugging Face `config.json` the encoders use. */
export interface IEncoderConfig {
  architecture: Architecture;
  vocabSize: number;
  hiddenSize: number;
  /** ALBERT factorised embedding size; equals hiddenSize for BERT/RoBERTa. */
  embeddingSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  intermediateSize: number;
  hiddenAct: 'gelu' | 'gelu_new' | 'relu';
  maxPositionEmbeddings: number;
  typeVocabSize: number;
  layerNormEps: number;
  padTokenId: number;
  /** RoBERTa position ids start after the padding index. */
  positionOffset: number;
  /** Std of the normal initialiser of new linear weights (HF `initializer_range`). */
  initializerRange: number;
  /** Dropout after embeddings, attention output and feed-forward output (HF `hidden_dropout_prob`). */
  hiddenDropoutProb: number;
  /** Dropout on attention probabilities (HF `attention_probs_dropout_prob`). */
  attentionProbsDropoutProb: number;
  /** ALBERT: groups of shared layers (1 in every released ALBERT); 1 for BERT/RoBERTa. */
  numHiddenGroups: number;
}

/**
 * Weights by Hugging Face parameter name without the model prefix, e.g.
 * `embeddings.word_embeddings.weight`, `encoder.layer.0.attention.self.query.weight`,
 * `pooler.dense.weight`, and the head: `classifier.weight` ([classes, hidden], torch layout),
 * `classifier.bias`. Linear weights keep torch's [out, in] layout on load; modules transpose once.
 */
export type WeightMap = Map<string, tf.Tensor>;

/** Token ids and attention mask of one batch, both int32 [batch, seqLen]. */
export interface IEncodedBatch {
  inputIds: tf.Tensor2D;
  attentionMask: tf.Tensor2D;
  /** Segment ids, int32 [batch, seqLen]; absent = all 0 (the paper joins pairs into one text). */
  tokenTypeIds?: tf.Tensor2D;
}

/**
 * Hooks through which a tuning method (src/deni/peft) changes the encoder's computation without
 * the model knowing about LoRA, IA3, prefixes or adapters. All are optional; absent = plain model.
 */
export interface IAdapterHooks {
  /**
   * Wraps every linear module of the encoder, named by its HF module path
   * (e.g. `encoder.layer.3.attention.self.query`, `encoder.layer.3.output.dense`).
   * `base` computes the frozen linear map; the hook returns the replacement output.
   * `x` is 2-D: [tokens, in] inside the encoder (batch x seqLen rows), [batch, in] for the
   * pooler (`pooler.dense`, ALBERT `pooler`) and the head (`classifier`), which also pass here.
   * ALBERT shares one layer across depths, so its module paths repeat for every layer.
   */
  linear?(
    module: string,
    x: tf.Tensor,
    base: (input: tf.Tensor) => tf.Tensor
  ): tf.Tensor;
  /**
   * Prefix tuning: extra keys and values, [batch, heads, prefixLen, headDim], prepended to
   * layer `layer`'s attention (always attended to). `hidden` is the layer input, for gates.
   */
  prefix?(
    layer: number,
    hidden: tf.Tensor,
    batch: number
  ): { key: tf.Tensor; value: tf.Tensor } | null;
  /**
   * Bottleneck adapter after the feed-forward block of `layer` (before its residual + LayerNorm).
   * `h` is the feed-forward output after its dropout, `input` the block input (the residual),
   * both 2-D [tokens, hidden]; the return value replaces `h`.
   */
  afterFeedForward?(layer: number, h: tf.Tensor, input: tf.Tensor): tf.Tensor;
}

/** How a forward pass runs. */
export interface IForwardOptions {
  training: boolean;
  /** Applies dropout with a seeded generator (from src/deni/train); identity when not training. */
  dropout?: (x: tf.Tensor, rate: number) => tf.Tensor;
  hooks?: IAdapterHooks;
  /** Dropout before the classifier head (PAPER.md: 0.3; mixout sets 0). */
  headDropout?: number;
  /**
   * Transforms the word-embedding lookup [batch, seqLen, embeddingSize] before position and
   * token-type embeddings are added (as Hugging Face `inputs_embeds`). The input-noise strategy
   * (src/deni/strategies) adds Gaussian noise here. Absent = identity.
   */
  inputEmbeddings?: (embeddings: tf.Tensor) => tf.Tensor;
  /**
   * Transforms the pooled output tanh(dense(first token)) [batch, hidden] before the head's
   * dropout and classifier. The input-noise strategy as the authors ran it adds N(0, s2) here.
   * Absent = identity.
   */
  pooledOutput?: (pooled: tf.Tensor) => tf.Tensor;
}

/** Output of one classifier forward pass. */
export interface IForwardOutput {
  /** [batch, seqLen, hidden] */
  lastHidden: tf.Tensor3D;
  /** tanh(dense(first token)) [batch, hidden] */
  pooled: tf.Tensor2D;
  /** [batch, classes] */
  logits: tf.Tensor2D;
}
