/**
 * Sweeps (DESIGN.md `src/deni/sweep`): the SweepSpec schema and parser, RunSpec identity (canonical
 * config hash + seeds), the SQLite result store with CSV/JSON export, executors (in-process, local
 * worker processes, BullMQ on Redis) and runSweep, which ties them together and resumes.
 */
export * from '../contract';
export {
  DEFAULT_STORE,
  SWEEP_DEFAULTS,
  SWEEP_SPEC_SCHEMA,
  SweepSpecError,
  describeSchema,
  fieldError,
  locateSpecErrors,
  normalizeSweepSpec,
  parseSweepSpec,
  pointerToPath,
  validateSweepSpec,
  type IParseOptions,
  type IParsedSweep,
  type ISpecError
} from './spec';
export { RUN_KEY_VERSION, canonicalJson, runIdentity, runKey } from './run-key';
export {
  FALLBACK_MAX_LENGTH,
  PAPER_MAX_LENGTH,
  describeRun,
  expandSweep,
  type IExpandOptions
} from './expand';
export {
  ResultStore,
  StoreError,
  STORE_SCHEMA_VERSION,
  checkResult,
  type IRunFailure,
  type IStoredSweep
} from './store';
export {
  LONG_COLUMNS,
  exportResults,
  toCsv,
  toJson,
  toLongRows,
  type ExportFormat,
  type ILongRow
} from './export';
export {
  InlineExecutor,
  isAbortError,
  type IExecutor,
  type IExecutorHooks
} from './executor';
export {
  LocalExecutor,
  defaultWorkerCount,
  workerCommand,
  type ILocalExecutorOptions
} from './local-executor';
export {
  DEFAULT_QUEUE,
  RedisConnectionError,
  RedisExecutor,
  checkRedis,
  maskRedisUrl,
  runRedisWorker,
  type IRedisExecutorOptions,
  type IRedisWorkerHandle,
  type IRedisWorkerOptions
} from './redis-executor';
export { defaultRunOne, loadRunner } from './runner';
export { checkStrategyParams } from './strategy-check';
export {
  createExecutor,
  dataRegistryDefaults,
  resolveStorePath,
  results,
  runSweep,
  type IRunSweepOptions,
  type ISweepOutcome
} from './run-sweep';
export { resolveSweepInputs, type ISweepInputs } from './inputs';
export {
  exportJsonl,
  RUNS_FORMAT,
  RUNS_FORMAT_VERSION,
  type IRunLine,
  type IRunsHeader
} from './jsonl-export';
export {
  importRuns,
  importRunsFile,
  formatImportSummary,
  ImportError,
  type IImportSummary
} from './import-runs';
