import * as tf from '@tensorflow/tfjs-core';
import type { IEncoderConfig, WeightMap } from '../model/types';
import type { ITensorSpec } from './init';
import {
  encoderLinearModules,
  linearDims,
  matchesSuffix,
  selectModules
} from './modules';
import type { IMethodPlan } from './method-plan';
import type { IIa3Settings } from './types';

/** Name of a module's IA3 vector (peft's `ia3_l` without the adapter name). */
export function ia3Name(module: string): string {
  return `${module}.ia3_l`;
}

/**
 * IA3 as peft's `IA3Config(target_modules, feedforward_modules)`: a learned vector l, initialised
 * to ones (peft's `init_ia3_weights=True`), scales the output of each target module
 * (y = l * (W x + b)), or for feed-forward modules its input (y = W (l * x) + b). Stored 1-D:
 * [out] or [in] (peft keeps [out, 1] and [1, in]). The backbone, biases included, is frozen.
 */
export function ia3Plan(
  config: IEncoderConfig,
  backbone: WeightMap,
  s: IIa3Settings
): IMethodPlan {
  const arch = config.architecture;
  const modules = selectModules(
    encoderLinearModules(backbone),
    s.modules[arch],
    `IA3 (${arch})`
  );
  const feedForward = new Set(
    modules.filter(m => s.feedForward[arch].some(f => matchesSuffix(m, f)))
  );
  const targets = new Set(modules);
  const newTensors: ITensorSpec[] = modules.map(m => {
    const d = linearDims(backbone, m);
    return {
      name: ia3Name(m),
      shape: [feedForward.has(m) ? d.in : d.out],
      init: { kind: 'ones' }
    };
  });
  return {
    trainableBackbone: [],
    newTensors,
    hooks(get) {
      return {
        linear(module, x, base) {
          if (!targets.has(module)) {
            return base(x);
          }
          const l = get(ia3Name(module));
          return feedForward.has(module)
            ? base(tf.mul(x, l))
            : tf.mul(base(x), l);
        }
      };
    }
  };
}
