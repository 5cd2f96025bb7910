import * as tf from '@tensorflow/tfjs-core';
import {
  fusedAdam,
  fusedNonZeroRows,
  hasWasmKernels,
  type IAdamAttrs
} from '../backend/wasm-kernels';
import {
  type IAdamScalars,
  onTensorflow,
  resourceApplyAdam,
  TensorflowVariable
} from '../backend/tensorflow-ops';
import { gradientRowHint } from '../model/ops';
import type { IOptimizerConfig } from './types';

// A tensor's Adam state as TensorFlow resource variables (native back-end): the parameter's own
// copy, its moments, and the data of the tfjs variable the copy was last synchronised with.
interface ITensorflowAdamState {
  p: TensorflowVariable;
  m: TensorflowVariable;
  v: TensorflowVariable;
  synced: object;
}

/** PAPER.md: Adam (0.9, 0.999, 1e-8), no weight decay. */
export const ADAM_DEFAULTS: IOptimizerConfig = {
  kind: 'adam',
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0
};

/** Best-practices baseline: AdamW with PyTorch's default decoupled weight decay 0.01. */
export const ADAMW_DEFAULTS: IOptimizerConfig = {
  kind: 'adamw',
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0.01
};

/** 2-D tensors with at least this many rows (word embeddings) get the row-sparse update. */
export const SPARSE_ROWS_MIN = 8192;

// Row ids in increasing order that are in `a` or `b` (both sorted, no repeats).
function mergeSorted(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i] < b[j])) {
      out[n++] = a[i++];
    } else if (i >= a.length || b[j] < a[i]) {
      out[n++] = b[j++];
    } else {
      out[n++] = a[i++];
      j++;
    }
  }
  return out.slice(0, n);
}

// Rows of `g` [rows, dim] holding any non-zero value (a synchronous read: wasm and cpu only). On
// wasm a fused kernel reads each row only up to its first non-zero value; elsewhere a sum of
// absolute values is 0 only for an all-zero row. NaN rows count as touched either way.
function nonZeroRows(g: tf.Tensor): Int32Array {
  // On native TensorFlow an embedding's gradient says which rows it scattered (a superset of
  // its non-zero rows, which updates the same: a row with zero gradient and zero moments moves
  // by exactly 0).
  const hint = gradientRowHint(g);
  if (hint) {
    return hint;
  }
  const flagsTensor = tf.tidy(() =>
    hasWasmKernels() && g.dtype === 'float32'
      ? fusedNonZeroRows(g as tf.Tensor2D)
      : tf.sum(tf.abs(g), 1)
  );
  // The flags tensor escapes tidy: without this, every step of full fine-tuning leaked one
  // [vocab] tensor (122 KB for MiniLM's 30,522 rows), growing a long-lived worker run after run.
  const flags = flagsTensor.dataSync();
  flagsTensor.dispose();
  const rows: number[] = [];
  flags.forEach((x, i) => {
    if (x !== 0) {
      rows.push(i);
    }
  });
  return Int32Array.from(rows);
}

/**
 * PyTorch's element-wise Adam update as tf ops: [next p, m1, v1], with m and v absent on the
 * first step. wasm runs the same float32 operations fused (`backend/wasm-kernels.ts`), bit for bit.
 */
export function adamOps(
  p: tf.Tensor,
  g: tf.Tensor,
  mPrev: tf.Tensor | undefined,
  vPrev: tf.Tensor | undefined,
  { beta1, beta2, eps, lr, bc1, bc2Sqrt }: IAdamAttrs
): tf.Tensor[] {
  const m1 = mPrev
    ? tf.add(tf.mul(mPrev, beta1), tf.mul(g, 1 - beta1))
    : tf.mul(g, 1 - beta1);
  const v1 = vPrev
    ? tf.add(tf.mul(vPrev, beta2), tf.mul(tf.square(g), 1 - beta2))
    : tf.mul(tf.square(g), 1 - beta2);
  const denom = tf.add(tf.div(tf.sqrt(v1), bc2Sqrt), eps);
  const next = tf.sub(p, tf.mul(tf.div(m1, denom), lr / bc1));
  return [next, m1, v1];
}

/**
 * Adam / AdamW with explicit state (first and second moments per tensor name and a step count),
 * written over tf ops with PyTorch's update formula so that a copy of a model can get a fresh
 * optimiser while the main model keeps its own.
 *
 * Word embeddings train row-sparse: without weight decay, a row whose gradient has been zero at
 * every step so far has zero moments, and Adam moves it by exactly 0 / (0 + eps) = 0. So for 2-D
 * tensors of SPARSE_ROWS_MIN rows or more only the rows ever touched are updated (their moments
 * are kept compact, in row order). The arithmetic per element is the dense update's, so the
 * result is bit-identical to it; for minilm-l6 this skips ~30k of 30.5k embedding rows per step.
 */
export class AdamOptimizer {
  private readonly m = new Map<string, tf.Tensor>();
  private readonly v = new Map<string, tf.Tensor>();
  /** Rows updated so far of row-sparse tensors; their m and v are [rows.length, dim]. */
  private readonly rows = new Map<string, Int32Array>();
  /** Dense tensors' state on native TensorFlow (ResourceApplyAdam). */
  private readonly native = new Map<string, ITensorflowAdamState>();
  private t = 0;
  /**
   * Updates of each tensor: bias correction counts per tensor, like torch's per-parameter
   * `state['step']`, so a tensor left out of a step (a head-only step) keeps its own count.
   */
  private readonly tensorSteps = new Map<string, number>();

  constructor(readonly config: IOptimizerConfig = ADAM_DEFAULTS) {
    const { beta1, beta2, eps, weightDecay } = config;
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
      throw new RangeError(
        `Adam betas must be in [0, 1), got ${beta1}, ${beta2}`
      );
    }
    if (!(eps > 0) || !(weightDecay >= 0)) {
      throw new RangeError(
        `Adam eps must be > 0 and weight decay >= 0, got eps ${eps}, weight decay ${weightDecay}`
      );
    }
  }

  /** Optimiser steps taken so far. */
  get steps(): number {
    return this.t;
  }

  /** One update of the variables in place; the gradients are not disposed here. */
  step(
    params: ReadonlyMap<string, tf.Variable>,
    grads: ReadonlyMap<string, tf.Tensor>,
    lr: number
  ): void {
    this.t += 1;
    const { beta1, beta2 } = this.config;
    // One set of ResourceApplyAdam scalars per bias-correction count in this step (tensors differ
    // only after head-only steps).
    const scalars = new Map<number, IAdamScalars>();
    try {
      for (const [name, p] of params) {
        const g0 = grads.get(name);
        if (!g0) {
          throw new Error(`no gradient for trainable tensor '${name}'`);
        }
        const t = (this.tensorSteps.get(name) ?? 0) + 1;
        this.tensorSteps.set(name, t);
        const bc1 = 1 - beta1 ** t;
        const bc2Sqrt = Math.sqrt(1 - beta2 ** t);
        if (this.rowSparse(p)) {
          this.sparseStep(name, p, g0, lr, bc1, bc2Sqrt);
        } else if (onTensorflow() && p.dtype === 'float32') {
          let s = scalars.get(t);
          if (!s) {
            s = this.tensorflowScalars(lr, t);
            scalars.set(t, s);
          }
          this.tensorflowStep(name, p, g0, lr, s);
        } else {
          this.denseStep(name, p, g0, lr, bc1, bc2Sqrt);
        }
      }
    } finally {
      for (const s of scalars.values()) {
        tf.dispose(Object.values(s));
      }
    }
  }

  // The step's scalars for ResourceApplyAdam; its epsilon is applied before the bias correction
  // of v, so PyTorch's eps becomes eps * sqrt(1 - beta2^t).
  private tensorflowScalars(lr: number, t: number): IAdamScalars {
    const { beta1, beta2, eps } = this.config;
    const bc2Sqrt = Math.sqrt(1 - beta2 ** t);
    return {
      beta1Power: tf.scalar(beta1 ** t),
      beta2Power: tf.scalar(beta2 ** t),
      lr: tf.scalar(lr),
      beta1: tf.scalar(beta1),
      beta2: tf.scalar(beta2),
      epsilon: tf.scalar(eps * bc2Sqrt)
    };
  }

  /*
   * Native TensorFlow: one ResourceApplyAdam per tensor on TensorFlow variables holding the
   * parameter and its moments (one pass instead of ~10 tf ops). The tfjs variable then takes the
   * updated value (a read that shares the buffer); when something else assigned the tfjs
   * variable since (a strategy averaging or perturbing weights), the copy is refreshed first.
   */
  private tensorflowStep(
    name: string,
    p: tf.Variable,
    g0: tf.Tensor,
    lr: number,
    s: IAdamScalars
  ): void {
    const { weightDecay, kind } = this.config;
    let state = this.native.get(name);
    if (!state) {
      state = {
        p: new TensorflowVariable(p.shape),
        m: new TensorflowVariable(p.shape),
        v: new TensorflowVariable(p.shape),
        synced: {}
      };
      const zeros = tf.zerosLike(p);
      state.m.assign(zeros);
      state.v.assign(zeros);
      zeros.dispose();
      this.native.set(name, state);
    }
    const g =
      weightDecay > 0 && kind === 'adam'
        ? tf.tidy(() => tf.add(g0, tf.mul(p, weightDecay)))
        : g0;
    if (weightDecay > 0 && kind === 'adamw') {
      const decayed = tf.mul(p, 1 - lr * weightDecay);
      state.p.assign(decayed);
      decayed.dispose();
    } else if (state.synced !== p.dataId) {
      state.p.assign(p);
    }
    resourceApplyAdam(state.p, state.m, state.v, s, g);
    if (g !== g0) {
      g.dispose();
    }
    const next = state.p.read();
    p.assign(next);
    next.dispose();
    state.synced = p.dataId;
  }

  // PyTorch's Adam as tf ops (one fused kernel on wasm) on a dense tensor.
  private denseStep(
    name: string,
    p: tf.Variable,
    g0: tf.Tensor,
    lr: number,
    bc1: number,
    bc2Sqrt: number
  ): void {
    const { weightDecay, kind } = this.config;
    const [next, m1, v1] = tf.tidy(() => {
      let g = g0;
      let base = p;
      if (weightDecay > 0 && kind === 'adam') {
        g = tf.add(g, tf.mul(p, weightDecay));
      }
      if (weightDecay > 0 && kind === 'adamw') {
        base = tf.mul(p, 1 - lr * weightDecay);
      }
      return this.update(
        base,
        g,
        this.m.get(name),
        this.v.get(name),
        lr,
        bc1,
        bc2Sqrt
      );
    });
    this.replaceMoments(name, m1, v1);
    p.assign(next);
    next.dispose();
  }

  // PyTorch's element-wise Adam update: [next, m1, v1]; one fused kernel on wasm.
  private update(
    p: tf.Tensor,
    g: tf.Tensor,
    mPrev: tf.Tensor | undefined,
    vPrev: tf.Tensor | undefined,
    lr: number,
    bc1: number,
    bc2Sqrt: number
  ): tf.Tensor[] {
    const { beta1, beta2, eps } = this.config;
    const constants = { beta1, beta2, eps, lr, bc1, bc2Sqrt };
    if (hasWasmKernels() && p.dtype === 'float32') {
      return fusedAdam(p, g, mPrev, vPrev, constants);
    }
    return adamOps(p, g, mPrev, vPrev, constants);
  }

  private replaceMoments(name: string, m1: tf.Tensor, v1: tf.Tensor): void {
    this.m.get(name)?.dispose();
    this.v.get(name)?.dispose();
    this.m.set(name, m1);
    this.v.set(name, v1);
  }

  private rowSparse(p: tf.Tensor): boolean {
    const backend = tf.getBackend();
    return (
      this.config.weightDecay === 0 &&
      p.rank === 2 &&
      p.shape[0] >= SPARSE_ROWS_MIN &&
      // Finding the touched rows reads the gradient synchronously.
      (backend === 'wasm' || backend === 'cpu' || backend === 'tensorflow')
    );
  }

  private sparseStep(
    name: string,
    p: tf.Variable,
    g: tf.Tensor,
    lr: number,
    bc1: number,
    bc2Sqrt: number
  ): void {
    const before = this.rows.get(name) ?? new Int32Array(0);
    const rows = mergeSorted(before, nonZeroRows(g));
    this.rows.set(name, rows);
    if (rows.length === 0) {
      return;
    }
    const [next, m1, v1] = tf.tidy(() => {
      const dim = p.shape[1] as number;
      const idx = tf.tensor2d(rows, [rows.length, 1], 'int32');
      // Moments of rows seen before move to their new places; new rows start at zero.
      let places: tf.Tensor | null = null;
      if (before.length > 0 && before.length < rows.length) {
        const at = new Int32Array(before.length);
        let k = 0;
        rows.forEach((r, i) => {
          if (k < before.length && before[k] === r) {
            at[k++] = i;
          }
        });
        places = tf.tensor2d(at, [at.length, 1], 'int32');
      }
      const grow = (prev: tf.Tensor | undefined): tf.Tensor | undefined =>
        prev && places ? tf.scatterND(places, prev, [rows.length, dim]) : prev;
      const [nextRows, m, v] = this.update(
        tf.gatherND(p, idx),
        tf.gatherND(g, idx),
        grow(this.m.get(name)),
        grow(this.v.get(name)),
        lr,
        bc1,
        bc2Sqrt
      );
      // tfjs-backend-cpu's TensorScatterUpdate writes into its input (4.22); p may share its
      // buffer with a copy of the model, so the cpu back-end scatters into a copy (x * 1 is exact).
      const target = tf.getBackend() === 'cpu' ? tf.mul(p, 1) : p;
      return [tf.tensorScatterUpdate(target, idx, nextRows), m, v];
    });
    this.replaceMoments(name, m1, v1);
    p.assign(next);
    next.dispose();
  }

  /** Frees the moment tensors. */
  dispose(): void {
    for (const x of this.m.values()) {
      x.dispose();
    }
    for (const x of this.v.values()) {
      x.dispose();
    }
    for (const st of this.native.values()) {
      st.p.destroy();
      st.m.destroy();
      st.v.destroy();
    }
    this.m.clear();
    this.v.clear();
    this.rows.clear();
    this.native.clear();
    this.tensorSteps.clear();
  }
}
