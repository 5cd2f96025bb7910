/**
 * One run assembled from a RunSpec (DESIGN.md `src/deni/run`): data, tokeniser, model, tuning
 * method and strategy, executed into a RunResult. `executeRun` is the run function every worker
 * loads (sweep/runner.ts); `getStrategy` is re-exported so the sweep can check strategy
 * parameters without importing strategies itself.
 */
export {
  executeRun,
  prepareRunData,
  tokenise,
  type IExecuteOptions,
  type IRunData
} from './execute-run';
export { stateModel } from './model-adapter';
export { getStrategy } from '../strategies/registry';
