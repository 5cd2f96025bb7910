import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend';
import { Rng } from '../random';
import { encodeBatch } from '../text';
import {
  batchTensors,
  canonicalName,
  expectedShapes,
  forward,
  initHead,
  loadModel,
  parseConfig,
  readSafetensors,
  weightsFromTensors,
  type ILoadedModel
} from './index';
import { fixtureModel } from './testing/fixtures';

let albert: ILoadedModel;
let bert: ILoadedModel;

beforeAll(async () => {
  await initBackend('wasm');
  albert = await loadModel(fixtureModel('tiny-albert'));
  bert = await loadModel(fixtureModel('tiny-bert'));
});

describe('config and weights', () => {
  it('parses the three architectures', () => {
    expect(albert.config.architecture).toBe('albert');
    expect(albert.config.embeddingSize).toBe(16);
    expect(albert.config.hiddenAct).toBe('gelu_new');
    expect(bert.config.embeddingSize).toBe(bert.config.hiddenSize);
  });

  it('names unknown architectures and activations', () => {
    expect(() => parseConfig({ model_type: 'gpt2' })).toThrow(
      /model_type='gpt2'.*bert, roberta, albert/
    );
    expect(() =>
      parseConfig({
        model_type: 'bert',
        hidden_act: 'swish',
        hidden_size: 8,
        num_attention_heads: 2
      })
    ).toThrow(/hidden_act='swish'/);
  });

  it('strips model prefixes and legacy gamma/beta names', () => {
    expect(canonicalName('bert.encoder.layer.0.output.LayerNorm.gamma')).toBe(
      'encoder.layer.0.output.LayerNorm.weight'
    );
    expect(canonicalName('roberta.embeddings.LayerNorm.beta')).toBe(
      'embeddings.LayerNorm.bias'
    );
    expect(canonicalName('albert.pooler.weight')).toBe('pooler.weight');
  });

  it('reports a missing tensor and a shape mismatch with names and both shapes', async () => {
    const { tensors } = await readSafetensors(
      `${fixtureModel('tiny-bert')}/model.safetensors`
    );
    const missing = new Map(tensors);
    missing.delete('encoder.layer.1.output.dense.weight');
    expect(() =>
      weightsFromTensors(bert.config, missing, 'm.safetensors')
    ).toThrow(
      /m.safetensors: missing tensor 'encoder.layer.1.output.dense.weight' \(expected shape \[32, 64\]\)/
    );
    const wrong = new Map(tensors);
    const t = tensors.get('encoder.layer.0.attention.self.query.weight')!;
    wrong.set('encoder.layer.0.attention.self.query.weight', {
      ...t,
      shape: [16, 64]
    });
    expect(() => weightsFromTensors(bert.config, wrong)).toThrow(
      /'encoder.layer.0.attention.self.query.weight' has shape \[16, 64\] but the config needs \[32, 32\]/
    );
  });

  it('lists ALBERT shared weights once', () => {
    const names = [...expectedShapes(albert.config).keys()];
    expect(
      names.filter(n => n.includes('albert_layers.0.attention.query.weight'))
    ).toHaveLength(1);
    expect(names).toContain('encoder.embedding_hidden_mapping_in.weight');
  });
});

describe('head', () => {
  it('draws nn.Linear-like U(+-1/sqrt(hidden)) weight and bias from the given Rng, reproducibly', () => {
    const a = initHead(bert.config, 5, new Rng(3));
    const b = initHead(bert.config, 5, new Rng(3));
    const c = initHead(bert.config, 5, new Rng(4));
    const w = a.get('classifier.weight')!;
    expect(w.shape).toEqual([5, 32]);
    expect(Array.from(w.dataSync())).toEqual(
      Array.from(b.get('classifier.weight')!.dataSync())
    );
    expect(Array.from(w.dataSync())).not.toEqual(
      Array.from(c.get('classifier.weight')!.dataSync())
    );
    // U(-b, b) with b = 1/sqrt(32): std b / sqrt(3) = 0.102
    const std = Math.sqrt(tf.moments(w).variance.dataSync()[0]);
    expect(std).toBeGreaterThan(0.08);
    expect(std).toBeLessThan(0.12);
    const bias = Array.from(a.get('classifier.bias')!.dataSync());
    expect(bias.every(x => x !== 0 && Math.abs(x) <= 1 / Math.sqrt(32))).toBe(
      true
    );
    expect(() => initHead(bert.config, 1, new Rng(1))).toThrow(/numClasses/);
  });

  it('adds a pooler only when the checkpoint has none', () => {
    expect(
      initHead(bert.config, 2, new Rng(1), bert.weights).has(
        'pooler.dense.weight'
      )
    ).toBe(false);
    const noPooler = new Map(
      [...albert.weights].filter(([n]) => !n.startsWith('pooler'))
    );
    expect(
      initHead(albert.config, 2, new Rng(1), noPooler).get('pooler.weight')!
        .shape
    ).toEqual([32, 32]);
  });
});

describe('adapter hooks', () => {
  function run(
    model: ILoadedModel,
    hooks?: Parameters<typeof forward>[3]['hooks']
  ) {
    const weights = new Map([
      ...model.weights,
      ...initHead(model.config, 2, new Rng(9))
    ]);
    const batch = batchTensors(
      encodeBatch(
        model.tokenizer,
        ['hello world', 'a longer second text'],
        undefined,
        10
      )
    );
    return forward(model.config, weights, batch, { training: false, hooks });
  }

  it('routes every linear module through the linear hook by HF path', () => {
    const seen: string[] = [];
    const plain = run(albert);
    const same = run(albert, {
      linear: (module, x, base) => {
        seen.push(module);
        return base(x);
      }
    });
    expect(Array.from(same.logits.dataSync())).toEqual(
      Array.from(plain.logits.dataSync())
    );
    const layer = 'encoder.albert_layer_groups.0.albert_layers.0';
    expect(seen.filter(m => m === `${layer}.attention.query`)).toHaveLength(3); // shared across 3 layers
    expect(new Set(seen)).toEqual(
      new Set([
        'encoder.embedding_hidden_mapping_in',
        ...[
          'attention.query',
          'attention.key',
          'attention.value',
          'attention.dense',
          'ffn',
          'ffn_output'
        ].map(m => `${layer}.${m}`),
        'pooler',
        'classifier'
      ])
    );
    const bertSeen: string[] = [];
    run(bert, { linear: (m, x, base) => (bertSeen.push(m), base(x)) });
    expect(bertSeen).toContain('encoder.layer.1.attention.self.value');
    expect(bertSeen).toContain('encoder.layer.0.intermediate.dense');
    expect(bertSeen).toContain('pooler.dense');
  });

  it('changes the output through linear, prefix and afterFeedForward hooks', () => {
    const plain = Array.from(run(bert).logits.dataSync());
    const scaled = run(bert, {
      linear: (m, x, base) =>
        m.endsWith('attention.self.value') ? tf.mul(base(x), 2) : base(x)
    });
    expect(Array.from(scaled.logits.dataSync())).not.toEqual(plain);
    const nh = bert.config.numAttentionHeads;
    const hd = bert.config.hiddenSize / nh;
    const calls: number[] = [];
    const prefixed = run(bert, {
      prefix: (layer, _hidden, b) => {
        calls.push(layer);
        return { key: tf.ones([b, nh, 3, hd]), value: tf.ones([b, nh, 3, hd]) };
      }
    });
    expect(calls).toEqual([0, 1]);
    expect(prefixed.lastHidden.shape).toEqual([2, 10, 32]);
    expect(Array.from(prefixed.logits.dataSync())).not.toEqual(plain);
    const adapted = run(bert, {
      afterFeedForward: (_l, h, input) => tf.add(h, tf.mul(input, 0.1))
    });
    expect(Array.from(adapted.logits.dataSync())).not.toEqual(plain);
  });
});
