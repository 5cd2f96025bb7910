import * as tf from '@tensorflow/tfjs-core';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/** The Emscripten module of tfjs-wasm's threaded build, as far as we use it. */
interface IEmscriptenModule {
  cwrap(
    name: string,
    ret: string | null,
    args: string[]
  ): (...args: number[]) => number;
  PThread?: { runningWorkers: { unref(): void }[] };
}

type EmscriptenFactory = (config: {
  locateFile(file: string, prefix: string): string;
  mainScriptUrlOrBlob: string;
}) => Promise<IEmscriptenModule>;

type WasmPackage = typeof import('@tensorflow/tfjs-backend-wasm');
type BackendWasmModule = ConstructorParameters<WasmPackage['BackendWasm']>[0];

// The pthread worker script ships as a string inside tfjs-wasm (tfjs turns it into a blob: URL,
// which Node's Worker rejects); we write it once to a file named by its content hash.
function workerScriptFile(contents: string): string {
  // tfjs un-escapes newlines the same way before making its blob.
  const text = contents.replace(/\n/g, '\\n');
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const dir = path.join(os.tmpdir(), `jupyterlab-deni-wasm-${hash}`);
  const file = path.join(dir, 'tfjs-wasm-pthread.worker.cjs');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  }
  return file;
}

// tfjs-wasm sizes its thread pool as min(requested, logical cores / 2), assuming two
// hyper-threads per core (src/cc/backend.cc). Emscripten reads the core count from os.cpus()
// while the module starts, so for that moment only we report enough cores for the threads asked
// for; the pool then has exactly `threads` threads (initBackend reports the count it got).
async function withReportedCores<T>(
  cores: number,
  start: () => Promise<T>
): Promise<T> {
  const realCpus = os.cpus;
  if (realCpus().length >= cores) {
    return start();
  }
  os.cpus = () => {
    const real = realCpus();
    return Array.from({ length: cores }, (_, i) => real[i % real.length]);
  };
  try {
    return await start();
  } finally {
    os.cpus = realCpus;
  }
}

/**
 * Registers tfjs's 'wasm' back-end on tfjs-wasm's own threaded SIMD build with `threads`
 * XNNPACK threads, started the way Node can start it: the pthread worker script from a file
 * (not a blob: URL) and the .wasm from `wasmDir`. Uses only tfjs-wasm's exported BackendWasm and
 * setThreadsCount plus the Emscripten factory file the package ships; the kernels stay tfjs's.
 * The pool's workers are unref'd so that they never keep Node alive.
 */
export function registerThreadedWasm(
  wasmPackage: WasmPackage,
  wasmDir: string,
  threads: number,
  resolveFrom: string
): void {
  const req = createRequire(resolveFrom);
  const pkgDir = path.dirname(
    req.resolve('@tensorflow/tfjs-backend-wasm/package.json')
  );
  const factoryFile = path.join(
    pkgDir,
    'wasm-out',
    'tfjs-backend-wasm-threaded-simd.js'
  );
  const factory = req(factoryFile) as EmscriptenFactory;
  const { wasmWorkerContents } = req(
    path.join(pkgDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js')
  ) as { wasmWorkerContents: string };
  const workerFile = workerScriptFile(wasmWorkerContents);
  const wasmFile = path.join(wasmDir, 'tfjs-backend-wasm-threaded-simd.wasm');
  if (!existsSync(wasmFile)) {
    throw new Error(`missing ${wasmFile}`);
  }

  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      const module = await withReportedCores(2 * threads, () =>
        factory({
          locateFile: (file, prefix) =>
            file.endsWith('.worker.js')
              ? workerFile
              : file.endsWith('.wasm')
                ? wasmFile
                : prefix + file,
          mainScriptUrlOrBlob: factoryFile
        })
      );
      const wrap = (name: string, ret: string | null, args: string[]) =>
        module.cwrap(name, ret, args);
      // The same bindings tfjs-wasm's own init() attaches.
      Object.assign(module, {
        tfjs: {
          init: wrap('init', null, []),
          initWithThreadsCount: wrap('init_with_threads_count', null, [
            'number'
          ]),
          getThreadsCount: wrap('get_threads_count', 'number', []),
          registerTensor: wrap('register_tensor', null, [
            'number',
            'number',
            'number'
          ]),
          disposeData: wrap('dispose_data', null, ['number']),
          dispose: wrap('dispose', null, [])
        }
      });
      wasmPackage.setThreadsCount(threads);
      const backend = new wasmPackage.BackendWasm(
        module as unknown as BackendWasmModule
      );
      for (const worker of module.PThread?.runningWorkers ?? []) {
        worker.unref();
      }
      return backend;
    },
    2
  );
}
