import { layerModuleNames } from './encoder';
import type { IEncoderConfig } from './types';

/**
 * Every backbone tensor the encoder reads, with its torch shape (linear weights [out, in]).
 * The pooler is listed; the head (`classifier.*`) is not (initHead creates it).
 */
export function expectedShapes(config: IEncoderConfig): Map<string, number[]> {
  const m = new Map<string, number[]>();
  const { hiddenSize: h, embeddingSize: e, intermediateSize: i } = config;
  const lin = (name: string, out: number, inp: number): void => {
    m.set(`${name}.weight`, [out, inp]);
    m.set(`${name}.bias`, [out]);
  };
  const ln = (name: string, size: number): void => {
    m.set(`${name}.weight`, [size]);
    m.set(`${name}.bias`, [size]);
  };
  m.set('embeddings.word_embeddings.weight', [config.vocabSize, e]);
  m.set('embeddings.position_embeddings.weight', [
    config.maxPositionEmbeddings,
    e
  ]);
  m.set('embeddings.token_type_embeddings.weight', [config.typeVocabSize, e]);
  ln('embeddings.LayerNorm', e);
  if (config.architecture === 'albert') {
    lin('encoder.embedding_hidden_mapping_in', h, e);
  }
  const layers =
    config.architecture === 'albert'
      ? config.numHiddenGroups
      : config.numHiddenLayers;
  const perGroup = config.numHiddenLayers / layers;
  for (let k = 0; k < layers; k++) {
    const n = layerModuleNames(
      config,
      config.architecture === 'albert' ? k * perGroup : k
    );
    lin(n.query, h, h);
    lin(n.key, h, h);
    lin(n.value, h, h);
    lin(n.attnOut, h, h);
    ln(n.attnNorm, h);
    lin(n.ffnIn, i, h);
    lin(n.ffnOut, h, i);
    ln(n.outNorm, h);
  }
  lin(config.architecture === 'albert' ? 'pooler' : 'pooler.dense', h, h);
  return m;
}

/** Names of the pooler tensors for this architecture. */
export function poolerNames(config: IEncoderConfig): [string, string] {
  const p = config.architecture === 'albert' ? 'pooler' : 'pooler.dense';
  return [`${p}.weight`, `${p}.bias`];
}
