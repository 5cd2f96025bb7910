/**
 * The Hugging Face Hub client of the engine: the standard settings (HF_ENDPOINT, HF_TOKEN and the
 * token file, HF_HUB_OFFLINE, HF_HOME / HF_HUB_CACHE, proxies), the standard cache layout shared
 * with Python, revisions resolved to commits, and downloads that stream, check size and hash,
 * retry, and run once under a cross-process lock.
 */
export * from './settings';
export * from './errors';
export {
  type ICachedFile,
  type IResolution,
  isCommit,
  readRef,
  repoFolder
} from './cache';
export {
  cachedResolution,
  peekResolution,
  resolveRepo,
  type IResolveRequest
} from './resolve';
export {
  PARQUET_REF,
  resolveParquet,
  type IParquetRequest,
  type IParquetResolution,
  type ITreeEntry,
  type ParquetListing
} from './parquet';
export {
  chooseModelFiles,
  resolveModelRepo,
  shardsOf,
  SUPPORTED_WEIGHTS
} from './model-files';
export { formatBytes, formatProgress, terminalReporter } from './progress';
export type { IHubPin } from './pin';
