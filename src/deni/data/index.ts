/**
 * Data sets for DENI sweeps: built-in offline sets shipped by registry packages, the paper's seven
 * sets from the Hugging Face Hub (cached locally), local CSV/JSONL/Parquet files, the paper's split
 * and label-budget protocol, and augmentation sources. May import src/deni/random only.
 */
export type {
  DatasetSource,
  IAugmentOptions,
  IDataset,
  IDatasetCard,
  IDatasetFileSpec,
  IExample,
  ILoadOptions,
  ISplit,
  ISplitOptions,
  ParaphraseTable
} from './types';
export { listDatasets, formatDataCards, findDatasetCard } from './cards';
export {
  loadDataset,
  parseDatasetSpec,
  datasetKey,
  type ParsedDatasetSpec
} from './load';
export { loadFile, FILE_MAX_LENGTH } from './files';
export { DataError } from './errors';
export { BUILTIN_DATASETS, type IBuiltinDataset } from './builtin';
export { paperSplit, dedupeTexts, ALL_DATA_CAP, TEST_FRACTION } from './split';
export { joinPair } from './pair';
export {
  PAPER_DATASETS,
  GENERIC_HUB_ID,
  fetchHubDataset,
  cachedHubDataset,
  cachedHubDir,
  hubClassNames,
  hubCacheDir,
  hubEndpoint,
  type IHubDatasetSpec
} from './hub';
export { loadParaphrases, augment } from './augment';
export {
  augmentWithParaphrases,
  loadParaphraseFile,
  PARAPHRASE_COLUMNS,
  type ParaphraseMap
} from './paraphrases';
export { WordNet } from './wordnet';
