import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tensorflowBindingStatus } from '../backend';
import { Rng } from '../random';
import { fusedAdam, hasWasmKernels } from '../backend/wasm-kernels';
import {
  adamOps,
  AdamOptimizer,
  ADAM_DEFAULTS,
  ADAMW_DEFAULTS,
  SPARSE_ROWS_MIN
} from './optimizer';
import { linearLr, linearSchedule } from './schedule';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// The native back-end where setup built it (tests on it skip, saying why, elsewhere).
const tfStatus = tensorflowBindingStatus();

const ADAM_CONSTANTS = {
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  lr: 1e-3,
  bc1: 0.1,
  bc2Sqrt: 0.03
};

/** PyTorch's Adam/AdamW on one scalar parameter, in float64. */
function torchAdam(
  p0: number,
  grads: number[],
  lrs: number[],
  o: {
    beta1: number;
    beta2: number;
    eps: number;
    weightDecay: number;
    decoupled: boolean;
  }
): number {
  let p = p0;
  let m = 0;
  let v = 0;
  grads.forEach((g0, i) => {
    const t = i + 1;
    const lr = lrs[i];
    let g = g0;
    if (o.decoupled) {
      p *= 1 - lr * o.weightDecay;
    } else {
      g += o.weightDecay * p;
    }
    m = o.beta1 * m + (1 - o.beta1) * g;
    v = o.beta2 * v + (1 - o.beta2) * g * g;
    const denom = Math.sqrt(v) / Math.sqrt(1 - o.beta2 ** t) + o.eps;
    p -= (lr / (1 - o.beta1 ** t)) * (m / denom);
  });
  return p;
}

describe('AdamOptimizer', () => {
  const grads = [0.5, -0.25, 1.5, 0.01, -2];
  const lrs = [0.1, 0.08, 0.06, 0.04, 0.02];

  async function run(config = ADAM_DEFAULTS, p0 = 1.3): Promise<number> {
    const opt = new AdamOptimizer(config);
    const p = tf.variable(tf.scalar(p0));
    const params = new Map([['w', p]]);
    for (let i = 0; i < grads.length; i++) {
      const g = tf.scalar(grads[i]);
      opt.step(params, new Map([['w', g]]), lrs[i]);
      g.dispose();
    }
    const out = (await p.data())[0];
    p.dispose();
    opt.dispose();
    return out;
  }

  it('follows PyTorch Adam (bias-corrected, eps outside the sqrt)', async () => {
    const expected = torchAdam(1.3, grads, lrs, {
      ...ADAM_DEFAULTS,
      decoupled: false
    });
    expect(await run()).toBeCloseTo(expected, 5);
  });

  it('adds L2 to the gradient for Adam and decays decoupled for AdamW', async () => {
    const l2 = torchAdam(1.3, grads, lrs, {
      ...ADAM_DEFAULTS,
      weightDecay: 0.1,
      decoupled: false
    });
    const w = torchAdam(1.3, grads, lrs, {
      ...ADAMW_DEFAULTS,
      weightDecay: 0.1,
      decoupled: true
    });
    expect(await run({ ...ADAM_DEFAULTS, weightDecay: 0.1 })).toBeCloseTo(
      l2,
      5
    );
    expect(await run({ ...ADAMW_DEFAULTS, weightDecay: 0.1 })).toBeCloseTo(
      w,
      5
    );
    expect(Math.abs(l2 - w)).toBeGreaterThan(1e-4);
  });

  it('keeps its state per instance (a fresh optimiser starts at t = 0)', () => {
    const a = new AdamOptimizer();
    const v = tf.variable(tf.scalar(0));
    const g = tf.scalar(1);
    a.step(new Map([['w', v]]), new Map([['w', g]]), 0.1);
    const b = new AdamOptimizer();
    expect(a.steps).toBe(1);
    expect(b.steps).toBe(0);
    tf.dispose([v, g]);
    a.dispose();
  });

  it.each([
    'wasm',
    'cpu',
    ...(tfStatus.built ? (['tensorflow'] as const) : [])
  ] as const)(
    'updates an embedding row-sparse, as the dense update does (%s; bit for bit except on tensorflow)',
    async backend => {
      await initBackend(backend);
      // Rows touched at different steps (including one touched once, then left alone, and a
      // row touched twice); the same values as a rank-1 tensor take the dense path.
      const rows = SPARSE_ROWS_MIN + 5;
      const dim = 3;
      const rng = new Rng(7);
      const init = Float32Array.from(rng.normalArray(rows * dim));
      const touched = [[4, 8000], [8000, 17], [], [SPARSE_ROWS_MIN + 4, 4]];
      const sparse = tf.variable(tf.tensor2d(init, [rows, dim]));
      const dense = tf.variable(tf.tensor1d(init));
      const optSparse = new AdamOptimizer();
      const optDense = new AdamOptimizer();
      for (const [step, ids] of touched.entries()) {
        const g = new Float32Array(rows * dim);
        for (const r of ids) {
          for (let d = 0; d < dim; d++) {
            g[r * dim + d] = rng.normal();
          }
        }
        const lr = 0.01 / (step + 1);
        const gs = tf.tensor2d(g, [rows, dim]);
        const gd = tf.tensor1d(g);
        optSparse.step(new Map([['emb', sparse]]), new Map([['emb', gs]]), lr);
        optDense.step(new Map([['emb', dense]]), new Map([['emb', gd]]), lr);
        tf.dispose([gs, gd]);
      }
      const a = sparse.dataSync();
      const b = dense.dataSync();
      if (backend === 'tensorflow') {
        // The dense tensor takes TensorFlow's fused ResourceApplyAdam (its own rounding), the
        // rows the tf-ops update: equal to float32 rounding, untouched rows exactly unchanged.
        expect(a.every((x, i) => Math.abs(x - b[i]) < 1e-6)).toBe(true);
        expect(a[(SPARSE_ROWS_MIN + 1) * dim]).toBe(
          init[(SPARSE_ROWS_MIN + 1) * dim]
        );
      } else {
        const differing = a.findIndex((x, i) => !Object.is(x, b[i]));
        expect(differing).toBe(-1);
      }
      // The touched rows did move, the others did not.
      expect(a[8000 * dim]).not.toBe(init[8000 * dim]);
      expect(a[5 * dim]).toBe(init[5 * dim]);
      tf.dispose([sparse, dense]);
      optSparse.dispose();
      optDense.dispose();
      await tf.setBackend('cpu');
    }
  );

  it('runs on wasm as one fused kernel that gives the tf ops update bit for bit', async () => {
    await initBackend('wasm');
    expect(hasWasmKernels()).toBe(true);
    const rng = new Rng(9);
    const t = (n: number, scale = 1) =>
      tf.tensor1d(rng.normalArray(n).map(x => x * scale));
    // Sizes with and without a tail after the 4-lane loop; steps 1 (no moments yet) and 3.
    for (const n of [1, 3, 8, 1030]) {
      const p = t(n);
      const g = t(n);
      const m = t(n, 0.01);
      const v = tf.abs(t(n, 0.01));
      for (const [moments, step] of [
        [false, 1],
        [true, 3]
      ] as const) {
        const constants = {
          beta1: 0.9,
          beta2: 0.999,
          eps: 1e-8,
          lr: 2e-5,
          bc1: 1 - 0.9 ** step,
          bc2Sqrt: Math.sqrt(1 - 0.999 ** step)
        };
        const mm = moments ? m : undefined;
        const vv = moments ? v : undefined;
        const fused = fusedAdam(p, g, mm, vv, constants);
        const ops = adamOps(p, g, mm, vv, constants);
        for (let i = 0; i < 3; i++) {
          const a = fused[i].dataSync();
          const b = ops[i].dataSync();
          expect(a.findIndex((x, j) => !Object.is(x, b[j]))).toBe(-1);
        }
        // The update really moved p (the comparison is not of two copies of the input).
        expect(fused[0].dataSync()[0]).not.toBe(p.dataSync()[0]);
        tf.dispose([...fused, ...ops]);
      }
      expect(() => fusedAdam(p, t(n + 1), m, v, ADAM_CONSTANTS)).toThrow(
        new RegExp(`g has shape \\[${n + 1}\\]`)
      );
      tf.dispose([p, g, m, v]);
    }
    await tf.setBackend('cpu');
  });

  it('rejects bad settings and missing gradients with the name', () => {
    expect(() => new AdamOptimizer({ ...ADAM_DEFAULTS, beta1: 1 })).toThrow(
      /betas/
    );
    const opt = new AdamOptimizer();
    const v = tf.variable(tf.scalar(0));
    expect(() => opt.step(new Map([['head', v]]), new Map(), 0.1)).toThrow(
      /'head'/
    );
    v.dispose();
  });
});

describe('linear schedule', () => {
  it('matches get_linear_schedule_with_warmup without warm-up', () => {
    const s = linearSchedule(1e-3, 10);
    expect(linearLr(s, 1)).toBeCloseTo(1e-3, 12);
    expect(linearLr(s, 2)).toBeCloseTo(0.9e-3, 12);
    expect(linearLr(s, 10)).toBeCloseTo(0.1e-3, 12);
  });

  it('warms up linearly from 0 over the first 10 %, then decays to 0', () => {
    const s = linearSchedule(1, 100, 0.1);
    expect(s.warmupSteps).toBe(10);
    expect(linearLr(s, 1)).toBe(0);
    expect(linearLr(s, 6)).toBeCloseTo(0.5, 12);
    expect(linearLr(s, 11)).toBeCloseTo(1, 12);
    expect(linearLr(s, 100)).toBeCloseTo(1 / 90, 12);
  });

  it('rejects bad settings naming the value', () => {
    expect(() => linearSchedule(0, 10)).toThrow(/learning rate.*0/);
    expect(() => linearSchedule(1, 10, 1)).toThrow(/warm-up fraction/);
    expect(() => linearLr(linearSchedule(1, 10), 0)).toThrow(/step/);
  });
});

describe('row-sparse Adam keeps tensor memory flat (#21)', () => {
  it.each(['wasm', 'cpu'] as const)(
    'frees every temporary of a step: the tensor count grows only by the moments (%s)',
    async backend => {
      await initBackend(backend);
      const rows = SPARSE_ROWS_MIN + 2;
      const p = tf.variable(tf.zeros([rows, 2]));
      const g = tf.tidy(() =>
        tf.tensorScatterUpdate(
          tf.zeros([rows, 2]),
          tf.tensor2d([[3]], [1, 1], 'int32'),
          tf.ones([1, 2])
        )
      );
      const opt = new AdamOptimizer();
      opt.step(new Map([['emb', p]]), new Map([['emb', g]]), 0.01);
      const after1 = tf.memory().numTensors;
      for (let i = 0; i < 5; i++) {
        opt.step(new Map([['emb', p]]), new Map([['emb', g]]), 0.01);
      }
      // Before the fix each step left one [rows] flags tensor behind (122 KB per step for MiniLM).
      expect(tf.memory().numTensors).toBe(after1);
      opt.dispose();
      tf.dispose([p, g]);
    }
  );
});

describe.skipIf(!tfStatus.built)(
  `AdamOptimizer on native tensorflow${tfStatus.built ? '' : ` (skipped: ${tfStatus.why})`}`,
  () => {
    const grads = [0.5, -0.25, 1.5, 0.01, -2];
    const lrs = [0.1, 0.08, 0.06, 0.04, 0.02];

    // `reassign` moves the parameter between steps the way a strategy would (p.assign).
    async function run(
      config = ADAM_DEFAULTS,
      reassign?: (step: number, p: tf.Variable) => void
    ): Promise<Float32Array> {
      const opt = new AdamOptimizer(config);
      const p0 = tf.tensor1d([1.3, -0.7, 0.2]);
      const p = tf.variable(p0);
      p0.dispose();
      const params = new Map([['w', p]]);
      for (let i = 0; i < grads.length; i++) {
        reassign?.(i, p);
        const g = tf.tensor1d([grads[i], -grads[i], 2 * grads[i]]);
        opt.step(params, new Map([['w', g]]), lrs[i]);
        g.dispose();
      }
      const out = (await p.data()) as Float32Array;
      p.dispose();
      opt.dispose();
      return out;
    }

    it('one ResourceApplyAdam per tensor follows PyTorch Adam, with L2 and AdamW, and frees its variables', async () => {
      await initBackend('tensorflow');
      const torch = (p0: number, scale: number, o: object): number =>
        torchAdam(
          p0,
          grads.map(g => g * scale),
          lrs,
          {
            ...ADAM_DEFAULTS,
            decoupled: false,
            ...o
          }
        );
      for (const [config, o] of [
        [ADAM_DEFAULTS, {}],
        [{ ...ADAM_DEFAULTS, weightDecay: 0.1 }, { weightDecay: 0.1 }],
        [
          { ...ADAMW_DEFAULTS, weightDecay: 0.1 },
          { weightDecay: 0.1, decoupled: true }
        ]
      ] as const) {
        const before = tf.memory().numTensors;
        const got = await run(config);
        expect(tf.memory().numTensors).toBe(before);
        [1.3, -0.7, 0.2].forEach((p0, i) =>
          expect(got[i]).toBeCloseTo(torch(p0, [1, -1, 2][i], o), 5)
        );
      }
      await tf.setBackend('cpu');
    });

    it('takes up a value assigned to the variable between steps (as strategies do)', async () => {
      const moved = (step: number, p: tf.Variable): void => {
        if (step === 2) {
          p.assign(tf.tensor1d([5, 6, 7]));
        }
      };
      await initBackend('tensorflow');
      const native = await run(ADAM_DEFAULTS, moved);
      await tf.setBackend('cpu');
      const ops = await run(ADAM_DEFAULTS, moved);
      for (let i = 0; i < 3; i++) {
        expect(native[i]).toBeCloseTo(ops[i], 5);
      }
      expect(native[0]).toBeGreaterThan(4);
    });
  }
);
