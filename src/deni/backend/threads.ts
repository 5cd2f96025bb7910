// Thread counts of the wasm back-end; plain Node (no tfjs), so the sweep executors can import it.
import os from 'node:os';

/** Environment variable: XNNPACK threads of the wasm back-end (1 = the single-thread build). */
export const WASM_THREADS_ENV = 'DENI_WASM_THREADS';

/** tfjs-wasm pre-creates this many pthread workers; more threads than this cannot run. */
export const MAX_WASM_THREADS = 8;

/** Cores this process may use (os.availableParallelism where Node has it). */
export function coreCount(): number {
  return typeof os.availableParallelism === 'function'
    ? os.availableParallelism()
    : os.cpus().length;
}

/**
 * Threads for the wasm back-end: $DENI_WASM_THREADS when set (an integer 1..8, else an error
 * naming the value), otherwise one per core, at most 8. The thread count never changes results:
 * XNNPACK splits matmuls by output tiles, so every output element is summed by one thread in the
 * same order (checked bit for bit by `model/determinism.test.ts`).
 */
export function wasmThreadCount(
  env: NodeJS.ProcessEnv = process.env,
  cores: number = coreCount()
): number {
  const raw = env[WASM_THREADS_ENV];
  if (raw === undefined || raw.trim() === '') {
    return Math.max(1, Math.min(MAX_WASM_THREADS, cores));
  }
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_WASM_THREADS) {
    throw new Error(
      `${WASM_THREADS_ENV}='${raw}' is not valid: use an integer from 1 to ${MAX_WASM_THREADS} (threads of the wasm back-end)`
    );
  }
  return n;
}

/**
 * The wasm threads each of `workers` processes sharing this machine should use: the cores split
 * evenly (at least one each), unless $DENI_WASM_THREADS already says.
 */
export function threadsPerWorker(
  workers: number,
  env: NodeJS.ProcessEnv = process.env,
  cores: number = coreCount()
): number {
  return wasmThreadCount(env, Math.floor(cores / workers));
}
