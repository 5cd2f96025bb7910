import * as tf from '@tensorflow/tfjs-core';
import wabt from 'wabt';
import { kernelsWat } from './wasm-kernels-wat';

/*
 * Fused kernels for the wasm back-end. tfjs-wasm runs each tf op as its own pass over memory, its
 * Sqrt/Erf/Exp as scalar libm loops, its 2-D transpose with cache-thrashing strides, its
 * first-axis sums through a transpose and its rank-3 matmuls as a scalar loop, so Adam (13 ops per
 * tensor), exact GELU, LayerNorm, attention, weight transposes and bias gradients cost more than
 * they compute. These kernels are WebAssembly SIMD functions (their text in wasm-kernels-wat.ts
 * and wasm-head-matmul-wat.ts) assembled at start-up by wabt, the WebAssembly project's own
 * assembler, and instantiated on tfjs-wasm's own memory, so they read and write tensors where tfjs
 * keeps them: inputs through `BackendWasm.getMemoryOffset`, outputs from `BackendWasm.makeOutput`,
 * registered as ordinary tfjs kernels with tf.registerKernel. They never write into an input and
 * run on the calling thread, in a fixed order, so results do not depend on the thread count. Adam,
 * the GELU forward and the transpose give exactly the bits of the tf ops they replace (tested); the
 * rest are checked against tfjs's autodiff of the exact formulas.
 */

// tfjs kernel names (registered for wasm only).
const ADAM_KERNEL = 'DeniAdamUpdate';
const GELU_KERNEL = 'DeniGelu';
const LAYER_NORM_KERNEL = 'DeniLayerNorm';
const LAYER_NORM_GRAD_KERNEL = 'DeniLayerNormGrad';
const TRANSPOSE_KERNEL = 'DeniTranspose2D';
const COLUMN_SUMS_KERNEL = 'DeniColumnSums';
const ROW_SUMS_KERNEL = 'DeniRowSums';
const NON_ZERO_ROWS_KERNEL = 'DeniNonZeroRows';
const HEAD_MATMUL_KERNEL = 'DeniHeadMatmul';
const SOFTMAX_GRAD_KERNEL = 'DeniSoftmaxGrad';

type Pointers = (...args: number[]) => void;

interface IKernelExports {
  adam: Pointers;
  adam_first: Pointers;
  gelu_forward: Pointers;
  gelu_forward_rows: Pointers;
  layer_norm_forward: Pointers;
  layer_norm_backward: Pointers;
  transpose: Pointers;
  column_sums: Pointers;
  row_sums: Pointers;
  non_zero_rows: Pointers;
  head_matmul: Pointers;
  softmax_backward: Pointers;
}

// What the kernels need of tfjs-wasm's BackendWasm (its public methods and Emscripten module).
interface IWasmBackendLike {
  wasm: unknown;
  incRef(dataId: object): void;
  getMemoryOffset(dataId: object): number;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

// tfjs-wasm's memory: the threaded build keeps it on the module, the single-thread one exports it.
function backendMemory(backend: IWasmBackendLike): WebAssembly.Memory {
  const module = backend.wasm as {
    wasmMemory?: WebAssembly.Memory;
    asm?: { memory?: WebAssembly.Memory };
  };
  const memory = module.wasmMemory ?? module.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) {
    throw new Error(
      'the tfjs-wasm module exposes no WebAssembly.Memory (neither wasmMemory nor asm.memory)'
    );
  }
  return memory;
}

let installed: IKernelExports | null = null;

/** True on the wasm back-end once `installWasmKernels` has registered the fused kernels. */
export function hasWasmKernels(): boolean {
  return installed !== null && tf.getBackend() === 'wasm';
}

// Shapes and pointers of a kernel call's tensors.
class KernelCall {
  constructor(
    readonly backend: IWasmBackendLike,
    readonly inputs: tf.NamedTensorInfoMap,
    readonly kernel: string
  ) {}
  input(name: string): tf.TensorInfo {
    const t = this.inputs[name];
    if (!t) {
      throw new Error(`${this.kernel} needs input '${name}'`);
    }
    return t;
  }
  at(t: tf.TensorInfo | undefined): number {
    return t ? this.backend.getMemoryOffset(t.dataId) : 0;
  }
  output(shape: number[]): tf.TensorInfo {
    return this.backend.makeOutput(shape, 'float32');
  }
}

type KernelBody = (
  exports: IKernelExports,
  call: KernelCall,
  attrs: tf.NamedAttrMap
) => tf.TensorInfo[];

// A kernel of one matrix x [rows, cols] and one output of shape `outShape(rows, cols)`.
function matrixKernel(
  name: keyof IKernelExports,
  outShape: (rows: number, cols: number) => number[]
): KernelBody {
  return (exports, call) => {
    const x = call.input('x');
    const [rows, cols] = x.shape;
    const out = call.output(outShape(rows, cols));
    exports[name](call.at(x), call.at(out), rows, cols);
    return [out];
  };
}

const KERNELS: Record<string, KernelBody> = {
  [ADAM_KERNEL]: (exports, call, attrs) => {
    const p = call.input('p');
    const { m, v } = call.inputs;
    const a = attrs as unknown as IAdamAttrs;
    const out = [0, 1, 2].map(() => call.output(p.shape));
    (m && v ? exports.adam : exports.adam_first)(
      call.at(p),
      call.at(call.input('g')),
      call.at(m),
      call.at(v),
      ...out.map(o => call.at(o)),
      tf.util.sizeFromShape(p.shape),
      a.beta1,
      1 - a.beta1,
      a.beta2,
      1 - a.beta2,
      a.bc2Sqrt,
      a.eps,
      a.lr / a.bc1
    );
    return out;
  },
  [GELU_KERNEL]: (exports, call) => {
    const x = call.input('x');
    const { rowBias } = call.inputs;
    const out = [0, 1].map(() => call.output(x.shape));
    if (rowBias) {
      const [rows, cols] = x.shape;
      exports.gelu_forward_rows(
        call.at(x),
        call.at(rowBias),
        ...out.map(o => call.at(o)),
        rows,
        cols
      );
    } else {
      exports.gelu_forward(
        call.at(x),
        ...out.map(o => call.at(o)),
        tf.util.sizeFromShape(x.shape)
      );
    }
    return out;
  },
  [TRANSPOSE_KERNEL]: matrixKernel('transpose', (r, c) => [c, r]),
  [COLUMN_SUMS_KERNEL]: matrixKernel('column_sums', (_, c) => [c]),
  [ROW_SUMS_KERNEL]: matrixKernel('row_sums', r => [r]),
  [NON_ZERO_ROWS_KERNEL]: matrixKernel('non_zero_rows', r => [r]),
  [HEAD_MATMUL_KERNEL]: (exports, call, attrs) => {
    const h = attrs as unknown as IHeadMatmulAttrs;
    const out = call.output(h.outShape);
    const bytes = (view: IHeadView): number[] =>
      [view.batch, view.head, view.row].map(s => 4 * s);
    exports.head_matmul(
      call.at(call.input('a')),
      ...bytes(h.aView),
      4 * h.aView.col,
      call.at(call.input('b')),
      ...bytes(h.bView),
      call.at(out),
      ...bytes(h.outView),
      h.batches,
      h.heads,
      h.m,
      h.k,
      h.n,
      h.alpha
    );
    return [out];
  },
  [SOFTMAX_GRAD_KERNEL]: (exports, call) => {
    const y = call.input('y');
    const n = y.shape[y.shape.length - 1];
    const dx = call.output(y.shape);
    exports.softmax_backward(
      call.at(call.input('dy')),
      call.at(y),
      call.at(dx),
      tf.util.sizeFromShape(y.shape) / n,
      n
    );
    return [dx];
  },
  [LAYER_NORM_KERNEL]: (exports, call, attrs) => {
    const x = call.input('x');
    const d = x.shape[x.shape.length - 1];
    const perRow = [...x.shape.slice(0, -1), 1];
    const out = [
      call.output(x.shape),
      call.output(perRow),
      call.output(perRow)
    ];
    exports.layer_norm_forward(
      call.at(x),
      call.at(call.input('gamma')),
      call.at(call.input('beta')),
      ...out.map(o => call.at(o)),
      tf.util.sizeFromShape(x.shape) / d,
      d,
      attrs.eps as number
    );
    return out;
  },
  [LAYER_NORM_GRAD_KERNEL]: (exports, call) => {
    const x = call.input('x');
    const d = x.shape[x.shape.length - 1];
    const out = [call.output(x.shape), call.output([d]), call.output([d])];
    exports.layer_norm_backward(
      call.at(call.input('dy')),
      call.at(x),
      call.at(call.input('gamma')),
      call.at(call.input('mean')),
      call.at(call.input('rstd')),
      ...out.map(o => call.at(o)),
      tf.util.sizeFromShape(x.shape) / d,
      d
    );
    return out;
  }
};

/**
 * Assembles the fused kernels onto the running wasm back-end's memory and registers them with
 * tfjs (once per process; the back-end must be 'wasm').
 */
export async function installWasmKernels(): Promise<void> {
  if (installed) {
    return;
  }
  const memory = backendMemory(tf.backend() as unknown as IWasmBackendLike);
  const shared =
    typeof SharedArrayBuffer !== 'undefined' &&
    memory.buffer instanceof SharedArrayBuffer;
  const assembler = await wabt();
  const parsed = assembler.parseWat('deni-kernels.wat', kernelsWat(shared), {
    simd: true,
    threads: shared
  });
  // V8 validates the binary when it compiles it (wabt's own validator rejects shared memories
  // even with its threads feature on).
  const { buffer } = parsed.toBinary({});
  parsed.destroy();
  const instance = new WebAssembly.Instance(
    new WebAssembly.Module(Uint8Array.from(buffer)),
    { env: { memory } }
  );
  const exports = instance.exports as unknown as IKernelExports;
  for (const [kernelName, body] of Object.entries(KERNELS)) {
    tf.registerKernel({
      kernelName,
      backendName: 'wasm',
      kernelFunc: ({ inputs, backend, attrs }) =>
        body(
          exports,
          new KernelCall(
            backend as unknown as IWasmBackendLike,
            inputs,
            kernelName
          ),
          attrs ?? {}
        )
    });
  }
  shareIdentity();
  installed = exports;
}

/*
 * tfjs-wasm's Identity copies its input, and tfjs's engine runs Identity on every tensor a
 * gradient saves for the backward pass (~300 copies, ~10 ms of a MiniLM step). No tfjs kernel
 * writes into an input, so, like tfjs's cpu and webgl back-ends, this Identity hands out the same
 * data with one more reference.
 */
function shareIdentity(): void {
  tf.unregisterKernel(tf.Identity, 'wasm');
  tf.registerKernel({
    kernelName: tf.Identity,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const x = inputs.x;
      if (!x) {
        throw new Error('Identity needs input x');
      }
      (backend as unknown as IWasmBackendLike).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    }
  });
}

// Runs a registered kernel on float32 inputs, each of the element count given with it.
function run(
  kernel: string,
  inputs: Record<string, [tf.Tensor | undefined, number]>,
  attrs: tf.NamedAttrMap = {}
): tf.Tensor[] {
  if (!hasWasmKernels()) {
    throw new Error(
      `${kernel} needs the wasm back-end with installWasmKernels() done`
    );
  }
  const given: tf.NamedTensorMap = {};
  for (const [name, [t, size]] of Object.entries(inputs)) {
    if (!t) {
      continue;
    }
    if (t.size !== size || t.dtype !== 'float32') {
      throw new Error(
        `${kernel}: ${name} has shape [${t.shape}] (${t.dtype}); expected ${size} float32 values`
      );
    }
    given[name] = t;
  }
  return tf.engine().runKernel(kernel, given, attrs) as tf.Tensor[];
}

/** Constants of one Adam update, as optimizer.ts passes them to its tf ops. */
export interface IAdamAttrs {
  beta1: number;
  beta2: number;
  eps: number;
  lr: number;
  /** 1 - beta1^t. */
  bc1: number;
  /** sqrt(1 - beta2^t). */
  bc2Sqrt: number;
}

/**
 * The fused Adam update of float32 `p` with gradient `g` and moments `m`, `v` (both absent on the
 * first step): [next p, m1, v1]. Needs `hasWasmKernels()`.
 */
export function fusedAdam(
  p: tf.Tensor,
  g: tf.Tensor,
  m: tf.Tensor | undefined,
  v: tf.Tensor | undefined,
  attrs: IAdamAttrs
): tf.Tensor[] {
  const n = p.size;
  return run(
    ADAM_KERNEL,
    { p: [p, n], g: [g, n], m: [m, n], v: [v, n] },
    attrs as unknown as tf.NamedAttrMap
  );
}

/**
 * Exact GELU forward: [v Phi(v), Phi(v) + v phi(v)], the value and its slope (Phi, phi: the
 * standard normal CDF and density; exp(-v^2 / 2) below e^-80 counts as 0), of v = x or, with
 * `rowBias` ([rows] for x [rows, cols]), v = x + rowBias[row].
 */
export function fusedGelu(
  x: tf.Tensor,
  rowBias?: tf.Tensor
): [tf.Tensor, tf.Tensor] {
  if (rowBias && (x.rank !== 2 || rowBias.size !== x.shape[0])) {
    throw new Error(
      `${GELU_KERNEL}: a row bias of shape [${rowBias.shape}] does not fit x [${x.shape}]`
    );
  }
  const [y, slope] = run(GELU_KERNEL, {
    x: [x, x.size],
    rowBias: [rowBias, rowBias?.size ?? 0]
  });
  return [y, slope];
}

/**
 * LayerNorm over the last axis (biased variance): [y, mean, 1/sqrt(variance + eps)], the last two
 * with one value per row (shape [...x.shape[:-1], 1]).
 */
export function fusedLayerNorm(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  eps: number
): tf.Tensor[] {
  const d = x.shape[x.shape.length - 1];
  return run(
    LAYER_NORM_KERNEL,
    { x: [x, x.size], gamma: [gamma, d], beta: [beta, d] },
    { eps }
  );
}

/**
 * LayerNorm's gradients over the last axis, [dx, dgamma, dbeta], from the forward's per-row mean
 * and 1/sqrt(variance + eps) (`mean`, `rstd`: one value per row).
 */
export function fusedLayerNormGrad(
  dy: tf.Tensor,
  x: tf.Tensor,
  gamma: tf.Tensor,
  mean: tf.Tensor,
  rstd: tf.Tensor
): tf.Tensor[] {
  const d = x.shape[x.shape.length - 1];
  const rows = x.size / d;
  return run(LAYER_NORM_GRAD_KERNEL, {
    dy: [dy, x.size],
    x: [x, x.size],
    gamma: [gamma, d],
    mean: [mean, rows],
    rstd: [rstd, rows]
  });
}

/** The gradient of y = softmax(x) over the last axis: dy y - (sum over the axis of dy y) y. */
export function fusedSoftmaxGrad(dy: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return run(SOFTMAX_GRAD_KERNEL, { dy: [dy, y.size], y: [y, y.size] })[0];
}

/** x [r, c] (float32) transposed to [c, r]: the values of tf.transpose. */
export function fusedTranspose(x: tf.Tensor2D): tf.Tensor2D {
  return run(TRANSPOSE_KERNEL, { x: [x, x.size] })[0] as tf.Tensor2D;
}

/** Sums over the rows of x [rows, cols] (float32): [cols], rows added in order. */
export function fusedColumnSums(x: tf.Tensor2D): tf.Tensor1D {
  return run(COLUMN_SUMS_KERNEL, { x: [x, x.size] })[0] as tf.Tensor1D;
}

/** Sums over the columns of x [rows, cols] (float32): [rows]. */
export function fusedRowSums(x: tf.Tensor2D): tf.Tensor1D {
  return run(ROW_SUMS_KERNEL, { x: [x, x.size] })[0] as tf.Tensor1D;
}

/** For each row of x [rows, cols] (float32): 1 if it holds a value other than +-0 (NaN too), else 0. */
export function fusedNonZeroRows(x: tf.Tensor2D): tf.Tensor1D {
  return run(NON_ZERO_ROWS_KERNEL, { x: [x, x.size] })[0] as tf.Tensor1D;
}

/**
 * Where head `h` of batch entry `bi` of a matrix operand lives in its tensor (in elements): entry
 * (row, col) is at batch * bi + head * h + row * row + col * col.
 */
export interface IHeadView {
  batch: number;
  head: number;
  row: number;
  col: number;
}

/** Sizes, views and scale of one `fusedHeadMatmul`. */
export interface IHeadMatmulAttrs {
  aView: IHeadView;
  bView: IHeadView;
  outView: IHeadView;
  outShape: number[];
  batches: number;
  heads: number;
  m: number;
  k: number;
  n: number;
  alpha: number;
}

// The element offsets a view reaches for the given sizes: [lowest, highest].
function reach(view: IHeadView, dims: number[]): [number, number] {
  const strides = [view.batch, view.head, view.row, view.col];
  let low = 0;
  let high = 0;
  strides.forEach((s, i) => {
    const far = s * (dims[i] - 1);
    low += Math.min(0, far);
    high += Math.max(0, far);
  });
  return [low, high];
}

/**
 * For every batch entry and head: out_h = alpha (A_h @ B_h), A_h [m, k] and B_h [k, n] read in
 * place from float32 `a` and `b` through their views (B's `col` must be 1), written into a new
 * tensor of `outShape` through `outView` (its `col` must be 1; the views of all entries must
 * cover the tensor). Sums run over k in order.
 */
export function fusedHeadMatmul(
  a: tf.Tensor,
  b: tf.Tensor,
  attrs: IHeadMatmulAttrs
): tf.Tensor {
  const { batches, heads, m, k, n } = attrs;
  const checks: Array<[string, tf.Tensor | null, IHeadView, number[], number]> =
    [
      ['a', a, attrs.aView, [batches, heads, m, k], a.size],
      ['b', b, attrs.bView, [batches, heads, k, n], b.size],
      [
        'out',
        null,
        attrs.outView,
        [batches, heads, m, n],
        tf.util.sizeFromShape(attrs.outShape)
      ]
    ];
  for (const [name, , view, dims, size] of checks) {
    const [low, high] = reach(view, dims);
    if (low < 0 || high >= size || (name !== 'a' && view.col !== 1)) {
      throw new Error(
        `${HEAD_MATMUL_KERNEL}: the view of ${name} (${JSON.stringify(view)}) does not fit ${size} elements with rows of contiguous columns`
      );
    }
  }
  if (batches * heads * m * n !== tf.util.sizeFromShape(attrs.outShape)) {
    throw new Error(
      `${HEAD_MATMUL_KERNEL}: ${batches} x ${heads} products of [${m}, ${n}] do not fill [${attrs.outShape}]`
    );
  }
  return run(
    HEAD_MATMUL_KERNEL,
    { a: [a, a.size], b: [b, b.size] },
    attrs as unknown as tf.NamedAttrMap
  )[0];
}
