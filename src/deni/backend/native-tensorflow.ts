// Native TensorFlow through @tensorflow/tfjs-node(-gpu): where the binding is, how its TensorFlow
// is configured (threads, determinism) before it loads, loading it, and what a doctor reports.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { wasmThreadCount } from './threads';

/** The tfjs-node packages, GPU build first. */
export const TFJS_NODE_PACKAGES = [
  '@tensorflow/tfjs-node-gpu',
  '@tensorflow/tfjs-node'
] as const;

/** A tfjs-node package name. */
export type TfjsNodePackage = (typeof TFJS_NODE_PACKAGES)[number];

/** Environment variable: a folder whose node_modules holds a built tfjs-node(-gpu). */
export const TFJS_NODE_DIR_ENV = 'DENI_TFJS_NODE_DIR';

/** Environment variable: TensorFlow's intra-op threads (default: the wasm thread count rule). */
export const TF_THREADS_ENV = 'DENI_TF_THREADS';

/**
 * Where scripts/setup.sh builds tfjs-node against the project venv's TensorFlow, relative to the
 * project root: a package folder of its own, outside the project's npm tree, so that `npm ci` /
 * `npm install` (which prune packages missing from package.json) never remove it, and tfjs-node's
 * install script (which downloads libtensorflow) never runs.
 */
export const NATIVE_PREFIX = path.join('.cache', 'tfjs-node');

/**
 * TensorFlow's intra-op threads: $DENI_TF_THREADS when set, else the same rule as the wasm
 * back-end ($DENI_WASM_THREADS, which the local executor sets to each worker's share of the
 * cores, else one per core, at most 8).
 */
export function tensorflowThreadCount(
  env: NodeJS.ProcessEnv = process.env
): number {
  const raw = env[TF_THREADS_ENV];
  if (raw === undefined || raw.trim() === '') {
    return wasmThreadCount(env);
  }
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new Error(
      `${TF_THREADS_ENV}='${raw}' is not valid: use an integer from 1 to 256 (TensorFlow's intra-op threads)`
    );
  }
  return n;
}

/**
 * The environment TensorFlow reads when the binding loads (it creates its one eager context
 * then): intra-op threads pinned to `threads`, one inter-op thread (eager ops run one at a time
 * anyway), op determinism on, log noise off, and TensorFlow's oneDNN rewrites on (its x86
 * default, made explicit): a MiniLM training step took ~20 % less CPU time with them than
 * without, although single element-wise ops cost more (bench/README.md), and with them the
 * step's bits did not depend on the thread count (1, 2 and 3 threads measured). Values the
 * user already set are kept.
 */
export function tensorflowEnv(
  threads: number,
  env: NodeJS.ProcessEnv = process.env
): Record<string, string> {
  const keep = (name: string, value: string): string =>
    env[name] !== undefined && env[name] !== '' ? (env[name] as string) : value;
  return {
    TF_NUM_INTRAOP_THREADS: String(threads),
    TF_NUM_INTEROP_THREADS: keep('TF_NUM_INTEROP_THREADS', '1'),
    TF_DETERMINISTIC_OPS: keep('TF_DETERMINISTIC_OPS', '1'),
    TF_ENABLE_ONEDNN_OPTS: keep('TF_ENABLE_ONEDNN_OPTS', '1'),
    TF_CPP_MIN_LOG_LEVEL: keep('TF_CPP_MIN_LOG_LEVEL', '2')
  };
}

/** Whether `nvidia-smi -L` lists a GPU this process may use (CUDA_VISIBLE_DEVICES respected). */
export function visibleGpus(env: NodeJS.ProcessEnv = process.env): string[] {
  const mask = env.CUDA_VISIBLE_DEVICES;
  if (mask !== undefined && (mask.trim() === '' || mask.trim() === '-1')) {
    return [];
  }
  try {
    const out = execFileSync('nvidia-smi', ['-L'], {
      encoding: 'utf8',
      timeout: 10_000,
      stdio: ['ignore', 'pipe', 'ignore'],
      env
    });
    return out
      .split('\n')
      .map(l => l.trim())
      .filter(l => /^GPU \d+/.test(l));
  } catch {
    return [];
  }
}

/**
 * The order to try the packages in: the GPU build first when a GPU is visible; otherwise the
 * CPU build first (the GPU build also runs on the CPU, so it still comes second).
 */
export function packageOrder(gpuVisible: boolean): TfjsNodePackage[] {
  return gpuVisible
    ? [...TFJS_NODE_PACKAGES]
    : [...TFJS_NODE_PACKAGES].reverse();
}

/**
 * Folders whose node_modules may hold a setup-built tfjs-node: $DENI_TFJS_NODE_DIR, then
 * NATIVE_PREFIX under each folder above `fromFile` (the engine's own file: src/deni/backend or
 * dist/ of the project).
 */
export function nativePrefixes(
  fromFile: string,
  env: NodeJS.ProcessEnv = process.env
): string[] {
  const out: string[] = [];
  if (env[TFJS_NODE_DIR_ENV]) {
    out.push(path.resolve(env[TFJS_NODE_DIR_ENV] as string));
  }
  let dir = path.dirname(fromFile);
  for (;;) {
    const prefix = path.join(dir, NATIVE_PREFIX);
    if (existsSync(path.join(prefix, 'node_modules'))) {
      out.push(prefix);
    }
    const up = path.dirname(dir);
    if (up === dir) {
      break;
    }
    dir = up;
  }
  return [...new Set(out)];
}

/** Where a package would be loaded from, and whether its native binding file exists. */
export interface ITfjsNodeLocation {
  package: TfjsNodePackage;
  /** The package folder, or null when not installed anywhere we look. */
  dir: string | null;
  /** The built tfjs_binding.node, or null when none is built. */
  binding: string | null;
  /** The libtensorflow its binding links (deps/lib/libtensorflow.so resolved), or null. */
  libtensorflow: string | null;
}

function resolvePackageDir(
  pkg: string,
  prefixes: string[],
  fromFile: string
): string | null {
  for (const base of [
    ...prefixes.map(p => path.join(p, 'package.json')),
    fromFile
  ]) {
    try {
      const req = createRequire(base);
      return path.dirname(req.resolve(`${pkg}/package.json`));
    } catch {
      // not under this base
    }
  }
  return null;
}

function realOrNull(file: string): string | null {
  try {
    return realpathSync(file);
  } catch {
    return null;
  }
}

/** Finds each tfjs-node package (setup's prefix first, then normal resolution) without loading it. */
export function locateTfjsNode(
  fromFile: string,
  env: NodeJS.ProcessEnv = process.env
): ITfjsNodeLocation[] {
  const prefixes = nativePrefixes(fromFile, env);
  return TFJS_NODE_PACKAGES.map(pkg => {
    const dir = resolvePackageDir(pkg, prefixes, fromFile);
    let binding: string | null = null;
    if (dir && existsSync(path.join(dir, 'lib'))) {
      for (const sub of readdirSync(path.join(dir, 'lib')).sort().reverse()) {
        const file = path.join(dir, 'lib', sub, 'tfjs_binding.node');
        if (existsSync(file)) {
          binding = file;
          break;
        }
      }
    }
    return {
      package: pkg,
      dir,
      binding,
      libtensorflow: dir
        ? realOrNull(path.join(dir, 'deps', 'lib', 'libtensorflow.so'))
        : null
    };
  });
}

/** What the loaded binding says about itself. */
export interface ILoadedTensorflow {
  package: TfjsNodePackage;
  dir: string;
  /** TensorFlow's own version (TF_Version() of the C API it links), null if it does not say. */
  tensorflowVersion: string | null;
  /** TensorFlow's intra-op threads as configured before loading. */
  threads: number;
  /** Whether the eager context placed ops on a GPU. */
  gpu: boolean;
}

let loaded: ILoadedTensorflow | null = null;

interface IBindingLike {
  TF_Version?: string;
  isUsingGpuDevice?: () => boolean;
}

/**
 * Loads the first tfjs-node package that works (GPU build first when a GPU is visible), with
 * TensorFlow's threads and determinism set first; returns what loaded, or throws with each
 * package's reason. Loading twice returns the first result (a process has one binding).
 */
export function loadTfjsNode(
  fromFile: string,
  env: NodeJS.ProcessEnv = process.env
): ILoadedTensorflow {
  if (loaded) {
    return loaded;
  }
  const threads = tensorflowThreadCount(env);
  const gpus = visibleGpus(env);
  const locations = locateTfjsNode(fromFile, env);
  const errors: string[] = [];
  for (const pkg of packageOrder(gpus.length > 0)) {
    const where = locations.find(l => l.package === pkg);
    if (!where?.dir) {
      continue;
    }
    Object.assign(process.env, tensorflowEnv(threads, env));
    try {
      const req = createRequire(path.join(where.dir, 'package.json'));
      req(where.dir);
      const binding = nativeBindingOf(req);
      loaded = {
        package: pkg,
        dir: where.dir,
        tensorflowVersion: binding?.TF_Version ?? null,
        threads,
        gpu: binding?.isUsingGpuDevice?.() ?? false
      };
      return loaded;
    } catch (e) {
      const text = e instanceof Error ? e.message.split('\n')[0] : String(e);
      errors.push(
        `${pkg}: ${text} (at ${where.dir}${where.binding ? '' : '; its native binding is not built: run scripts/setup.sh'})`
      );
    }
  }
  throw new Error(
    errors.length
      ? errors.join('; ')
      : `neither ${TFJS_NODE_PACKAGES.join(' nor ')} is installed (scripts/setup.sh builds @tensorflow/tfjs-node against the venv's TensorFlow)`
  );
}

// The binding object tfjs-node loaded (node-pre-gyp's path), for TF_Version and the device.
function nativeBindingOf(req: NodeRequire): IBindingLike | null {
  try {
    const pkgJson = req.resolve('./package.json');
    const preGyp = req('@mapbox/node-pre-gyp') as {
      find(p: string): string;
    };
    return req(preGyp.find(pkgJson)) as IBindingLike;
  } catch {
    return null;
  }
}

/** The binding loaded by loadTfjsNode in this process, or null. */
export function loadedTensorflow(): ILoadedTensorflow | null {
  return loaded;
}

/** Everything a doctor reports about the native back-end, gathered without side effects. */
export interface INativeTensorflowReport {
  /** Each tfjs-node package: where it is, whether its binding is built, the libtensorflow it links. */
  packages: ITfjsNodeLocation[];
  /** The binding loaded in this process (after `load: true` or initBackend), else null. */
  loaded: ILoadedTensorflow | null;
  /** Why loading failed (with `load: true`), else null. */
  error: string | null;
  /** GPUs nvidia-smi lists (empty without a driver or with CUDA_VISIBLE_DEVICES hiding them). */
  gpus: string[];
  /** CUDA / cuDNN libraries beside the linked TensorFlow (the `tensorflow[and-cuda]` wheels). */
  cudaLibraries: string[];
  /** TensorFlow's intra-op threads this process would use. */
  threads: number;
}

const CUDA_LIB =
  /^lib(cudart|cublas|cublasLt|cudnn|cufft|cusolver|cusparse|nccl|nvrtc|nvJitLink)\.so/;

// CUDA libraries of the nvidia-* wheels in the site-packages folder holding `libtensorflow`.
function cudaLibrariesNear(libtensorflow: string | null): string[] {
  if (!libtensorflow) {
    return [];
  }
  const nvidia = path.join(path.dirname(path.dirname(libtensorflow)), 'nvidia');
  if (!existsSync(nvidia)) {
    return [];
  }
  const out: string[] = [];
  for (const sub of readdirSync(nvidia)) {
    const lib = path.join(nvidia, sub, 'lib');
    if (existsSync(lib)) {
      for (const f of readdirSync(lib)) {
        if (CUDA_LIB.test(f)) {
          out.push(path.join(lib, f));
        }
      }
    }
  }
  return out.sort();
}

/**
 * What `deni doctor` reports about native TensorFlow: packages found, bindings built, the
 * libtensorflow and CUDA libraries, visible GPUs, threads; with `load: true` it also loads the
 * binding (registering the 'tensorflow' back-end in this process) to report TensorFlow's version
 * and device, or why it cannot load. `fromFile` defaults to this module's file.
 */
export function nativeTensorflowReport(
  options: { load?: boolean; fromFile?: string; env?: NodeJS.ProcessEnv } = {}
): INativeTensorflowReport {
  const env = options.env ?? process.env;
  const fromFile = options.fromFile ?? thisFile();
  const packages = locateTfjsNode(fromFile, env);
  let error: string | null = null;
  if (options.load) {
    try {
      loadTfjsNode(fromFile, env);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
  }
  let threads = 0;
  try {
    threads = tensorflowThreadCount(env);
  } catch (e) {
    error ??= e instanceof Error ? e.message : String(e);
  }
  return {
    packages,
    loaded,
    error,
    gpus: visibleGpus(env),
    cudaLibraries: [
      ...new Set(packages.flatMap(p => cudaLibrariesNear(p.libtensorflow)))
    ],
    threads
  };
}

// This module's file; the working directory stands in when a runner compiles it as CommonJS.
function thisFile(): string {
  const url = (import.meta as { url?: string }).url;
  return url ? fileURLToPath(url) : path.join(process.cwd(), 'index.js');
}

/** This module's file (the default starting point for finding the project's prefix). */
export const NATIVE_MODULE_FILE = (): string => thisFile();

/**
 * Whether a tfjs-node(-gpu) binding is built where this engine would load it (without loading
 * it), and if not, why: for tests that need the real back-end and skip saying why without it.
 */
export function tensorflowBindingStatus(
  fromFile: string = thisFile(),
  env: NodeJS.ProcessEnv = process.env
): { built: true; at: string } | { built: false; why: string } {
  const found = locateTfjsNode(fromFile, env);
  const built = found.find(l => l.binding !== null);
  if (built?.binding) {
    return { built: true, at: built.binding };
  }
  const present = found.find(l => l.dir !== null);
  return {
    built: false,
    why: present
      ? `${present.package} at ${present.dir} has no built binding (run scripts/setup.sh)`
      : `no @tensorflow/tfjs-node(-gpu) is installed (scripts/setup.sh builds it in ${NATIVE_PREFIX})`
  };
}
