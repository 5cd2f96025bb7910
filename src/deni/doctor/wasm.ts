import { existsSync } from 'node:fs';
import path from 'node:path';
import { coreCount, wasmThreadCount } from '../backend/threads';
import type { IBackendCheck } from './types';

// The smallest module using a v128 instruction (as wasm-feature-detect's SIMD probe).
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8,
  0, 65, 0, 253, 15, 253, 98, 11
]);

/** Whether this Node's WebAssembly has SIMD and shared memory (threads), and the tfjs-wasm files. */
export function checkWasm(root: string): IBackendCheck {
  const simd = WebAssembly.validate(SIMD_PROBE);
  let shared = false;
  try {
    shared =
      typeof SharedArrayBuffer === 'function' &&
      new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true })
        .buffer instanceof SharedArrayBuffer;
  } catch {
    shared = false;
  }
  const dist = path.join(
    root,
    'node_modules',
    '@tensorflow',
    'tfjs-backend-wasm',
    'dist'
  );
  const files = [
    'tfjs-backend-wasm-simd.wasm',
    'tfjs-backend-wasm-threaded-simd.wasm'
  ];
  const missing = files.filter(f => !existsSync(path.join(dist, f)));
  const details = [
    `SIMD: ${simd ? 'yes' : 'no'}`,
    `threads (shared WebAssembly memory): ${shared ? 'yes' : 'no'}; ${wasmThreadCount()} thread(s) per process on ${coreCount()} cores ($DENI_WASM_THREADS)`
  ];
  const fixes: string[] = [];
  if (missing.length > 0) {
    details.push(`missing ${missing.join(', ')} in ${dist}`);
    fixes.push(
      'npm ci (reinstalls @tensorflow/tfjs-backend-wasm), or set DENI_WASM_DIR to a folder holding its .wasm files'
    );
  }
  if (!simd) {
    fixes.push('use Node 20 or newer (WebAssembly SIMD)');
  }
  return { name: 'wasm', usable: simd && missing.length === 0, details, fixes };
}
