import * as tf from '@tensorflow/tfjs-core';
import { cpuModel } from './cpu';
import { ensureGradients } from './gradients';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  configureWebgpu,
  describeAdapter,
  type IAdapterInfoLike,
  isSoftwareAdapter,
  webgpuModeNote
} from './webgpu';
import {
  type Availability,
  type BackendName,
  type IBackendChoice,
  type IBackendProbe,
  chooseBackend
} from './select';
import {
  type ILoadedTensorflow,
  loadTfjsNode,
  loadedTensorflow
} from './native-tensorflow';
import { wasmThreadCount } from './threads';
import { installWasmKernels } from './wasm-kernels';
import { registerThreadedWasm } from './wasm-threads';

const WASM_FILE = 'tfjs-backend-wasm-simd.wasm';

// import.meta.url is empty when a runner (tsx) compiles this file as CommonJS; the working
// directory then stands in, which is the repository root for scripts and tests.
function moduleUrl(): string {
  const url = (import.meta as { url?: string }).url;
  return url ?? pathToFileURL(path.join(process.cwd(), 'index.js')).href;
}

// A non-literal specifier keeps bundlers from resolving (and failing on) optional packages.
async function importOptional(specifier: string): Promise<unknown> {
  const spec = specifier;
  return import(/* @vite-ignore */ spec);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message.split('\n')[0] : String(e);
}

/**
 * Folder holding the tfjs wasm binaries: $DENI_WASM_DIR, else the installed
 * @tensorflow/tfjs-backend-wasm package's dist/, else the folder of this (bundled) module.
 * Nothing is ever fetched from the network.
 */
export function wasmDir(): string {
  const candidates: string[] = [];
  if (process.env.DENI_WASM_DIR) {
    candidates.push(process.env.DENI_WASM_DIR);
  }
  try {
    const req = createRequire(moduleUrl());
    const pkg = req.resolve('@tensorflow/tfjs-backend-wasm/package.json');
    candidates.push(path.join(path.dirname(pkg), 'dist'));
  } catch {
    // not resolvable from here: fall through to the bundle's own folder
  }
  candidates.push(path.dirname(fileURLToPath(moduleUrl())));
  for (const dir of candidates) {
    if (existsSync(path.join(dir, WASM_FILE))) {
      return dir;
    }
  }
  throw new Error(
    `Cannot find ${WASM_FILE}; looked in ${candidates.join(', ')}. ` +
      'Reinstall @tensorflow/tfjs-backend-wasm or set DENI_WASM_DIR to a folder holding its .wasm files.'
  );
}

/** The sentence of a run's back-end reason for native TensorFlow. */
export function describeTensorflow(t: ILoadedTensorflow): string {
  return (
    `native TensorFlow${t.tensorflowVersion ? ` ${t.tensorflowVersion}` : ''} through ${t.package} on the ${t.gpu ? 'GPU' : 'CPU'}, ` +
    `${t.threads} intra-op thread${t.threads > 1 ? 's' : ''} ($DENI_TF_THREADS)` +
    (t.asyncEager ? ', async eager' : '')
  );
}

interface IGpuLike {
  requestAdapter(): Promise<unknown>;
}

let webgpuGpu: IGpuLike | null = null;

/** Probes the optional back-ends for real: loads tfjs-node, asks Dawn for an adapter. */
export const defaultProbe: IBackendProbe = {
  async tensorflow(): Promise<Availability> {
    try {
      const t = loadTfjsNode(fileURLToPath(moduleUrl()));
      if (!tf.findBackend('tensorflow')) {
        return {
          ok: false,
          why: `${t.package} loaded but registered no 'tensorflow' back-end (tfjs-core version mismatch?)`
        };
      }
      return { ok: true, detail: describeTensorflow(t) };
    } catch (e) {
      return { ok: false, why: e instanceof Error ? e.message : String(e) };
    }
  },
  async webgpu(): Promise<Availability> {
    // Outside the try: a bad DENI_WEBGPU_DETERMINISTIC is a configuration error, not "unavailable".
    const mode = webgpuModeNote();
    try {
      const mod = (await importOptional('webgpu')) as {
        create(options: string[]): IGpuLike;
        globals: Record<string, unknown>;
      };
      Object.assign(globalThis, mod.globals);
      webgpuGpu ??= mod.create([]);
      const adapter = (await webgpuGpu.requestAdapter()) as {
        info?: IAdapterInfoLike;
        isFallbackAdapter?: boolean;
      } | null;
      if (!adapter) {
        return {
          ok: false,
          why: 'Dawn (npm webgpu) found no GPU adapter (needs a Vulkan driver it accepts, e.g. Mesa 25+)'
        };
      }
      const name = describeAdapter(adapter.info);
      return {
        ok: true,
        detail: `Dawn adapter ${name}; ${mode}`,
        ...(isSoftwareAdapter(adapter.info, adapter.isFallbackAdapter)
          ? {
              autoSkip: `Dawn adapter ${name} is a software (CPU) renderer, no faster than wasm`
            }
          : {})
      };
    } catch (e) {
      return {
        ok: false,
        why: `the webgpu package cannot start: ${errorText(e)}`
      };
    }
  }
};

// tfjs-wasm takes its file paths and thread count only before its first start; this holds why
// the thread count is what it is once the back-end was set up.
let wasmThreadsWhy: string | null = null;

const WASM_THREADS_NOTE = '$DENI_WASM_THREADS; results do not depend on it';

// Registers the wasm back-end (threaded when more than one thread is asked for); returns why
// the thread count is what it is, for the back-end reason.
async function startWasm(): Promise<string> {
  if (wasmThreadsWhy !== null) {
    return wasmThreadsWhy;
  }
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  let threads = wasmThreadCount();
  let why = WASM_THREADS_NOTE;
  const dir = wasmDir() + path.sep;
  if (threads > 1) {
    try {
      // tfjs-wasm's own threaded start makes blob: URL workers, which Node rejects.
      registerThreadedWasm(wasm, dir, threads, moduleUrl());
    } catch (e) {
      // e.g. a bundle without tfjs-wasm's package folder: same results, one thread.
      why = `the threaded build cannot start here: ${errorText(e)}`;
      threads = 1;
    }
  }
  if (threads === 1) {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    wasm.setWasmPaths({
      'tfjs-backend-wasm.wasm': dir + 'tfjs-backend-wasm.wasm',
      'tfjs-backend-wasm-simd.wasm': dir + 'tfjs-backend-wasm-simd.wasm',
      'tfjs-backend-wasm-threaded-simd.wasm':
        dir + 'tfjs-backend-wasm-threaded-simd.wasm'
    });
  }
  wasmThreadsWhy = why;
  return why;
}

// Starts back-end `name`; returns a note for its reason (the wasm thread count), or ''.
async function start(name: IBackendChoice['name']): Promise<string> {
  let why = '';
  if (name === 'cpu') {
    await import('@tensorflow/tfjs-backend-cpu');
  } else if (name === 'wasm') {
    why = await startWasm();
  } else if (name === 'webgpu') {
    if (!webgpuGpu) {
      throw new Error('webgpu back-end started without a probed adapter');
    }
    const g = globalThis as unknown as { navigator?: { gpu?: unknown } };
    if (!g.navigator) {
      Object.defineProperty(globalThis, 'navigator', {
        value: {},
        configurable: true,
        writable: true
      });
    }
    // Node 21+ has a global navigator without `gpu`; define it rather than assign.
    Object.defineProperty(g.navigator, 'gpu', {
      value: webgpuGpu,
      configurable: true,
      writable: true
    });
    await import('@tensorflow/tfjs-backend-webgpu');
    await configureWebgpu();
  }
  const ok = await tf.setBackend(name);
  if (!ok) {
    throw new Error(
      `tfjs could not initialise the '${name}' back-end${name === 'wasm' ? ` (wasm threads: ${why}; DENI_WASM_THREADS=1 uses the single-thread build)` : ''}`
    );
  }
  await tf.ready();
  if (name !== 'wasm') {
    return '';
  }
  // The pool tfjs-wasm really made (the thread count never changes results, only speed).
  const { getThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
  const threads = Math.max(1, getThreadsCount());
  wasmThreadsCount = threads;
  let kernels =
    'fused SIMD kernels (Adam, GELU, LayerNorm, attention products, bias gradients, transpose)';
  try {
    await installWasmKernels();
  } catch (e) {
    // Same results through tfjs's own kernels, only slower.
    kernels = `no fused kernels (${errorText(e)})`;
  }
  return `${threads} thread${threads > 1 ? 's' : ''} (${why}); ${kernels}`;
}

let current: IBackendChoice | null = null;
// The pool tfjs-wasm made, once started.
let wasmThreadsCount: number | null = null;

/**
 * Chooses and starts a tfjs back-end (default wasm). `auto` takes the fastest available and the
 * returned reason says which and why; an unavailable explicit choice throws with the cause.
 * Calling again with the same resolved back-end is cheap.
 */
export async function initBackend(
  name: BackendName = 'wasm',
  probe: IBackendProbe = defaultProbe
): Promise<{ name: string; reason: string }> {
  ensureGradients();
  const choice = await chooseBackend(name, probe);
  if (current?.name === choice.name && tf.getBackend() === choice.name) {
    return { ...current };
  }
  const note = await start(choice.name);
  current = note ? { ...choice, reason: `${choice.reason}; ${note}` } : choice;
  return { ...current };
}

/**
 * What a run records about the back-end it ran on (RunResult.versions): the back-end, its thread
 * count, the CPU (`cpuModel()`) and, on native TensorFlow, TensorFlow's version, the tfjs-node
 * package, the device and whether eager ops ran async.
 */
export function runtimeVersions(): Record<string, string> {
  const name = current?.name ?? tf.getBackend();
  // Recorded so that wall times can be told apart by machine; not part of the run key: it changes
  // no bits on wasm, and on native TensorFlow the same seeds gave identical predictions on a Zen 3
  // and a Zen 4 (both `AMD EPYC`).
  const out: Record<string, string> = { backend: name, cpu: cpuModel() };
  if (name === 'tensorflow') {
    const t = loadedTensorflow();
    if (t) {
      out.tensorflow = t.tensorflowVersion ?? 'unknown';
      out['tfjs-node'] = t.package;
      out.device = t.gpu ? 'GPU' : 'CPU';
      out.threads = String(t.threads);
      // Recorded, not part of the run key: async eager runs the same kernels in the same order.
      out.eager = t.asyncEager ? 'async' : 'sync';
    }
  } else if (name === 'wasm') {
    out.threads = String(wasmThreadsCount ?? 1);
  } else if (name === 'cpu') {
    out.threads = '1';
  }
  return out;
}

/** The back-end in use, or null before initBackend. */
export function currentBackend(): IBackendChoice | null {
  return current;
}

/**
 * Reads a tensor's values; async because WebGPU in Node cannot read synchronously.
 * Use this instead of dataSync() in code that may run on any back-end.
 */
export async function readTensor(
  t: tf.Tensor
): Promise<Float32Array | Int32Array | Uint8Array> {
  return (await t.data()) as Float32Array | Int32Array | Uint8Array;
}
