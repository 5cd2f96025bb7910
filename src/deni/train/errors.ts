/** A run stopped because its loss became NaN or infinite. */
export class NonFiniteLossError extends Error {
  constructor(
    readonly step: number,
    readonly learningRate: number,
    readonly strategy: string,
    readonly loss: number,
    readonly model = 'main'
  ) {
    super(
      `loss became ${loss} at optimiser step ${step} (${model} model, learning rate ` +
        `${learningRate}, strategy '${strategy}'); lower the learning rate or check the data`
    );
    this.name = 'NonFiniteLossError';
  }
}

/** A run ran out of memory; `config` describes what was being trained. */
export class OutOfMemoryError extends Error {
  constructor(
    readonly config: string,
    readonly cause?: unknown
  ) {
    super(
      `out of memory while running ${config}: ${
        cause instanceof Error ? cause.message : String(cause)
      } (reduce the batch size, max length or K, or use a back-end with more memory)`
    );
    this.name = 'OutOfMemoryError';
  }
}

/** A run stopped because its AbortSignal fired. */
export class RunAbortedError extends Error {
  constructor(readonly step: number) {
    super(`run aborted at optimiser step ${step}`);
    this.name = 'AbortError';
  }
}

/** Whether an error thrown by tfjs, wasm or V8 means memory ran out. */
export function isOutOfMemory(err: unknown): boolean {
  const text =
    err instanceof Error ? `${err.name} ${err.message}` : String(err);
  return /out of memory|\boom\b|array buffer allocation failed|cannot allocate|allocation failed|memory access out of bounds|could not grow memory|WebAssembly\.Memory|invalid array length|heap limit/i.test(
    text
  );
}
