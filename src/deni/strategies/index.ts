/**
 * Mitigation strategies (DESIGN.md `src/deni/strategies`): one module per strategy behind
 * `IStrategy` (plan without training, run with training), the registry, `deni plan` text, and
 * `executeRun`, which turns one RunSpec into a RunResult.
 */
export type {
  IDataNeeds,
  IParamSpec,
  IPlan,
  IPlanConfig,
  IPlanCost,
  IStrategy,
  IStrategyContext,
  IStrategyOutcome,
  IRunState,
  ParamValue,
  PredictionRule,
  StrategyParams
} from './types';
export { getStrategy, isStrategyName, listStrategies } from './registry';
export {
  formatCostTable,
  formatPlan,
  planCostTable,
  type ICostRow
} from './format-plan';
export { ENSEMBLE_SIZE } from './plan';
export { memberSeeds } from './engine';
export { niCycles, noiseMultiplier, stepAt } from './schedule';
export {
  executeRun,
  prepareRunData,
  tokenise,
  type IExecuteOptions,
  type IRunData
} from './execute-run';
export { stateModel } from './model-adapter';
