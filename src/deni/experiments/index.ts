/** Regenerating EXPERIMENTS.md from committed runs (see README.md). */
export {
  regenerateDocument,
  regenerateExperiments,
  RUNS_FILE,
  studyReports,
  tablesMarkdown,
  type IRegenerated,
  type IRegenerateOptions,
  type StudyReports
} from './regenerate';
export { renderFigurePngs } from './figures-png';
