import * as tf from '@tensorflow/tfjs-core';
import type { IEncoderConfig, WeightMap } from '../model/types';
import { kaimingUniform, type ITensorSpec } from './init';
import { encoderLinearModules, linearDims, selectModules } from './modules';
import { linear, maybeDropout, type IMethodPlan } from './method-plan';
import { loraScaling } from './settings';
import type { ILoraSettings } from './types';

/** Names of a LoRA module's factors (peft's names without the adapter name). */
export function loraNames(module: string): { a: string; b: string } {
  return { a: `${module}.lora_A.weight`, b: `${module}.lora_B.weight` };
}

/**
 * New LoRA tensors for `modules`: A [r, in] ~ kaiming_uniform_(a=sqrt(5)) = U(+-1/sqrt(in)) and
 * B [out, r] = 0, as peft's `init_lora_weights=True` (and adapters' "lora" init); drawn module by
 * module in checkpoint order.
 */
export function loraTensors(
  backbone: WeightMap,
  modules: string[],
  r: number
): ITensorSpec[] {
  const specs: ITensorSpec[] = [];
  for (const m of modules) {
    const { out, in: inDim } = linearDims(backbone, m);
    const n = loraNames(m);
    specs.push({ name: n.a, shape: [r, inDim], init: kaimingUniform(inDim) });
    specs.push({ name: n.b, shape: [out, r], init: { kind: 'zeros' } });
  }
  return specs;
}

/** The low-rank update B(A(dropout(x))) of one module, [..., out] (unscaled). */
export function loraDelta(
  x: tf.Tensor,
  a: tf.Tensor,
  b: tf.Tensor,
  dropout: number,
  opts: Parameters<typeof maybeDropout>[2]
): tf.Tensor {
  return linear(linear(maybeDropout(x, dropout, opts), a), b);
}

/**
 * LoRA as peft's `LoraConfig(r, lora_alpha, lora_dropout, use_rslora, bias, target_modules)`:
 * y = W x + b + scaling * B A dropout(x); with bias 'all' every backbone tensor whose name
 * contains `bias` trains (peft's rule, which includes LayerNorm and pooler biases).
 */
export function loraPlan(
  config: IEncoderConfig,
  backbone: WeightMap,
  s: ILoraSettings
): IMethodPlan {
  const modules = selectModules(
    encoderLinearModules(backbone),
    s.modules[config.architecture],
    `LoRA (${config.architecture})`
  );
  const targets = new Set(modules);
  const scaling = loraScaling(s);
  const trainableBackbone =
    s.bias === 'all'
      ? [...backbone.entries()]
          .filter(([n, t]) => n.includes('bias') && t.dtype === 'float32')
          .map(([n]) => n)
      : [];
  return {
    trainableBackbone,
    newTensors: loraTensors(backbone, modules, s.r),
    hooks(get, opts) {
      return {
        linear(module, x, base) {
          const y = base(x);
          if (!targets.has(module)) {
            return y;
          }
          const n = loraNames(module);
          const delta = loraDelta(x, get(n.a), get(n.b), s.dropout, opts);
          return tf.add(y, tf.mul(delta, scaling));
        }
      };
    }
  };
}
