import * as tf from '@tensorflow/tfjs-core';
import wabt from 'wabt';
import { kernelsWat } from './wasm-kernels-wat';

/*
 * Fused kernels for the wasm back-end. tfjs-wasm runs each tf op as its own pass over memory, its
 * Sqrt/Erf/Exp as scalar libm loops, its 2-D transpose with cache-thrashing strides and its
 * first-axis sums through a transpose, so Adam (13 ops per tensor), exact GELU, LayerNorm's
 * gradient, weight transposes and bias gradients cost more than they compute (~58, ~43, ~40, ~35
 * and ~8 ms of a MiniLM step). These kernels are WebAssembly SIMD functions (their text in
 * wasm-kernels-wat.ts) assembled at start-up by wabt, the WebAssembly project's own assembler, and
 * instantiated on tfjs-wasm's own memory, so they read and write tensors where tfjs keeps them:
 * inputs through `BackendWasm.getMemoryOffset`, outputs from `BackendWasm.makeOutput`, registered
 * as ordinary tfjs kernels with tf.registerKernel. They never write into an input and run on the
 * calling thread, in a fixed order, so results do not depend on the thread count. Adam, the GELU
 * forward and the transpose give exactly the bits of the tf ops they replace (tested); the
 * gradients and sums are checked against tfjs's autodiff of the exact formulas.
 */

// tfjs kernel names (registered for wasm only).
const ADAM_KERNEL = 'DeniAdamUpdate';
const GELU_KERNEL = 'DeniGelu';
const GELU_GRAD_KERNEL = 'DeniGeluGrad';
const LAYER_NORM_GRAD_KERNEL = 'DeniLayerNormGrad';
const TRANSPOSE_KERNEL = 'DeniTranspose2D';
const COLUMN_SUMS_KERNEL = 'DeniColumnSums';
const NON_ZERO_ROWS_KERNEL = 'DeniNonZeroRows';

type Pointers = (...args: number[]) => void;

interface IKernelExports {
  adam: Pointers;
  adam_first: Pointers;
  gelu_forward: Pointers;
  gelu_backward: Pointers;
  layer_norm_backward: Pointers;
  transpose: Pointers;
  column_sums: Pointers;
  non_zero_rows: Pointers;
}

// What the kernels need of tfjs-wasm's BackendWasm (its public methods and Emscripten module).
interface IWasmBackendLike {
  wasm: unknown;
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
    const out = [0, 1].map(() => call.output(x.shape));
    exports.gelu_forward(
      call.at(x),
      ...out.map(o => call.at(o)),
      tf.util.sizeFromShape(x.shape)
    );
    return out;
  },
  [GELU_GRAD_KERNEL]: (exports, call) => {
    const x = call.input('x');
    const dx = call.output(x.shape);
    exports.gelu_backward(
      call.at(call.input('dy')),
      call.at(x),
      call.at(call.input('cdf')),
      call.at(dx),
      tf.util.sizeFromShape(x.shape)
    );
    return [dx];
  },
  [TRANSPOSE_KERNEL]: matrixKernel('transpose', (r, c) => [c, r]),
  [COLUMN_SUMS_KERNEL]: matrixKernel('column_sums', (_, c) => [c]),
  [NON_ZERO_ROWS_KERNEL]: matrixKernel('non_zero_rows', r => [r]),
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
    threads: shared,
    sat_float_to_int: true
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
  installed = exports;
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

/** Exact GELU forward: [x Phi(x), Phi(x)] (Phi the standard normal CDF). */
export function fusedGelu(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
  const [y, cdf] = run(GELU_KERNEL, { x: [x, x.size] });
  return [y, cdf];
}

/** GELU's input gradient dy (Phi(x) + x phi(x)), with Phi(x) from the forward. */
export function fusedGeluGrad(
  dy: tf.Tensor,
  x: tf.Tensor,
  cdf: tf.Tensor
): tf.Tensor {
  const n = x.size;
  return run(GELU_GRAD_KERNEL, { dy: [dy, n], x: [x, n], cdf: [cdf, n] })[0];
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

/** x [r, c] (float32) transposed to [c, r]: the values of tf.transpose. */
export function fusedTranspose(x: tf.Tensor2D): tf.Tensor2D {
  return run(TRANSPOSE_KERNEL, { x: [x, x.size] })[0] as tf.Tensor2D;
}

/** Sums over the rows of x [rows, cols] (float32): [cols], rows added in order. */
export function fusedColumnSums(x: tf.Tensor2D): tf.Tensor1D {
  return run(COLUMN_SUMS_KERNEL, { x: [x, x.size] })[0] as tf.Tensor1D;
}

/** For each row of x [rows, cols] (float32): 1 if it holds a value other than +-0 (NaN too), else 0. */
export function fusedNonZeroRows(x: tf.Tensor2D): tf.Tensor1D {
  return run(NON_ZERO_ROWS_KERNEL, { x: [x, x.size] })[0] as tf.Tensor1D;
}
