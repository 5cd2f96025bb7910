/**
 * The training engine (DESIGN.md `src/deni/train`): explicit-state Adam/AdamW, the linear
 * schedule, seeded dropout, ordered batches, training members (one model's trainable state over
 * a shared frozen backbone), evaluation metrics, majority vote, the cost meter and run errors.
 */
export type {
  IMetrics,
  IOptimizerConfig,
  IScheduleConfig,
  ITokenisedSet,
  ITrainableModel
} from './types';
export { ADAM_DEFAULTS, ADAMW_DEFAULTS, AdamOptimizer } from './optimizer';
export { linearLr, linearSchedule } from './schedule';
export { dropoutMask, seededDropout } from './dropout';
export {
  batchOrder,
  disposeBatch,
  makeBatch,
  sequentialBatches,
  subset,
  totalSteps
} from './batches';
export {
  addWeightNoise,
  assignParams,
  averageParams,
  cloneParams,
  disposeParams,
  tensorStd,
  type ParamMap
} from './weights';
export {
  crossEntropy,
  predict,
  TrainingMember,
  type IStepExtras
} from './member';
export { classificationMetrics, majorityVote } from './metrics';
export { CostMeter } from './cost-meter';
export {
  isOutOfMemory,
  NonFiniteLossError,
  OutOfMemoryError,
  RunAbortedError
} from './errors';
export { defaultLearningRate } from './learning-rates';
