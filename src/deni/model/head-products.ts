import * as tf from '@tensorflow/tfjs-core';
import {
  fusedHeadMatmul,
  type IHeadMatmulAttrs,
  type IHeadView
} from '../backend/wasm-kernels';
import { transpose2d, withGrad } from './ops';

/*
 * Attention's two products per head on wasm, read and written in the projections' own
 * [tokens, hidden] layout by the fused `head_matmul` kernel. The tf-ops route permutes queries,
 * keys and values into per-head tensors and runs the products as grouped convolutions
 * (tfjs-wasm's rank-3 matmul is a scalar loop), ~40 ms of a MiniLM step in convolutions and
 * permutations. Keys and values are transposed once as 2-D matrices where a product needs their
 * rows as columns.
 */

// Sizes of one attention call: batch, sequence, heads, head width.
interface IHeads {
  b: number;
  s: number;
  nh: number;
  hd: number;
}

// Head h of batch entry bi of a [b * s, nh * hd] matrix: rows are tokens, columns the head's.
function tokensView({ s, nh, hd }: IHeads): IHeadView {
  return { batch: s * nh * hd, head: hd, row: nh * hd, col: 1 };
}

// The same matrix transposed ([nh * hd, b * s]), read as the head's [hd, s] block.
function transposedView({ b, s, hd }: IHeads): IHeadView {
  return { batch: s, head: hd * b * s, row: b * s, col: 1 };
}

// A [b, nh, s, s] tensor of per-head square matrices, and the same read transposed.
function squareView({ s, nh }: IHeads): IHeadView {
  return { batch: nh * s * s, head: s * s, row: s, col: 1 };
}
function squareTransposedView(h: IHeads): IHeadView {
  return { ...squareView(h), row: 1, col: h.s };
}

// One product per sequence and head, written as a [b * s, nh * hd] matrix ('tokens': m = s,
// k = s, n = hd) or as [b, nh, s, s] square matrices ('square': m = n = s, k = hd).
function product(
  h: IHeads,
  a: [tf.Tensor, IHeadView],
  b: [tf.Tensor, IHeadView],
  out: 'tokens' | 'square',
  alpha = 1
): tf.Tensor {
  const tokens = out === 'tokens';
  const attrs: IHeadMatmulAttrs = {
    aView: a[1],
    bView: b[1],
    outView: tokens ? tokensView(h) : squareView(h),
    outShape: tokens ? [h.b * h.s, h.nh * h.hd] : [h.b, h.nh, h.s, h.s],
    batches: h.b,
    heads: h.nh,
    m: h.s,
    k: tokens ? h.s : h.hd,
    n: tokens ? h.hd : h.s,
    alpha
  };
  return fusedHeadMatmul(a[0], b[0], attrs);
}

function sizes(x: tf.Tensor2D, b: number, nh: number): IHeads {
  const [rows, hidden] = x.shape;
  if (rows % b !== 0 || hidden % nh !== 0) {
    throw new Error(
      `attention: [${x.shape}] is not ${b} sequences of ${nh} heads`
    );
  }
  return { b, s: rows / b, nh, hd: hidden / nh };
}

/**
 * Attention scores alpha Q_h K_h^T for each of `b` sequences and `nh` heads, from queries and
 * keys q, k [b * s, nh * hd]: [b, nh, s, s]. Needs the fused wasm kernels.
 */
export function headScores(
  q: tf.Tensor2D,
  k: tf.Tensor2D,
  b: number,
  nh: number,
  alpha: number
): tf.Tensor4D {
  const h = sizes(q, b, nh);
  return withGrad(
    ([qi, ki], save) => {
      save([qi, ki]);
      const kT = transpose2d(ki as tf.Tensor2D);
      const value = product(
        h,
        [qi, tokensView(h)],
        [kT, transposedView(h)],
        'square',
        alpha
      );
      kT.dispose();
      return {
        value,
        gradFunc: (dS, [qs, ks]) => [
          product(h, [dS, squareView(h)], [ks, tokensView(h)], 'tokens', alpha),
          product(
            h,
            [dS, squareTransposedView(h)],
            [qs, tokensView(h)],
            'tokens',
            alpha
          )
        ]
      };
    },
    q,
    k
  ) as tf.Tensor4D;
}

/**
 * Attention context P_h V_h for each sequence and head, from probabilities p [b, nh, s, s] and
 * values v [b * s, nh * hd], merged back to [b * s, nh * hd]. Needs the fused wasm kernels.
 */
export function headContext(
  p: tf.Tensor4D,
  v: tf.Tensor2D,
  nh: number
): tf.Tensor2D {
  const h = sizes(v, p.shape[0], nh);
  return withGrad(
    ([pi, vi], save) => {
      save([pi, vi]);
      return {
        value: product(h, [pi, squareView(h)], [vi, tokensView(h)], 'tokens'),
        // The gradient runs in a tidy (withGrad), which frees v^T.
        gradFunc: (dC, [ps, vs]) => [
          product(
            h,
            [dC, tokensView(h)],
            [transpose2d(vs as tf.Tensor2D), transposedView(h)],
            'square'
          ),
          product(
            h,
            [ps, squareTransposedView(h)],
            [dC, tokensView(h)],
            'tokens'
          )
        ]
      };
    },
    p,
    v
  ) as tf.Tensor2D;
}
