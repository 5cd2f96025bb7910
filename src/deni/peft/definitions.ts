import type { Architecture, IEncoderConfig, WeightMap } from '../model/types';
import type { TuningMethodName } from '../contract/tuning-methods';
import { ia3Plan } from './ia3';
import { loraPlan } from './lora';
import type { IMethodPlan } from './method-plan';
import { ia3Settings, loraSettings, uniPeltSettings } from './settings';
import type { ITuningOverrides } from './types';
import { uniPeltPlan } from './unipelt';

/** Builds one method's plan for a backbone, with settings already checked. */
export type MethodPlanner = (
  config: IEncoderConfig,
  backbone: WeightMap
) => IMethodPlan;

/** What is particular to one tuning method; `getTuningMethod` does the rest alike for all. */
export interface ITuningMethodDefinition {
  /**
   * Applies and checks the overrides now (so a bad sweep fails before any model is built) and
   * returns the planner that uses them.
   */
  configure(overrides: ITuningOverrides): MethodPlanner;
  /** PAPER.md's learning rate for this method on an architecture. */
  paperLearningRate(architecture: Architecture): number;
  /**
   * The whole backbone trains (full fine-tuning): the RoBERTa pooler always trains with it, and
   * weight noise goes on the head only (PEFT: on every trainable tensor).
   */
  trainsBackbone: boolean;
}

const full: ITuningMethodDefinition = {
  configure: () => (_config, backbone) => ({
    trainableBackbone: [...backbone.entries()]
      .filter(([, t]) => t.dtype === 'float32')
      .map(([n]) => n),
    newTensors: [],
    hooks: () => undefined
  }),
  paperLearningRate: () => 1e-5,
  trainsBackbone: true
};

const lora: ITuningMethodDefinition = {
  configure: overrides => {
    const s = loraSettings(overrides);
    return (config, backbone) => loraPlan(config, backbone, s);
  },
  paperLearningRate: architecture => (architecture === 'roberta' ? 1e-5 : 1e-4),
  trainsBackbone: false
};

const ia3: ITuningMethodDefinition = {
  configure: overrides => {
    const s = ia3Settings(overrides);
    return (config, backbone) => ia3Plan(config, backbone, s);
  },
  paperLearningRate: () => 7.5e-3,
  trainsBackbone: false
};

const unipelt: ITuningMethodDefinition = {
  configure: overrides => {
    const s = uniPeltSettings(overrides);
    return (config, backbone) => uniPeltPlan(config, backbone, s);
  },
  paperLearningRate: architecture =>
    architecture === 'roberta'
      ? 2.5e-4
      : architecture === 'albert'
        ? 6e-5
        : 1e-4,
  trainsBackbone: false
};

/** Each tuning method of the contract's table, by name (the compiler checks none is missing). */
export const TUNING_METHOD_IMPLEMENTATIONS: {
  readonly [N in TuningMethodName]: ITuningMethodDefinition;
} = { full, lora, ia3, unipelt };

/** PAPER.md learning rates by method and architecture. */
export function paperLearningRate(
  method: TuningMethodName,
  architecture: Architecture
): number {
  return TUNING_METHOD_IMPLEMENTATIONS[method].paperLearningRate(architecture);
}
