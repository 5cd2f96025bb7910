/**
 * The DENI Jupyter kernel (TypeScript on Node): Jupyter messaging protocol 5.3 over ZeroMQ,
 * `%%deni` magics, a persistent TypeScript context with the engine as `deni`, progress displays
 * and kernelspec install. Entry point: main.ts (dist/kernel.mjs). Never touches the DOM.
 */
export { startKernel, type IStartedKernel } from './start';
export {
  DeniKernel,
  KERNEL_VERSION,
  toErrorContent,
  type IKernelOptions
} from './kernel';
export { KernelIO, type IKernelIOOptions } from './kernel-io';
export { createEngine, asMimeBundle } from './engine';
export {
  loadEngine,
  loadLibrary,
  librarySpecifier,
  unavailableEngine,
  type DeniLibrary
} from './engine-loader';
export type {
  IDeniEngine,
  IPlanRequest,
  ICellSweepOptions,
  ISpecProblem,
  ICellSweepOutcome
} from './engine-types';
export { SweepBodyError } from './engine-types';
export {
  DISPLAY_NAME,
  KERNEL_NAME,
  installKernelspec,
  kernelSpecJson,
  kernelsDir,
  userDataDir,
  type IInstallTarget,
  type IKernelSpecJson
} from './kernelspec';
export {
  parseCell,
  splitArgs,
  parseOptions,
  MagicSyntaxError,
  type ParsedCell
} from './magics/grammar';
export { MAGICS, helpText, findMagic, type IMagicDoc } from './magics/help';
export {
  interpolate,
  hasInterpolation,
  InterpolationError
} from './magics/interpolate';
export { ProgressDisplay, type ProgressRenderer } from './progress';
export { ReplContext, InterruptedError, type IReplHost } from './repl/context';
export { transformCell, CellSyntaxError } from './repl/transform';
export { formatValue, MIME_BUNDLE } from './repl/format';
export { watchParent, parentPid } from './parent-watch';
export {
  readConnectionFile,
  parseConnection,
  type IConnectionInfo
} from './protocol/connection';
export { decode, encode, sign, WireError } from './protocol/wire';
export * from './protocol/messages';
