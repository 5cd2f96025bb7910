import * as tf from '@tensorflow/tfjs-core';
import type {
  KernelBackend,
  KernelConfig,
  KernelFunc,
  NamedAttrMap,
  NamedTensorInfoMap,
  TensorInfo
} from '@tensorflow/tfjs-core';

/*
 * A deterministic ScatterNd for tfjs-backend-webgpu. Its own kernel sums repeated indices with
 * float atomics (compare-exchange loops), so the order of the additions, and thus the rounding,
 * changes from run to run. The embedding gradient (src/deni/model/ops.ts gatherRows) scatters
 * with repeated token ids, so two identical training runs drift apart after the first step.
 * Here the same sum is a matmul: oneHot(ids)^T @ updates, whose reduction order is fixed by the
 * matmul program (deterministic once WEBGPU_MATMUL_PROGRAM_TYPE excludes split-K).
 */

/** Largest one-hot block (elements) built at once; larger scatters run in chunks of updates. */
export const ONE_HOT_CHUNK_ELEMENTS = 1 << 25;

const BACKEND = 'webgpu';

function kernel(name: string): KernelFunc {
  const config = tf.getKernel(name, BACKEND);
  if (!config) {
    throw new Error(
      `tfjs-backend-webgpu has no '${name}' kernel, which the deterministic scatter needs`
    );
  }
  return config.kernelFunc;
}

function run(
  name: string,
  backend: KernelBackend,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap = {}
): TensorInfo {
  return kernel(name)({ inputs, backend, attrs }) as TensorInfo;
}

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Builds the deterministic ScatterNd kernel. Only float32 updates with one index column
 * (rows of a table, the embedding-gradient case) take the matmul path; int32 sums are exact
 * with atomics anyway and other index ranks are not produced by our models, so both go to
 * `fallback` (the original kernel). `chunkElements` bounds the one-hot block's size.
 */
export function deterministicScatterNd(
  fallback: KernelFunc,
  chunkElements = ONE_HOT_CHUNK_ELEMENTS
): KernelFunc {
  return args => {
    const { inputs, attrs } = args;
    // tfjs types a kernel's back-end as {}; every registered back-end is a KernelBackend.
    const backend = args.backend as KernelBackend;
    const indices = inputs.indices as TensorInfo;
    const updates = inputs.updates as TensorInfo;
    const shape = (attrs as unknown as { shape: number[] }).shape;
    const sliceRank = indices.shape[indices.shape.length - 1] ?? 1;
    if (
      updates.dtype !== 'float32' ||
      indices.shape.length !== 2 ||
      sliceRank !== 1 ||
      product(shape) === 0
    ) {
      return fallback(args);
    }
    const n = indices.shape[0];
    const rows = shape[0];
    const slice = product(shape.slice(1));
    const temps: TensorInfo[] = [];
    const keep = (t: TensorInfo): TensorInfo => {
      temps.push(t);
      return t;
    };
    const flatIds = keep(
      run('Reshape', backend, { x: indices }, { shape: [n] })
    );
    const flatUpdates = keep(
      run('Reshape', backend, { x: updates }, { shape: [n, slice] })
    );
    const chunk = Math.max(1, Math.floor(chunkElements / rows));
    let total: TensorInfo | null = null;
    // Chunks are summed one after another in a fixed order, so chunking keeps determinism.
    for (let start = 0; start < n; start += chunk) {
      const size = Math.min(chunk, n - start);
      const ids =
        size === n
          ? flatIds
          : keep(
              run(
                'Slice',
                backend,
                { x: flatIds },
                { begin: [start], size: [size] }
              )
            );
      const upd =
        size === n
          ? flatUpdates
          : keep(
              run(
                'Slice',
                backend,
                { x: flatUpdates },
                { begin: [start, 0], size: [size, slice] }
              )
            );
      const oneHot = keep(
        run(
          'OneHot',
          backend,
          { indices: ids },
          { depth: rows, onValue: 1, offValue: 0, dtype: 'float32' }
        )
      );
      const a = keep(
        run('Reshape', backend, { x: oneHot }, { shape: [1, size, rows] })
      );
      const b = keep(
        run('Reshape', backend, { x: upd }, { shape: [1, size, slice] })
      );
      const part = run(
        'BatchMatMul',
        backend,
        { a, b },
        { transposeA: true, transposeB: false }
      );
      if (total === null) {
        total = part;
      } else {
        const sum = run('Add', backend, { a: total, b: part });
        temps.push(total, part);
        total = sum;
      }
    }
    const out = run('Reshape', backend, { x: total as TensorInfo }, { shape });
    temps.push(total as TensorInfo);
    for (const t of temps) {
      backend.disposeData(t.dataId);
    }
    return out;
  };
}

let original: KernelConfig | null = null;

/**
 * Swaps tfjs-backend-webgpu's ScatterNd for the deterministic one (on = true) or back.
 * Must run after '@tensorflow/tfjs-backend-webgpu' was imported (which registers its kernels).
 * Idempotent.
 */
export function useDeterministicScatter(on: boolean): void {
  const current = tf.getKernel('ScatterNd', BACKEND);
  if (!current) {
    throw new Error(
      "tfjs-backend-webgpu's ScatterNd kernel is not registered: import '@tensorflow/tfjs-backend-webgpu' first"
    );
  }
  const installed = original !== null;
  if (on === installed) {
    return;
  }
  // Unregister first: registering over an existing kernel logs a warning.
  tf.unregisterKernel('ScatterNd', BACKEND);
  if (on) {
    original = current;
    tf.registerKernel({
      kernelName: 'ScatterNd',
      backendName: BACKEND,
      kernelFunc: deterministicScatterNd(current.kernelFunc)
    });
  } else {
    tf.registerKernel(original as KernelConfig);
    original = null;
  }
}
