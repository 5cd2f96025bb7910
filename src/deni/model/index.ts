/**
 * Encoders (BERT, RoBERTa, ALBERT) built from Hugging Face checkpoints, the pooled-output
 * classifier head, the safetensors reader and the model registry.
 */
export * from './types';
export { parseConfig } from './config';
export {
  CHECKPOINT_ABOVE_BYTES,
  checkpointedGrads,
  forward,
  layerModuleNames,
  shouldCheckpoint,
  weightOf,
  HEAD_DROPOUT
} from './encoder';
export { initHead } from './head';
export { batchTensors } from './batch';
export { expectedShapes, poolerNames } from './shapes';
export {
  canonicalName,
  loadConfig,
  loadModel,
  openModel,
  readWeights,
  weightsFromTensors,
  type ILoadedModel
} from './load';
export {
  cacheDir,
  DEFAULT_MODEL,
  hfEndpoint,
  isModelDir,
  listModels,
  MODELS,
  REQUIRED_FILES,
  missingModelFiles,
  resolveModel,
  resolveModelPinned,
  WEIGHT_FILES,
  type IModelEntry,
  type IModelOptions,
  type IResolvedModel,
  type IModelListing
} from './registry';
export {
  parseSafetensors,
  readSafetensors,
  serializeSafetensors,
  writeSafetensors,
  type ISafeTensor,
  type ISafetensorsFile
} from './safetensors';
export {
  activation,
  batchMatMul,
  gatherRows,
  isTrainable,
  layerNorm,
  markFrozen,
  matMulWT
} from './ops';
