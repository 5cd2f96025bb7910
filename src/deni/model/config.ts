import type { Architecture, IEncoderConfig } from './types';

const ARCHITECTURES: Record<string, Architecture> = {
  bert: 'bert',
  roberta: 'roberta',
  albert: 'albert',
  // Checkpoints of these families use BERT's layout (MiniLM is distilled into a BERT).
  xlm_roberta: 'roberta',
  camembert: 'roberta'
};

const ACTIVATIONS = ['gelu', 'gelu_new', 'relu'] as const;

function num(
  cfg: Record<string, unknown>,
  key: string,
  fallback?: number
): number {
  const v = cfg[key];
  if (typeof v === 'number' && Number.isFinite(v)) {
    return v;
  }
  if (v === undefined && fallback !== undefined) {
    return fallback;
  }
  throw new Error(
    `config.json: '${key}' must be a number, got ${JSON.stringify(v)}`
  );
}

/**
 * Reads the fields the encoders need from a Hugging Face config.json object. Unknown model
 * types and activations fail with the value and the supported list.
 */
export function parseConfig(
  json: unknown,
  source = 'config.json'
): IEncoderConfig {
  if (typeof json !== 'object' || json === null) {
    throw new Error(`${source}: expected a JSON object`);
  }
  const cfg = json as Record<string, unknown>;
  const modelType = String(cfg.model_type ?? '');
  const architecture = ARCHITECTURES[modelType];
  if (!architecture) {
    throw new Error(
      `${source}: unknown architecture model_type='${modelType}'; supported: ${Object.keys(ARCHITECTURES).join(', ')}`
    );
  }
  const act = String(cfg.hidden_act ?? 'gelu');
  if (!(ACTIVATIONS as readonly string[]).includes(act)) {
    throw new Error(
      `${source}: hidden_act='${act}' is not supported; supported: ${ACTIVATIONS.join(', ')}`
    );
  }
  const hiddenSize = num(cfg, 'hidden_size');
  const heads = num(cfg, 'num_attention_heads');
  if (hiddenSize % heads !== 0) {
    throw new Error(
      `${source}: hidden_size ${hiddenSize} is not divisible by num_attention_heads ${heads}`
    );
  }
  const padTokenId = num(
    cfg,
    'pad_token_id',
    architecture === 'roberta' ? 1 : 0
  );
  if (architecture === 'albert' && num(cfg, 'inner_group_num', 1) !== 1) {
    throw new Error(
      `${source}: ALBERT inner_group_num=${String(cfg.inner_group_num)} is not supported (only 1)`
    );
  }
  const positionType = cfg.position_embedding_type ?? 'absolute';
  if (positionType !== 'absolute') {
    throw new Error(
      `${source}: position_embedding_type='${String(positionType)}' is not supported (only absolute)`
    );
  }
  const numHiddenLayers = num(cfg, 'num_hidden_layers');
  const numHiddenGroups =
    architecture === 'albert' ? num(cfg, 'num_hidden_groups', 1) : 1;
  if (numHiddenLayers % numHiddenGroups !== 0) {
    throw new Error(
      `${source}: num_hidden_layers ${numHiddenLayers} is not a multiple of num_hidden_groups ${numHiddenGroups}`
    );
  }
  return {
    architecture,
    vocabSize: num(cfg, 'vocab_size'),
    hiddenSize,
    embeddingSize:
      architecture === 'albert' ? num(cfg, 'embedding_size') : hiddenSize,
    numHiddenLayers,
    numAttentionHeads: heads,
    intermediateSize: num(cfg, 'intermediate_size'),
    hiddenAct: act as IEncoderConfig['hiddenAct'],
    maxPositionEmbeddings: num(cfg, 'max_position_embeddings'),
    typeVocabSize: num(cfg, 'type_vocab_size', 2),
    layerNormEps: num(cfg, 'layer_norm_eps', 1e-12),
    padTokenId,
    positionOffset: architecture === 'roberta' ? padTokenId + 1 : 0,
    initializerRange: num(cfg, 'initializer_range', 0.02),
    hiddenDropoutProb: num(cfg, 'hidden_dropout_prob', 0.1),
    attentionProbsDropoutProb: num(cfg, 'attention_probs_dropout_prob', 0.1),
    numHiddenGroups
  };
}
