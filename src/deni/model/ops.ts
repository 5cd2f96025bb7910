import * as tf from '@tensorflow/tfjs-core';
import { ensureGradients } from '../backend/gradients';
import {
  fusedColumnSums,
  fusedGelu,
  fusedHeadMatmul,
  fusedLayerNorm,
  fusedLayerNormGrad,
  fusedRowSums,
  fusedSoftmaxGrad,
  fusedTranspose,
  hasWasmKernels,
  type IHeadView
} from '../backend/wasm-kernels';
import { ERF_DENOMINATOR, ERF_NUMERATOR } from '../backend/wasm-kernels-wat';
import { tensorflowMatMul } from '../backend/tensorflow-ops';

/*
 * Operations with hand-written gradients. tfjs-wasm runs matmuls with a transpose flag ~10x
 * slower than plain ones and lacks UnsortedSegmentSum (the built-in gather gradient), so the
 * gradients below use explicit transposes + plain matmuls and a scatter for embeddings.
 */

// Custom ops are useless without tfjs's own gradients for everything around them.
ensureGradients();

type GradFn = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[];

/**
 * tf.customGrad with typed inputs: `fn` gets the inputs and the save function; each gradient
 * runs in its own tidy.
 */
export function withGrad(
  fn: (
    args: tf.Tensor[],
    save: tf.GradSaveFunc
  ) => { value: tf.Tensor; gradFunc: GradFn },
  ...inputs: tf.Tensor[]
): tf.Tensor {
  const g = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const { value, gradFunc } = fn(args.slice(0, -1) as tf.Tensor[], save);
    // tfjs frees a custom gradient's intermediates (transposes) only when the whole backward
    // pass ends; a tidy per gradient frees them at once (BERT-base's peak memory fits in wasm's
    // 4 GB only this way).
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => gradFunc(dy, saved))
    };
  });
  return g(...inputs);
}

// Plain tensors declared frozen (a PEFT backbone). Weak, so marking never keeps a tensor alive.
const frozenTensors = new WeakSet<tf.Tensor>();

/**
 * Declares plain tensors frozen, like a tf.Variable with `trainable = false`: the custom ops skip
 * their weight gradients. PEFT marks its shared backbone so LoRA/IA3/UniPELT do not pay for
 * backbone weight gradients. Unlike wrapping each tensor in a non-trainable tf.Variable, this
 * neither counts the backbone's bytes twice in tf.memory() nor adds variables that need
 * disposing. A marked tensor can no longer be a gradient target of these ops (tf.grads with it
 * as an input fails loudly); train a copy (`tf.variable(t)`) instead.
 */
export function markFrozen(tensors: Iterable<tf.Tensor>): void {
  for (const t of tensors) {
    if (!(t instanceof tf.Variable)) {
      frozenTensors.add(t);
    }
  }
}

/**
 * False for a tf.Variable marked non-trainable and for plain tensors passed to `markFrozen`
 * (frozen weights skip their gradient); true otherwise.
 */
export function isTrainable(t: tf.Tensor): boolean {
  if (frozenTensors.has(t)) {
    return false;
  }
  return !(t instanceof tf.Variable) || t.trainable;
}

/**
 * x [r, c] transposed to [c, r], the same values as tf.transpose. tfjs-wasm's 2-D transpose
 * writes with a stride of r floats and is 3-9x slower when r is a multiple of 64 (384, 768,
 * 1536: every weight here) from cache-set aliasing, so on wasm the back-end's fused kernel
 * (4 x 4 register blocks in 64 x 16 tiles) does it.
 */
export function transpose2d(x: tf.Tensor2D): tf.Tensor2D {
  return hasWasmKernels() && x.dtype === 'float32'
    ? fusedTranspose(x)
    : tf.transpose(x);
}

// A 2-D operand of a product: a stored tensor, used as is or transposed, with its transpose when
// one was already made.
type Operand = { t: tf.Tensor2D; transposed: boolean; tT?: tf.Tensor2D };

function materialise({ t, transposed, tT }: Operand): tf.Tensor2D {
  return transposed ? (tT ?? transpose2d(t)) : t;
}

/*
 * a @ b for operands given as stored tensors and transpose marks. XNNPACK (tfjs-wasm) re-packs
 * the right operand of every matmul whose tensor it has not seen, and weights and activations
 * are new tensors every step, so packing costs in proportion to the right operand's K x N. On
 * wasm the product is taken as (b^T @ a^T)^T when a has fewer rows than b has columns, so the
 * smaller operand is packed: measured per MiniLM layer (fresh operands, 2 threads) 7.0 -> 6.1 ms
 * for the 1536-wide forward, 7.7 -> 6.6 ms and 7.5 -> 6.7 ms for the narrowing layer's input
 * and weight gradients. The choice depends only on shapes, so results stay reproducible.
 */
function product(a: Operand, b: Operand): tf.Tensor2D {
  return tf.tidy(() => {
    const rows = a.t.shape[a.transposed ? 1 : 0];
    const cols = b.t.shape[b.transposed ? 0 : 1];
    const inner = a.t.shape[a.transposed ? 0 : 1];
    if (
      hasWasmKernels() &&
      Math.min(rows, cols, inner) <= SMALL_SIDE &&
      rows * cols * inner <= SMALL_MACS
    ) {
      return smallProduct(a, b, [rows, inner, cols]);
    }
    // Native TensorFlow multiplies transposed operands in place (MatMul's transpose flags).
    if (tf.getBackend() === 'tensorflow' && a.t.dtype === 'float32') {
      return tensorflowMatMul(a.t, b.t, a.transposed, b.transposed);
    }
    // A plain left operand whose transpose is given is shared by several products (queries,
    // keys and values of one input): packed once, XNNPACK reuses it for the others.
    const sharedLeft = !a.transposed && a.tT !== undefined;
    if (tf.getBackend() === 'wasm' && (rows < cols || sharedLeft)) {
      return transpose2d(
        tf.matMul(
          materialise({ ...b, transposed: !b.transposed }),
          materialise({ ...a, transposed: !a.transposed })
        )
      );
    }
    return tf.matMul(materialise(a), materialise(b));
  });
}

/*
 * Products with a side of at most SMALL_SIDE (the classifier head's 8 rows, gradients summed over
 * 8 examples) and at most SMALL_MACS multiply-adds go to the fused head kernel on wasm (one
 * thread, ~45 GFLOP/s, no packing): XNNPACK takes 0.4-1.2 ms for [8, 384] x [384, 384]
 * (operator set-up, packing and thread hand-off for 2.4 MFLOP).
 */
const SMALL_SIDE = 32;
const SMALL_MACS = 8 * 2 ** 20;

// A stored operand read in place: element (i, k) of the operand (transposed or not).
function inPlace({ t, transposed }: Operand): IHeadView {
  const width = t.shape[1];
  return transposed
    ? { batch: 0, head: 0, row: 1, col: width }
    : { batch: 0, head: 0, row: width, col: 1 };
}

// a @ b with the kernel, which reads its left operand through any strides but its right one by
// contiguous rows: as is when b is stored plain, else as (b^T @ a^T)^T, a^T being small.
function smallProduct(
  a: Operand,
  b: Operand,
  [m, k, n]: number[]
): tf.Tensor2D {
  const flip = b.transposed;
  const [left, right] = flip
    ? [
        { ...b, transposed: !b.transposed },
        { ...a, transposed: !a.transposed }
      ]
    : [a, b];
  const [rows, cols] = flip ? [n, m] : [m, n];
  const out = fusedHeadMatmul(left.t, materialise(right), {
    aView: inPlace(left),
    bView: { batch: 0, head: 0, row: cols, col: 1 },
    outView: { batch: 0, head: 0, row: cols, col: 1 },
    outShape: [rows, cols],
    batches: 1,
    heads: 1,
    m: rows,
    k,
    n: cols,
    alpha: 1
  }) as tf.Tensor2D;
  return flip ? transpose2d(out) : out;
}

const plain = (t: tf.Tensor, tT?: tf.Tensor): Operand => ({
  t: t as tf.Tensor2D,
  transposed: false,
  tT: tT as tf.Tensor2D | undefined
});
const flipped = (t: tf.Tensor, tT?: tf.Tensor): Operand => ({
  t: t as tf.Tensor2D,
  transposed: true,
  tT: tT as tf.Tensor2D | undefined
});

/**
 * y = x @ W^T for torch-layout W [out, in] and x [n, in]. Gradients: dx = dy @ W,
 * dW = dy^T @ x, both as plain matmuls; dW is skipped for frozen W. `xT`, x transposed, is for
 * several products of the same x (wasm then computes (W @ x^T)^T, packing x^T once for all).
 */
export function matMulWT(
  x: tf.Tensor2D,
  w: tf.Tensor2D,
  xT?: tf.Tensor2D
): tf.Tensor2D {
  if (!isTrainable(w)) {
    // A frozen w (non-trainable variable or marked backbone tensor) is made outside the pass
    // and outlives it, so capturing it is safe.
    return withGrad(([xi], save) => {
      save([]);
      return {
        value: product(plain(xi, xT), flipped(w)),
        gradFunc: dy => [product(plain(dy), plain(w))]
      };
    }, x) as tf.Tensor2D;
  }
  return withGrad(
    ([xi, wi], save) => {
      // On wasm a narrowing layer (in > rows >= out, e.g. a feed-forward output) multiplies by
      // W^T in the forward and again for dx ((W^T @ dy^T)^T, see product): made once, kept.
      const [rows] = xi.shape;
      const [out, inputs] = wi.shape;
      const wT =
        tf.getBackend() === 'wasm' && rows >= out && rows < inputs
          ? transpose2d(wi as tf.Tensor2D)
          : undefined;
      save(wT ? [xi, wi, wT] : [xi, wi]);
      return {
        value: product(plain(xi, xT), flipped(wi, wT)),
        gradFunc: (dy, [xs, ws, wTs]) => [
          product(plain(dy), plain(ws, wTs)),
          product(flipped(dy), plain(xs))
        ]
      };
    },
    x,
    w
  ) as tf.Tensor2D;
}

/*
 * Batched matmul as a grouped (depthwise) convolution. tfjs-wasm runs rank-3 matmuls in a scalar
 * loop (~3 GFLOP/s; only rank-2 ones reach XNNPACK), but its depthwise convolution is XNNPACK's
 * threaded grouped GEMM: with one group per batch entry c, input x[0, m, k, c] = a[c, m, k] and
 * filter f[0, k, c, n] = b[c, k, n], a 1 x K kernel over a width-K input ('valid') yields
 * y[0, m, 0, c * N + n] = sum_k a[c, m, k] b[c, k, n]. Measured 4-5x faster for attention's
 * [96, 50, 32] x [96, 32, 50]. Other back-ends keep tf.matMul.
 */

// aT[m, k, c] (a's batch axis last) times b viewed as f[k, c, n]: returns [c, m, n].
function groupedMatMul(aLast: tf.Tensor3D, bMid: tf.Tensor3D): tf.Tensor3D {
  const [m, k, c] = aLast.shape;
  const n = bMid.shape[2];
  const y = tf.depthwiseConv2d(
    tf.reshape(aLast, [1, m, k, c]) as tf.Tensor4D,
    tf.reshape(bMid, [1, k, c, n]) as tf.Tensor4D,
    1,
    'valid'
  );
  return tf.transpose(tf.reshape(y, [m, c, n]), [1, 0, 2]);
}

const SAME = [0, 1, 2];
const SWAP_LAST = [0, 2, 1];

function permute(t: tf.Tensor3D, perm: number[]): tf.Tensor3D {
  return perm.every((p, i) => p === i) ? t : tf.transpose(t, perm);
}

// a [c, m, k] @ b [c, k, n], with each operand given as a permutation of a stored tensor so
// that the gradients cost one transpose per operand.
function bmm(
  a: tf.Tensor3D,
  aPerm: number[],
  b: tf.Tensor3D,
  bPerm: number[]
): tf.Tensor3D {
  if (tf.getBackend() === 'tensorflow') {
    // Native TensorFlow reads swapped last axes in place (BatchMatMul's adjoint flags).
    const swapped = (perm: number[]): boolean =>
      perm.join() === SWAP_LAST.join();
    const flagA = swapped(aPerm);
    const flagB = swapped(bPerm);
    return tf.matMul(
      flagA ? a : permute(a, aPerm),
      flagB ? b : permute(b, bPerm),
      flagA,
      flagB
    );
  }
  if (tf.getBackend() !== 'wasm') {
    return tf.matMul(permute(a, aPerm), permute(b, bPerm));
  }
  // Compose "permute into [c, m, k]" with "[c, m, k] -> [m, k, c]" (and [k, c, n] for b).
  const aLast = [aPerm[1], aPerm[2], aPerm[0]];
  const bMid = [bPerm[1], bPerm[0], bPerm[2]];
  return groupedMatMul(permute(a, aLast), permute(b, bMid));
}

/** Batched a @ b for rank-3 tensors; gradients are batched matmuls too (no transpose flags). */
export function batchMatMul(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  return withGrad(
    ([ai, bi], save) => {
      save([ai, bi]);
      return {
        value: bmm(ai as tf.Tensor3D, SAME, bi as tf.Tensor3D, SAME),
        gradFunc: (dy, saved) => {
          const [as, bs] = saved as tf.Tensor3D[];
          const d = dy as tf.Tensor3D;
          return [bmm(d, SAME, bs, SWAP_LAST), bmm(as, SWAP_LAST, d, SAME)];
        }
      };
    },
    a,
    b
  ) as tf.Tensor3D;
}

/**
 * y [n, out] + bias [out]. Its bias gradient, the column sums of dy, is one fused kernel on wasm
 * (tfjs-wasm reduces over the first axis by transposing first: 0.7 ms for [400, 1536]).
 */
export function addBias(y: tf.Tensor2D, bias: tf.Tensor): tf.Tensor2D {
  if (!hasWasmKernels() || bias.rank !== 1) {
    return tf.add(y, bias);
  }
  return withGrad(
    ([yi, bi], save) => {
      save([]);
      return {
        value: tf.add(yi, bi),
        // A reshape, like tfjs's own Add gradient: the incoming dy stays the engine's to free.
        gradFunc: dy => [
          tf.reshape(dy, y.shape),
          fusedColumnSums(dy as tf.Tensor2D)
        ]
      };
    },
    y,
    bias
  ) as tf.Tensor2D;
}

/**
 * Softmax over the last axis. On wasm its gradient is one fused kernel (tfjs's is four ops over
 * the whole tensor, ~0.45 ms per layer for MiniLM's [8, 12, 50, 50] attention probabilities).
 */
export function softmax(x: tf.Tensor): tf.Tensor {
  if (!hasWasmKernels() || x.dtype !== 'float32') {
    return tf.softmax(x);
  }
  return withGrad(([xi], save) => {
    const y = tf.softmax(xi);
    save([y]);
    return {
      value: y,
      gradFunc: (dy, [ys]) => [fusedSoftmaxGrad(dy, ys)]
    };
  }, x);
}

// tfjs-wasm's GatherV2 costs ~5.7 ms for any 400-row lookup (measured on tables of 2 to 30522
// rows); GatherNd gives the same rows in ~0.04 ms.
function gatherRowsND(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  return tf.gatherND(table, tf.reshape(ids, [-1, 1])) as tf.Tensor2D;
}

// Gradients made by gatherRows on native TensorFlow -> the row ids they scattered (every row
// that can be non-zero; repeats allowed).
const rowHints = new WeakMap<tf.Tensor, Int32Array>();

/**
 * The rows a gradient of gatherRows can be non-zero in (the looked-up ids, sorted, no repeats),
 * when `g` is such a gradient as made (recorded on native TensorFlow only, where scanning an
 * embedding's dense gradient for its non-zero rows costs two passes over it); else undefined.
 */
export function gradientRowHint(g: tf.Tensor): Int32Array | undefined {
  const ids = rowHints.get(g);
  return ids ? Int32Array.from(new Set(ids)).sort() : undefined;
}

/**
 * Rows `ids` (int32 [n]) of `table` [rows, dim]. Its gradient scatters (summing repeats) into a
 * dense [rows, dim] tensor instead of tfjs's UnsortedSegmentSum.
 */
export function gatherRows(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  if (!isTrainable(table)) {
    return gatherRowsND(table, ids);
  }
  // ids go through the custom op as an input (and are saved): tensors captured by closure
  // are disposed when the forward pass's tidy scope ends, before the backward pass runs.
  const shape = table.shape;
  return withGrad(
    ([t, i], save) => {
      save([i]);
      return {
        value: gatherRowsND(t as tf.Tensor2D, i as tf.Tensor1D),
        gradFunc: (dy, saved) => {
          const g = tf.scatterND(tf.reshape(saved[0], [-1, 1]), dy, shape);
          if (tf.getBackend() === 'tensorflow') {
            // The optimiser's row-sparse update then skips scanning the dense gradient.
            rowHints.set(g, saved[0].dataSync() as Int32Array);
          }
          return [g, tf.zerosLike(saved[0])];
        }
      };
    },
    table,
    ids
  ) as tf.Tensor2D;
}

// LayerNorm's forward as tf ops: [y, mean, 1 / sqrt(variance + eps)] (biased variance, like torch).
function layerNormParts(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  eps: number
): tf.Tensor[] {
  const mean = tf.mean(x, -1, true);
  const centred = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centred), -1, true);
  const rstd = tf.rsqrt(tf.add(variance, eps));
  return [tf.add(tf.mul(tf.mul(centred, rstd), gamma), beta), mean, rstd];
}

/**
 * LayerNorm from tf ops with its gradient written out (native TensorFlow): the forward's ops, and
 * dx = rstd (dxh - mean(dxh) - xh mean(dxh xh)) with dxh = dy gamma, dgamma and dbeta as sums over
 * rows; 11 ops where tfjs's autodiff of the forward takes about twice as many, each a kernel
 * launch and a pass over the tensor.
 */
export function layerNormWithGrad(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  eps: number
): tf.Tensor {
  return withGrad(
    ([xi, g, b], save) => {
      const mean = tf.mean(xi, -1, true);
      const centred = tf.sub(xi, mean);
      const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(centred), -1, true), eps));
      const xh = tf.mul(centred, rstd);
      save([xh, g, rstd]);
      return {
        value: tf.add(tf.mul(xh, g), b),
        gradFunc: (dy, [xhs, gs, r]) => {
          const rows = xhs.size / xhs.shape[xhs.rank - 1];
          const dy2 = tf.reshape(dy, [rows, -1]);
          const xh2 = tf.reshape(xhs, [rows, -1]);
          const dxh = tf.mul(dy2, gs);
          const dx = tf.mul(
            tf.sub(
              tf.sub(dxh, tf.mean(dxh, -1, true)),
              tf.mul(xh2, tf.mean(tf.mul(dxh, xh2), -1, true))
            ),
            tf.reshape(r, [rows, 1])
          );
          return [
            tf.reshape(dx, xhs.shape),
            tf.reshape(tf.sum(tf.mul(dy2, xh2), 0), g.shape),
            tf.reshape(tf.sum(dy2, 0), b.shape)
          ];
        }
      };
    },
    x,
    gamma,
    beta
  );
}

/**
 * LayerNorm over the last axis (biased variance, like torch). On wasm the forward and the
 * gradient are one fused kernel each (tfjs's autodiff of the forward costs ~3 ms per [400, 384]
 * call there, 40 ms of a MiniLM step, and the forward's seven tf ops ~0.5 ms); elsewhere tfjs
 * differentiates the forward's ops.
 */
export function layerNorm(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  eps: number
): tf.Tensor {
  if (tf.getBackend() === 'tensorflow') {
    return layerNormWithGrad(x, gamma, beta, eps);
  }
  if (!hasWasmKernels()) {
    return layerNormParts(x, gamma, beta, eps)[0];
  }
  return withGrad(
    ([xi, g, b], save) => {
      const [y, mean, rstd] = fusedLayerNorm(xi, g, b, eps);
      save([xi, g, mean, rstd]);
      return {
        value: y,
        gradFunc: (dy, [xs, gs, m, r]) => {
          const [dx, dGamma, dBeta] = fusedLayerNormGrad(dy, xs, gs, m, r);
          return [dx, tf.reshape(dGamma, g.shape), tf.reshape(dBeta, b.shape)];
        }
      };
    },
    x,
    gamma,
    beta
  );
}

/*
 * Exact GELU for wasm. tfjs-wasm's Erf, Exp and Tanh are scalar libm loops (6.7, 3.2 and 8.8 ms
 * for [400, 1536], against 0.03-0.07 ms for its XNNPACK multiply/add and 0.25 ms for its XNNPACK
 * sigmoid), so erf is evaluated as the rational approximation XLA and Eigen use for float32
 * (clamped to [-4, 4], beyond which erf is +-1 in float32) with multiplies and adds. With the
 * fused kernels installed (backend/wasm-kernels.ts) the forward is one kernel doing the same
 * float32 operations (the same bits) that also keeps the slope Phi(x) + x phi(x), so the
 * gradient is one multiply; without them, tf ops, the Gaussian density's exp(-h) as
 * sigmoid(-h) / sigmoid(h).
 */

// Horner's rule in x2 for coefficients from the highest power down.
function horner(x2: tf.Tensor, coefficients: number[]): tf.Tensor {
  let acc: tf.Tensor = tf.scalar(coefficients[0]);
  for (const c of coefficients.slice(1)) {
    acc = tf.add(tf.mul(acc, x2), c);
  }
  return acc;
}

/** erf(x) to float32 accuracy from multiplies, adds and one divide (no transcendental kernel). */
export function erfRational(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const xc = tf.clipByValue(x, -4, 4);
    const x2 = tf.mul(xc, xc);
    return tf.div(
      tf.mul(xc, horner(x2, ERF_NUMERATOR)),
      horner(x2, ERF_DENOMINATOR)
    );
  });
}

/**
 * x * Phi(x) with Phi the standard normal CDF, for wasm; its gradient Phi(x) + x * phi(x) reuses
 * Phi. `fused: false` takes the tf-ops route even where the fused kernels exist (tests compare).
 */
export function geluErfWasm(x: tf.Tensor, fused = hasWasmKernels()): tf.Tensor {
  return withGrad(([xi], save) => {
    if (fused) {
      const [y, slope] = fusedGelu(xi);
      save([slope]);
      return {
        value: y,
        gradFunc: (dy, [s]) => [tf.mul(dy, s)]
      };
    }
    const cdf = tf.mul(tf.add(erfRational(tf.mul(xi, Math.SQRT1_2)), 1), 0.5);
    save([xi, cdf]);
    return {
      value: tf.mul(xi, cdf),
      gradFunc: (dy, [xs, phi]) => {
        const half = tf.mul(tf.mul(xs, xs), 0.5);
        const density = tf.mul(
          tf.div(tf.sigmoid(tf.neg(half)), tf.sigmoid(half)),
          1 / Math.sqrt(2 * Math.PI)
        );
        return [tf.mul(dy, tf.add(phi, tf.mul(xs, density)))];
      }
    };
  }, x);
}

/**
 * The feed-forward block gelu(x W1^T + b1) W2^T + b2 (exact GELU; torch-layout W1 [mid, in],
 * W2 [out, mid]) on wasm with the fused kernels, kept transposed inside: the first product comes
 * out of XNNPACK as [mid, tokens] (the orientation that packs x^T, see product), GELU and its bias
 * run on that layout, and the second product takes it as its packed operand, so neither the
 * [tokens, mid] activation nor W2^T is ever transposed in the forward, nor its gradient in the
 * backward (per MiniLM layer 2.2 -> 1.4 ms of transposes). Same values as
 * matMulWT + addBias + activation('gelu') + matMulWT + addBias, gradients included (tested).
 */
export function feedForwardGelu(
  x: tf.Tensor2D,
  w1: tf.Tensor2D,
  b1: tf.Tensor,
  w2: tf.Tensor2D,
  b2: tf.Tensor
): tf.Tensor2D {
  return withGrad(
    ([xi, w1i, b1i, w2i, b2i], save) => {
      const [hT, slopeT] = fusedGelu(
        tf.matMul(w1i, transpose2d(xi as tf.Tensor2D)),
        b1i
      );
      save([xi, w1i, w2i, hT, slopeT]);
      return {
        value: tf.add(transpose2d(tf.matMul(w2i, hT) as tf.Tensor2D), b2i),
        gradFunc: (dz, [xs, w1s, w2s, hTs, slopes]) => {
          const dzT = transpose2d(dz as tf.Tensor2D);
          const dyT = tf.mul(
            tf.matMul(transpose2d(w2s as tf.Tensor2D), dzT),
            slopes
          ) as tf.Tensor2D;
          return [
            transpose2d(
              tf.matMul(transpose2d(w1s as tf.Tensor2D), dyT) as tf.Tensor2D
            ),
            tf.matMul(dyT, xs),
            fusedRowSums(dyT),
            transpose2d(tf.matMul(hTs, dz) as tf.Tensor2D),
            fusedColumnSums(dz as tf.Tensor2D)
          ];
        }
      };
    },
    x,
    w1,
    b1,
    w2,
    b2
  ) as tf.Tensor2D;
}

/** The activations of HF configs: exact erf GELU, tanh GELU (`gelu_new`), ReLU. */
export function activation(
  name: 'gelu' | 'gelu_new' | 'relu',
  x: tf.Tensor
): tf.Tensor {
  if (name === 'relu') {
    return tf.relu(x);
  }
  if (name === 'gelu') {
    if (tf.getBackend() === 'wasm') {
      return geluErfWasm(x);
    }
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
  }
  // 0.5 (1 + tanh(u)) = sigmoid(2u): one sigmoid (XNNPACK on wasm) instead of tanh.
  const inner = tf.mul(
    tf.add(x, tf.mul(tf.mul(tf.mul(x, x), x), 0.044715)),
    2 * Math.sqrt(2 / Math.PI)
  );
  return tf.mul(x, tf.sigmoid(inner));
}
