/**
 * Mitigation strategies (DESIGN.md `src/deni/strategies`): one module per strategy behind
 * `IStrategy` (plan without training, run with training), the registry and `deni plan` text.
 * Assembling a run from a RunSpec lives in src/deni/run.
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
export { ENSEMBLE_SIZE } from './build-plan';
export { memberSeeds } from './run-plan';
export { niCycles, noiseMultiplier, stepAt } from './schedule';
