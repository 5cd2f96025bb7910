/**
 * deni/planning: planning a study before it trains - the runs its variance question needs
 * (report/power.ts's simulation, from a pilot sweep or the normal assumption), the step time of
 * the engine on this machine (measured once per machine and version, cached), and the sweep's
 * expected wall time with its workers.
 */
export {
  planStudy,
  formatStudyPlan,
  type IStudyPlan,
  type IStudyPlanRequest
} from './plan-study';
export {
  answerPowerQuestion,
  formatEstimate,
  formatPowerAnswer,
  pilotFromResults,
  planWarnings,
  type IPowerAnswer,
  type IPowerQuestion
} from './study-plan';
export {
  estimateSweep,
  type IEstimateOptions,
  type IGroupEstimate,
  type ISweepEstimate
} from './sweep-estimate';
export {
  estimateSweepSeconds,
  measuredWallSeconds,
  runSeconds,
  type IRunWork,
  type IWallEstimate
} from './estimate';
export {
  cachedStepTime,
  stepTime,
  stepTimeCacheFile,
  stepTimeKey,
  type IStepTimeEntry,
  type IStepTimeOptions
} from './step-time';
export type { IStepTime, IStepTimeRequest } from './measure';
export { effectiveLengths, type IEffectiveLengths } from './seq-lengths';
export { machineKey, packageVersion, type IMachineKey } from './machine';
export { reportTiming } from './report-timing';
export { formatDuration } from '../report/summary';
export {
  datasetChoices,
  modelChoices,
  type IDatasetChoice,
  type IModelChoice
} from './choices';
