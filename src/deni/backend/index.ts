/** Choosing and starting the tfjs back-end (wasm default, cpu, webgpu, native tensorflow). */
export {
  initBackend,
  currentBackend,
  describeTensorflow,
  runtimeVersions,
  defaultProbe,
  readTensor,
  wasmDir
} from './init';
export { CPUINFO_FILE, cpuModel, type ICpuLike } from './cpu';
export {
  describeResolvedBackend,
  resolveBackend,
  type BackendResolver,
  type IResolveBackendOptions,
  type IResolvedBackend
} from './resolve';
export {
  BACKEND_NAMES,
  BACKEND_PREFERENCE,
  chooseBackend,
  parseBackendName,
  type Availability,
  type BackendName,
  type IBackendChoice,
  type IBackendProbe
} from './select';
export {
  DETERMINISM_ENV,
  PACKED_MATMUL_PROGRAM,
  configureWebgpu,
  describeAdapter,
  isSoftwareAdapter,
  setWebgpuDeterministic,
  webgpuDeterministic,
  webgpuModeNote,
  type IAdapterInfoLike
} from './webgpu';
export {
  NATIVE_PREFIX,
  TF_THREADS_ENV,
  TFJS_NODE_DIR_ENV,
  TFJS_NODE_PACKAGES,
  cudaLibraries,
  nativeTensorflowReport,
  nvidiaGpus,
  tensorflowBindingStatus,
  tensorflowThreadCount,
  type ICudaLibrary,
  type ILoadedTensorflow,
  type INativeTensorflowReport,
  type INvidiaGpus,
  type ITfjsNodeLocation
} from './native-tensorflow';
