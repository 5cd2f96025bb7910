// Native TensorFlow through @tensorflow/tfjs-node(-gpu): where the binding is, how its TensorFlow
// is configured (threads, determinism) before it loads, loading it, and what a doctor reports.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
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
 * Environment variable the setup-built binding reads when it creates its eager context
 * (scripts/tfjs-node-async-eager.patch): '1' runs TensorFlow's eager ops asynchronously. A binding
 * built without the patch ignores it.
 */
export const TF_ASYNC_ENV = 'TFJS_NODE_ASYNC';

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
 * step's bits did not depend on the thread count (1, 2 and 3 threads measured).
 *
 * Async eager ($TFJS_NODE_ASYNC, the setup-built binding) on the CPU at any thread count:
 * Node's thread queues each op and goes on to the next while TensorFlow's executor thread runs
 * the kernels, the same kernels in the same order, so the bits are those of sync mode
 * (bench/README.md). Measured on an idle 2-core machine, a sweep of 2 workers x 1 thread
 * finished in 0.86x the sync wall time with the same results, although each worker then has two
 * threads that are sometimes busy at once. Off on a GPU, where it was not measured.
 * Values the user already set are kept.
 */
export function tensorflowEnv(
  threads: number,
  env: NodeJS.ProcessEnv = process.env,
  gpu = false
): Record<string, string> {
  const keep = (name: string, value: string): string =>
    env[name] !== undefined && env[name] !== '' ? (env[name] as string) : value;
  return {
    TF_NUM_INTRAOP_THREADS: String(threads),
    TF_NUM_INTEROP_THREADS: keep('TF_NUM_INTEROP_THREADS', '1'),
    TF_DETERMINISTIC_OPS: keep('TF_DETERMINISTIC_OPS', '1'),
    TF_ENABLE_ONEDNN_OPTS: keep('TF_ENABLE_ONEDNN_OPTS', '1'),
    TF_CPP_MIN_LOG_LEVEL: keep('TF_CPP_MIN_LOG_LEVEL', '2'),
    [TF_ASYNC_ENV]: keep(TF_ASYNC_ENV, gpu ? '0' : '1')
  };
}

/** The GPUs `nvidia-smi` lists (name, driver, memory), or why it lists none. */
export interface INvidiaGpus {
  gpus: string[];
  /** Why `gpus` is empty (no driver, nvidia-smi failed, CUDA_VISIBLE_DEVICES hides them), else null. */
  why: string | null;
}

/**
 * The GPUs this process may use, as `nvidia-smi` lists them (CUDA_VISIBLE_DEVICES='' or '-1'
 * hides them all, as it does from TensorFlow), and why none are listed: the one place the
 * engine (which build to load first) and the doctor ask the driver.
 */
export function nvidiaGpus(env: NodeJS.ProcessEnv = process.env): INvidiaGpus {
  const mask = env.CUDA_VISIBLE_DEVICES;
  if (mask !== undefined && (mask.trim() === '' || mask.trim() === '-1')) {
    return { gpus: [], why: `CUDA_VISIBLE_DEVICES='${mask}' hides them` };
  }
  try {
    const out = execFileSync(
      'nvidia-smi',
      ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader'],
      {
        encoding: 'utf8',
        timeout: 20_000,
        stdio: ['ignore', 'pipe', 'pipe'],
        env
      }
    );
    const gpus = out
      .split('\n')
      .map(l => l.trim())
      .filter(Boolean);
    return { gpus, why: gpus.length ? null : 'nvidia-smi lists no GPU' };
  } catch (e) {
    return {
      gpus: [],
      why:
        (e as { code?: string }).code === 'ENOENT'
          ? 'nvidia-smi not found (no NVIDIA driver installed)'
          : `nvidia-smi failed: ${(e as Error).message.split('\n')[0]}`
    };
  }
}

/** The GPUs this process may use (nvidiaGpus without the reason). */
export function visibleGpus(env: NodeJS.ProcessEnv = process.env): string[] {
  return nvidiaGpus(env).gpus;
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
  /**
   * The prefix (scripts/setup.sh's .cache/tfjs-node or $DENI_TFJS_NODE_DIR) whose node_modules
   * holds it, or null when ordinary resolution found it (a node_modules of the project).
   */
  prefix: string | null;
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

// The prefix whose node_modules holds `dir` (resolution may walk past a prefix into the
// project's node_modules, so the folder found, not the base asked, decides).
function prefixHolding(dir: string, prefixes: string[]): string | null {
  for (const prefix of prefixes) {
    const modules = realOrNull(path.join(prefix, 'node_modules'));
    if (modules && dir.startsWith(modules + path.sep)) {
      return prefix;
    }
  }
  return null;
}

/**
 * Finds each tfjs-node package (setup's prefix first, then normal resolution) without loading
 * it. `fromFile` is where the search starts: the engine's own file, or a project's package.json.
 */
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
      prefix: dir ? prefixHolding(dir, prefixes) : null,
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
  /**
   * Whether TensorFlow runs the eager ops asynchronously ($TFJS_NODE_ASYNC with a binding built
   * with scripts/tfjs-node-async-eager.patch); false for a binding without the patch.
   */
  asyncEager: boolean;
}

let loaded: ILoadedTensorflow | null = null;

interface IBindingLike {
  TF_Version?: string;
  isUsingGpuDevice?: () => boolean;
  /** Only in a binding built with scripts/tfjs-node-async-eager.patch. */
  isAsyncEager?: boolean;
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
    Object.assign(process.env, tensorflowEnv(threads, env, gpus.length > 0));
    try {
      const req = createRequire(path.join(where.dir, 'package.json'));
      req(where.dir);
      const binding = nativeBindingOf(req);
      loaded = {
        package: pkg,
        dir: where.dir,
        tensorflowVersion: binding?.TF_Version ?? null,
        threads,
        gpu: binding?.isUsingGpuDevice?.() ?? false,
        asyncEager: binding?.isAsyncEager === true
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

/** A CUDA / cuDNN shared library found on this machine. */
export interface ICudaLibrary {
  /** The library, e.g. 'libcudnn'. */
  name: string;
  file: string;
  /** The version its file name carries (libcudnn.so.9 -> '9'), if any. */
  version?: string;
  /**
   * How it was found, in the order searched: 'tensorflow' (an nvidia-* wheel beside the linked
   * libtensorflow: the CUDA TensorFlow loads), 'venv' (the project venv's nvidia-* wheels),
   * 'LD_LIBRARY_PATH', 'ldconfig'.
   */
  where: 'tensorflow' | 'venv' | 'LD_LIBRARY_PATH' | 'ldconfig';
}

const CUDA_LIBS = [
  'libcudart',
  'libcublas',
  'libcublasLt',
  'libcudnn',
  'libcufft',
  'libcusolver',
  'libcusparse',
  'libnccl',
  'libnvrtc',
  'libnvJitLink',
  'libnvinfer'
];

// nvidia/*/lib of the nvidia-* wheels (tensorflow[and-cuda]'s CUDA and cuDNN) in a site-packages.
function nvidiaWheelLibDirs(sitePackages: string): string[] {
  const nvidia = path.join(sitePackages, 'nvidia');
  if (!existsSync(nvidia)) {
    return [];
  }
  return readdirSync(nvidia).map(sub => path.join(nvidia, sub, 'lib'));
}

// The site-packages folders of `root`/.venv (lib/python*/site-packages).
function venvSitePackages(root: string): string[] {
  const lib = path.join(root, '.venv', 'lib');
  if (!existsSync(lib)) {
    return [];
  }
  return readdirSync(lib).map(py => path.join(lib, py, 'site-packages'));
}

/**
 * CUDA and cuDNN libraries TensorFlow could load: the nvidia-* wheels beside each linked
 * libtensorflow (its site-packages), those of `root`/.venv, the folders of $LD_LIBRARY_PATH and
 * what `ldconfig -p` lists; each file once, in that order.
 */
export function cudaLibraries(
  options: {
    libtensorflow?: (string | null)[];
    root?: string;
    env?: NodeJS.ProcessEnv;
  } = {}
): ICudaLibrary[] {
  const env = options.env ?? process.env;
  const found = new Map<string, ICudaLibrary>();
  const add = (file: string, where: ICudaLibrary['where']): void => {
    const base = path.basename(file);
    const name = CUDA_LIBS.find(l => base.startsWith(`${l}.so`));
    if (name && !found.has(file)) {
      const version = /\.so\.([\d.]+)$/.exec(base)?.[1];
      found.set(file, { name, file, ...(version ? { version } : {}), where });
    }
  };
  const scan = (dirs: string[], where: ICudaLibrary['where']): void => {
    for (const dir of dirs) {
      if (existsSync(dir)) {
        for (const f of readdirSync(dir).sort()) {
          add(path.join(dir, f), where);
        }
      }
    }
  };
  for (const lib of options.libtensorflow ?? []) {
    if (lib) {
      // site-packages/tensorflow/libtensorflow_cc.so.2 -> site-packages
      scan(nvidiaWheelLibDirs(path.dirname(path.dirname(lib))), 'tensorflow');
    }
  }
  if (options.root) {
    scan(venvSitePackages(options.root).flatMap(nvidiaWheelLibDirs), 'venv');
  }
  scan(
    (env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean),
    'LD_LIBRARY_PATH'
  );
  try {
    for (const line of execFileSync('ldconfig', ['-p'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore']
    }).split('\n')) {
      const m = /=>\s*(\S+)$/.exec(line.trim());
      if (m) {
        add(m[1], 'ldconfig');
      }
    }
  } catch {
    // no ldconfig (or not on PATH): the folders above still count
  }
  return [...found.values()];
}

/** Everything a doctor reports about the native back-end, gathered without side effects. */
export interface INativeTensorflowReport {
  /** Each tfjs-node package: where it is, whether its binding is built, the libtensorflow it links. */
  packages: ITfjsNodeLocation[];
  /** The binding loaded in this process (after `load: true` or initBackend), else null. */
  loaded: ILoadedTensorflow | null;
  /** Why loading failed (with `load: true`) or the thread setting is invalid, else null. */
  error: string | null;
  /** GPUs nvidia-smi lists (empty without a driver or with CUDA_VISIBLE_DEVICES hiding them). */
  gpus: string[];
  /** Why `gpus` is empty, else null. */
  gpusWhy: string | null;
  /** CUDA / cuDNN libraries: beside the linked TensorFlow first, then the venv, LD_LIBRARY_PATH, ldconfig. */
  cudaLibraries: ICudaLibrary[];
  /** TensorFlow's intra-op threads this process would use (0 when the setting is invalid). */
  threads: number;
}

/**
 * What `deni doctor` reports about native TensorFlow: packages found, bindings built, the
 * libtensorflow and CUDA libraries, visible GPUs, threads; with `load: true` it also loads the
 * binding (registering the 'tensorflow' back-end in this process) to report TensorFlow's version
 * and device, or why it cannot load. `fromFile` (where the search starts) defaults to this
 * module's file; `root`, a project folder whose .venv is searched for CUDA wheels.
 */
export function nativeTensorflowReport(
  options: {
    load?: boolean;
    fromFile?: string;
    root?: string;
    env?: NodeJS.ProcessEnv;
  } = {}
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
  const gpus = nvidiaGpus(env);
  return {
    packages,
    loaded,
    error,
    gpus: gpus.gpus,
    gpusWhy: gpus.why,
    cudaLibraries: cudaLibraries({
      libtensorflow: packages.map(p => p.libtensorflow),
      root: options.root,
      env
    }),
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
 * Whether a built binding has scripts/tfjs-node-async-eager.patch (without loading it: the
 * patched binding's exports name `isAsyncEager`, so its file holds that name).
 */
export function bindingHasAsyncEager(bindingFile: string): boolean {
  try {
    return readFileSync(bindingFile).includes('isAsyncEager');
  } catch {
    return false;
  }
}

/**
 * Whether a tfjs-node(-gpu) binding is built where this engine would load it (without loading
 * it; `dir` is its package), whether it has the async-eager patch, and if none is built, why:
 * for tests that need the real back-end and skip saying why without it.
 */
export function tensorflowBindingStatus(
  fromFile: string = thisFile(),
  env: NodeJS.ProcessEnv = process.env
):
  | { built: true; at: string; dir: string; asyncEager: boolean }
  | { built: false; why: string } {
  const found = locateTfjsNode(fromFile, env);
  const built = found.find(l => l.binding !== null);
  if (built?.binding && built.dir) {
    return {
      built: true,
      at: built.binding,
      dir: built.dir,
      asyncEager: bindingHasAsyncEager(built.binding)
    };
  }
  const present = found.find(l => l.dir !== null);
  return {
    built: false,
    why: present
      ? `${present.package} at ${present.dir} has no built binding (run scripts/setup.sh)`
      : `no @tensorflow/tfjs-node(-gpu) is installed (scripts/setup.sh builds it in ${NATIVE_PREFIX})`
  };
}
