import { describe, expect, it } from 'vitest';
import {
  MAX_WASM_THREADS,
  WASM_THREADS_ENV,
  threadsPerWorker,
  wasmThreadCount
} from './threads';

describe('wasm thread count', () => {
  it('defaults to one thread per core, at most 8', () => {
    expect(wasmThreadCount({}, 2)).toBe(2);
    expect(wasmThreadCount({}, 1)).toBe(1);
    expect(wasmThreadCount({ [WASM_THREADS_ENV]: ' ' }, 64)).toBe(
      MAX_WASM_THREADS
    );
  });

  it('takes $DENI_WASM_THREADS and names a bad value and the valid range', () => {
    expect(wasmThreadCount({ [WASM_THREADS_ENV]: '3' }, 2)).toBe(3);
    for (const bad of ['0', '9', '1.5', 'two']) {
      expect(() => wasmThreadCount({ [WASM_THREADS_ENV]: bad }, 2)).toThrow(
        new RegExp(`DENI_WASM_THREADS='${bad}'.*integer from 1 to 8`)
      );
    }
  });

  it('splits the cores among sweep workers unless the variable says', () => {
    expect(threadsPerWorker(1, {}, 16)).toBe(8);
    expect(threadsPerWorker(4, {}, 16)).toBe(4);
    expect(threadsPerWorker(2, {}, 2)).toBe(1);
    expect(threadsPerWorker(3, {}, 2)).toBe(1);
    expect(threadsPerWorker(2, { [WASM_THREADS_ENV]: '2' }, 2)).toBe(2);
  });
});
