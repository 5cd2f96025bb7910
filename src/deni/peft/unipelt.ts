import * as tf from '@tensorflow/tfjs-core';
import type { IEncoderConfig, WeightMap } from '../model/types';
import { kaimingUniform, type ITensorSpec } from './init';
import { loraDelta, loraNames, loraTensors } from './lora';
import {
  encoderLinearModules,
  layerLayout,
  linearDims,
  selectModules
} from './modules';
import { linear, sequenceGate, type IMethodPlan } from './method-plan';
import { loraScaling } from './settings';
import type { IUniPeltSettings } from './types';

/** Std of adapters' "bert" init (bottleneck adapter and every gate weight). */
const GATE_STD = 0.02;

/** Tensor names of the UniPELT prefix reparameterisation (adapters' `PrefixTuning`). */
export const PREFIX_NAMES = {
  wte: 'prefix.wte',
  w0: 'prefix.control.0.weight',
  b0: 'prefix.control.0.bias',
  w2: 'prefix.control.2.weight',
  b2: 'prefix.control.2.bias'
} as const;

/** Names of the gated pieces of one UniPELT layer module. */
export function uniPeltNames(attention: string, adapter: string) {
  return {
    prefixGateW: `${attention}.prefix_gate.weight`,
    prefixGateB: `${attention}.prefix_gate.bias`,
    downW: `${adapter}.down.weight`,
    downB: `${adapter}.down.bias`,
    upW: `${adapter}.up.weight`,
    upB: `${adapter}.up.bias`,
    gateW: `${adapter}.gate.weight`,
    gateB: `${adapter}.gate.bias`
  };
}

/** Names of the gate of one LoRA module. */
export function loraGateNames(module: string): { w: string; b: string } {
  return { w: `${module}.lora_gate.weight`, b: `${module}.lora_gate.bias` };
}

/**
 * UniPELT (Mao et al. 2022) with AdapterHub `adapters` 1.3's structure and inits
 * (`UniPELTConfig`: `PrefixTuningConfig`, `SeqBnConfig`, `LoRAConfig`, each `use_gating=True`):
 *
 * - LoRA on the target modules: y = W x + b + g_L * B A dropout(x), g_L = mean over the sequence of
 *   sigmoid(x w_g + b_g) (one scalar per sample). With gates adapters drops the alpha/r factor
 *   (the gate is the scale); without gates we apply alpha/r.
 * - Prefix tuning: P learned embeddings [P, hidden] -> Linear(hidden, 512) -> tanh ->
 *   Linear(512, modules * 2 * hidden), split per layer module into keys and values
 *   [heads, P, headDim], both scaled by g_P = mean_seq sigmoid(h w + b) of the layer input h
 *   (adapters' shared gating: one gate for keys and values).
 * - Pfeiffer bottleneck adapter after the feed-forward block: with FFN output h and attention
 *   output a, x = LayerNorm(h + a) (the layer's own LayerNorm), the hook returns
 *   h + g_A * up(relu(down(x))) with g_A = mean_seq sigmoid(x w + b); the encoder then applies
 *   LayerNorm(that + a), which is adapters' `original_ln_before/after`, `residual_before_ln`.
 *
 * Inits (adapters' defaults): LoRA A U(+-1/sqrt(in)), B 0; LoRA and prefix gate weights
 * N(0, 0.02) with nn.Linear's default bias U(+-1/sqrt(in)); prefix embedding N(0, 1)
 * (nn.Embedding), prefix MLP nn.Linear defaults U(+-1/sqrt(in)); adapter down/up/gate weights
 * N(0, 0.02) and biases 0 ("bert" init). ALBERT shares one set across its layers, as adapters does.
 */
export function uniPeltPlan(
  config: IEncoderConfig,
  backbone: WeightMap,
  s: IUniPeltSettings
): IMethodPlan {
  const arch = config.architecture;
  const h = config.hiddenSize;
  const heads = config.numAttentionHeads;
  const headDim = h / heads;
  const layout = layerLayout(config, backbone);
  const bottleneck = Math.floor(h / s.adapterReduction);
  if (bottleneck < 1) {
    throw new RangeError(
      `unipelt.adapterReduction ${s.adapterReduction} leaves no bottleneck for hidden size ${h}`
    );
  }
  const modules = selectModules(
    encoderLinearModules(backbone),
    s.lora.modules[arch],
    `UniPELT LoRA (${arch})`
  );
  const loraTargets = new Set(modules);
  const scaling = loraScaling(s.lora);

  const newTensors: ITensorSpec[] = [];
  // LoRA factors and gates, module by module.
  for (const spec of loraTensors(backbone, modules, s.lora.r)) {
    newTensors.push(spec);
  }
  if (s.gates) {
    for (const m of modules) {
      const d = linearDims(backbone, m);
      const g = loraGateNames(m);
      newTensors.push(
        {
          name: g.w,
          shape: [1, d.in],
          init: { kind: 'normal', std: GATE_STD }
        },
        { name: g.b, shape: [1], init: kaimingUniform(d.in) }
      );
    }
  }
  // Prefix reparameterisation, shared by every layer module.
  const p = s.prefixLength;
  const mid = s.prefixBottleneck;
  const kvWidth = layout.count * 2 * h;
  newTensors.push(
    { name: PREFIX_NAMES.wte, shape: [p, h], init: { kind: 'normal', std: 1 } },
    { name: PREFIX_NAMES.w0, shape: [mid, h], init: kaimingUniform(h) },
    { name: PREFIX_NAMES.b0, shape: [mid], init: kaimingUniform(h) },
    { name: PREFIX_NAMES.w2, shape: [kvWidth, mid], init: kaimingUniform(mid) },
    { name: PREFIX_NAMES.b2, shape: [kvWidth], init: kaimingUniform(mid) }
  );
  // Per layer module: prefix gate, then the bottleneck adapter and its gate.
  for (let m = 0; m < layout.count; m++) {
    const n = uniPeltNames(layout.attention(m), layout.adapter(m));
    if (s.gates) {
      newTensors.push(
        {
          name: n.prefixGateW,
          shape: [1, h],
          init: { kind: 'normal', std: GATE_STD }
        },
        { name: n.prefixGateB, shape: [1], init: kaimingUniform(h) }
      );
    }
    newTensors.push(
      {
        name: n.downW,
        shape: [bottleneck, h],
        init: { kind: 'normal', std: GATE_STD }
      },
      { name: n.downB, shape: [bottleneck], init: { kind: 'zeros' } },
      {
        name: n.upW,
        shape: [h, bottleneck],
        init: { kind: 'normal', std: GATE_STD }
      },
      { name: n.upB, shape: [h], init: { kind: 'zeros' } }
    );
    if (s.gates) {
      newTensors.push(
        {
          name: n.gateW,
          shape: [1, h],
          init: { kind: 'normal', std: GATE_STD }
        },
        { name: n.gateB, shape: [1], init: { kind: 'zeros' } }
      );
    }
  }
  const eps = config.layerNormEps;

  return {
    trainableBackbone: [],
    newTensors,
    hooks(get, opts) {
      return {
        linear(module, x, base) {
          const y = base(x);
          if (!loraTargets.has(module)) {
            return y;
          }
          const n = loraNames(module);
          const delta = loraDelta(x, get(n.a), get(n.b), s.lora.dropout, opts);
          if (!s.gates) {
            return tf.add(y, tf.mul(delta, scaling));
          }
          const g = loraGateNames(module);
          const gate = sequenceGate(x, get(g.w), get(g.b), opts.batchSize); // [batch, 1]
          return tf.add(y, perSample(delta, gate));
        },
        prefix(layer, hidden, batch) {
          const m = layout.moduleOf(layer);
          const emb = get(PREFIX_NAMES.wte);
          const mid0 = tf.tanh(
            linear(emb, get(PREFIX_NAMES.w0), get(PREFIX_NAMES.b0))
          );
          // Rows of the second linear map that produce this module's keys, then values.
          const w2 = get(PREFIX_NAMES.w2);
          const b2 = get(PREFIX_NAMES.b2);
          const kv = (which: 0 | 1): tf.Tensor => {
            const start = (2 * m + which) * h;
            const w = tf.slice(w2, [start, 0], [h, mid]);
            const b = tf.slice(b2, [start], [h]);
            const flat = linear(mid0, w, b); // [P, hidden]
            const perHead = tf.transpose(
              tf.reshape(flat, [p, heads, headDim]),
              [1, 0, 2]
            );
            return tf.tile(tf.expandDims(perHead, 0), [batch, 1, 1, 1]);
          };
          let key = kv(0);
          let value = kv(1);
          if (s.gates) {
            const n = uniPeltNames(layout.attention(m), layout.adapter(m));
            const gate = tf.reshape(
              sequenceGate(
                hidden,
                get(n.prefixGateW),
                get(n.prefixGateB),
                batch
              ),
              [batch, 1, 1, 1]
            );
            key = tf.mul(key, gate);
            value = tf.mul(value, gate);
          }
          return { key, value };
        },
        afterFeedForward(layer, hOut, input) {
          const m = layout.moduleOf(layer);
          const n = uniPeltNames(layout.attention(m), layout.adapter(m));
          const ln = layout.ffnLayerNorm(m);
          const x = layerNorm(
            tf.add(hOut, input),
            get(`${ln}.weight`),
            get(`${ln}.bias`),
            eps
          );
          const down = tf.relu(linear(x, get(n.downW), get(n.downB)));
          let up = linear(down, get(n.upW), get(n.upB));
          if (s.gates) {
            up = perSample(
              up,
              sequenceGate(x, get(n.gateW), get(n.gateB), opts.batchSize)
            );
          }
          return tf.add(hOut, up);
        }
      };
    }
  };
}

/** LayerNorm over the last axis (biased variance, as torch). */
function layerNorm(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  eps: number
): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(
    tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), gamma),
    beta
  );
}

/** Multiplies `x` ([batch, seq, d] or [batch * seq, d]) by one gate value per sample [batch, 1]. */
function perSample(x: tf.Tensor, gate: tf.Tensor2D): tf.Tensor {
  const batch = gate.shape[0];
  if (x.rank === 3) {
    return tf.mul(x, tf.expandDims(gate, 2));
  }
  const [rows, d] = x.shape as [number, number];
  return tf.reshape(
    tf.mul(tf.reshape(x, [batch, rows / batch, d]), tf.expandDims(gate, 2)),
    [rows, d]
  );
}
