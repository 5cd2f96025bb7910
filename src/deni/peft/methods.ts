import * as tf from '@tensorflow/tfjs-core';
import type { Architecture, IEncoderConfig, WeightMap } from '../model/types';
import {
  TUNING_METHOD_NAMES,
  isTuningMethodName,
  type TuningMethodName
} from '../contract/tuning-methods';
import { initHead, markFrozen } from '../model';
import { checkHead } from './head';
import { initTensor } from './init';
import { TUNING_METHOD_IMPLEMENTATIONS } from './definitions';
import { headNames } from './modules';
import type { IMethodPlan } from './method-plan';
import { ModelState } from './state';
import type { IModelState, ITuningMethod, ITuningOverrides } from './types';

/** Every tuning method name, in PAPER.md's order (the contract's table). */
export const TUNING_METHODS: readonly TuningMethodName[] = TUNING_METHOD_NAMES;

/** The classifier's tensors: full fine-tuning's noise targets (PAPER.md). */
const CLASSIFIER_NAMES = ['classifier.weight', 'classifier.bias'] as const;

/**
 * The tuning method `name` with PAPER.md's settings, any field overridable. Throws naming the
 * bad name and the valid ones.
 */
export function getTuningMethod(
  name: TuningMethodName,
  overrides: ITuningOverrides = {}
): ITuningMethod {
  if (!isTuningMethodName(name)) {
    throw new RangeError(
      `unknown tuning method ${JSON.stringify(name)}; valid: ${TUNING_METHODS.join(', ')}`
    );
  }
  const definition = TUNING_METHOD_IMPLEMENTATIONS[name];
  // Validate overrides now, so a bad sweep fails before any model is built.
  const planFor = definition.configure(overrides);
  const trainRobertaPooler = overrides.trainRobertaPooler ?? true;

  /** Head names that train: full FT trains the RoBERTa pooler as part of everything. */
  const heads = (config: IEncoderConfig, backbone: WeightMap): string[] =>
    headNames(
      config,
      backbone,
      definition.trainsBackbone ? true : trainRobertaPooler
    );

  const namesOf = (
    config: IEncoderConfig,
    backbone: WeightMap,
    plan: IMethodPlan
  ): string[] => {
    const names: string[] = [];
    const seen = new Set<string>();
    const add = (n: string): void => {
      if (!seen.has(n)) {
        seen.add(n);
        names.push(n);
      }
    };
    heads(config, backbone).forEach(add);
    plan.trainableBackbone.forEach(add);
    plan.newTensors.forEach(s => add(s.name));
    return names;
  };

  return {
    name,
    paperLearningRate: (architecture: Architecture) =>
      definition.paperLearningRate(architecture),
    trainableNames(config, backbone, numClasses) {
      checkInputs(config, backbone, numClasses);
      return namesOf(config, backbone, planFor(config, backbone));
    },
    prepare(config, backbone, numClasses, initRng): IModelState {
      checkInputs(config, backbone, numClasses);
      const plan = planFor(config, backbone);
      const headRng = initRng.fork('head');
      const adapterRng = initRng.fork('adapters');
      const trainable = new Map<string, tf.Variable>();
      const headNamesNow = new Set(heads(config, backbone));
      const head = initHead(config, numClasses, headRng, backbone);
      checkHead(head, config, numClasses);
      try {
        for (const n of namesOf(config, backbone, plan)) {
          if (headNamesNow.has(n)) {
            // The head initialiser may leave the RoBERTa pooler to the checkpoint.
            const t = head.get(n) ?? backbone.get(n);
            if (!t) {
              throw new Error(
                `head tensor ${n} is neither initialised by the head initialiser nor in the backbone`
              );
            }
            trainable.set(n, tf.variable(t, true));
          }
        }
        for (const n of plan.trainableBackbone) {
          if (!trainable.has(n)) {
            const t = backbone.get(n);
            if (!t) {
              throw new Error(`backbone tensor ${n} is missing`);
            }
            trainable.set(n, tf.variable(t, true));
          }
        }
        for (const spec of plan.newTensors) {
          const t = initTensor(spec, adapterRng);
          trainable.set(spec.name, tf.variable(t, true));
          t.dispose();
        }
      } catch (e) {
        trainable.forEach(v => v.dispose());
        throw e;
      } finally {
        head.forEach(t => t.dispose());
      }
      const frozen: WeightMap = new Map();
      for (const [n, t] of backbone) {
        if (!trainable.has(n)) {
          frozen.set(n, t);
        }
      }
      // Without this the encoder's custom ops would compute every backbone weight gradient
      // (plain tensors count as trainable), making PEFT steps as slow as full fine-tuning.
      markFrozen(frozen.values());
      // PAPER.md: the classifier only (weight and bias) when the backbone trains (full
      // fine-tuning), whatever the architecture (no RoBERTa pooler); every trainable tensor under PEFT.
      const noise = definition.trainsBackbone
        ? [...CLASSIFIER_NAMES]
        : [...trainable.keys()];
      return new ModelState(
        name,
        config,
        numClasses,
        frozen,
        trainable,
        plan,
        noise
      );
    }
  };
}

function checkInputs(
  config: IEncoderConfig,
  backbone: WeightMap,
  numClasses: number
): void {
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new RangeError(
      `numClasses must be an integer >= 2, got ${String(numClasses)}`
    );
  }
  if (backbone.size === 0) {
    throw new Error('the backbone weight map is empty');
  }
  if (!['bert', 'roberta', 'albert'].includes(config.architecture)) {
    throw new RangeError(
      `unsupported architecture ${JSON.stringify(config.architecture)}; valid: bert, roberta, albert`
    );
  }
}
