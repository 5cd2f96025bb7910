/**
 * Tuning methods (full fine-tuning, LoRA, IA3, UniPELT) behind one interface: which tensors
 * train, how they are created from the init generator, the encoder hooks that use them, and
 * copies that duplicate only the trainable state.
 */
export type {
  IHookOptions,
  IIa3Settings,
  ILoraSettings,
  IModelState,
  IModuleSelector,
  ITuningMethod,
  ITuningOverrides,
  IUniPeltSettings,
  TuningMethodName
} from './types';
export { TUNING_METHODS, getTuningMethod } from './methods';
export { runModel } from './forward';
export {
  paperLearningRate,
  TUNING_METHOD_IMPLEMENTATIONS,
  type ITuningMethodDefinition
} from './definitions';
export { loraScaling, paperIa3, paperLora, paperUniPelt } from './settings';
export type { InitScheme, ITensorSpec } from './init';
