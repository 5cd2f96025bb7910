/**
 * deni/report: statistics over run results (mean, std, bootstrap intervals, Brown-Forsythe and
 * Welch tests against default, relative cost), paper-style and plain tables in HTML, Markdown,
 * LaTeX, CSV and text, plotly figure specs, and the report MIME bundle. Imports sweep types only
 * (plus src/deni/random for the seeded bootstrap).
 *
 * Browser code (the plugin) should import './browser' instead: this file also pulls in the
 * statistics, which need jstat and node:crypto (through Rng).
 */
export * from './browser';
export { buildReport, runRows, type IBuildReportOptions } from './build';
export {
  computeStats,
  isFailedRun,
  statsOfGroups,
  type IStatsOptions
} from './stats';
export {
  bootstrapMeanStd,
  DEFAULT_CONFIDENCE,
  DEFAULT_RESAMPLES,
  type IBootstrapResult
} from './bootstrap';
export {
  pairByRun,
  SIGN_FLIP_DRAWS,
  SIGN_FLIP_EXACT_MAX,
  signFlipTest,
  winsTiesLosses,
  type IPairable,
  type IPairing,
  type ISignFlipOptions,
  type ISignFlipResult,
  type IWinsTiesLosses
} from './paired';
export {
  brownForsythe,
  fSurvival,
  tTwoSided,
  welchTTest,
  type ITestResult
} from './hypothesis';
export {
  mean,
  median,
  populationStd,
  quantile,
  quantileSorted,
  sampleStd,
  sampleVariance
} from './descriptive';
export {
  brownForsytheTwo,
  describeScoreModel,
  detectableRatio,
  fTestPower,
  NORMAL_MODEL,
  pilotModel,
  POWER_DEFAULTS,
  runsNeeded,
  simulatePower,
  type IPowerEstimate,
  type IRunsNeeded,
  type ScoreModel
} from './power';
export {
  groupResults,
  groupKeyOf,
  type IGroupKey,
  type IRunGroup
} from './groups';
