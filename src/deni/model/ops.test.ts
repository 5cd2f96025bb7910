import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend';
import { Rng } from '../random';
import {
  activation,
  addBias,
  batchMatMul,
  erfRational,
  feedForwardGelu,
  gatherRows,
  geluErfWasm,
  isTrainable,
  layerNorm,
  markFrozen,
  matMulWT,
  softmax,
  transpose2d
} from './ops';
import { hasWasmKernels } from '../backend/wasm-kernels';
import { maxAbsDiff } from './testing/fixtures';

function rand(rng: Rng, shape: number[]): tf.Tensor {
  return tf.tensor(rng.normalArray(shape.reduce((a, b) => a * b, 1)), shape);
}

// The custom gradients must equal tfjs's own (on cpu, where every built-in gradient exists).
describe('custom gradients vs tfjs autodiff (cpu)', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('matMulWT: x @ W^T', () => {
    const rng = new Rng(1);
    const x = rand(rng, [5, 4]);
    const w = rand(rng, [3, 4]);
    const up = rand(rng, [5, 3]);
    const loss =
      (f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor) =>
      (a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(f(a, b), up));
    const ours = tf.grads(
      loss((a, b) => matMulWT(a as tf.Tensor2D, b as tf.Tensor2D))
    )([x, w]);
    const theirs = tf.grads(loss((a, b) => tf.matMul(a, b, false, true)))([
      x,
      w
    ]);
    expect(maxAbsDiff(ours[0].dataSync(), theirs[0].dataSync())).toBeLessThan(
      1e-5
    );
    expect(maxAbsDiff(ours[1].dataSync(), theirs[1].dataSync())).toBeLessThan(
      1e-5
    );
    expect(
      maxAbsDiff(
        matMulWT(x as tf.Tensor2D, w as tf.Tensor2D).dataSync(),
        tf.matMul(x, w, false, true).dataSync()
      )
    ).toBeLessThan(1e-5);
  });

  it('batchMatMul', () => {
    const rng = new Rng(2);
    const a = rand(rng, [3, 4, 5]);
    const b = rand(rng, [3, 5, 2]);
    const up = rand(rng, [3, 4, 2]);
    const ours = tf.grads((p: tf.Tensor, q: tf.Tensor) =>
      tf.sum(tf.mul(batchMatMul(p as tf.Tensor3D, q as tf.Tensor3D), up))
    )([a, b]);
    const theirs = tf.grads((p: tf.Tensor, q: tf.Tensor) =>
      tf.sum(tf.mul(tf.matMul(p, q), up))
    )([a, b]);
    expect(maxAbsDiff(ours[0].dataSync(), theirs[0].dataSync())).toBeLessThan(
      1e-5
    );
    expect(maxAbsDiff(ours[1].dataSync(), theirs[1].dataSync())).toBeLessThan(
      1e-5
    );
  });

  it('gatherRows sums gradients of repeated ids like tf.gather', () => {
    const rng = new Rng(3);
    const table = rand(rng, [6, 3]);
    const ids = tf.tensor1d([1, 4, 1, 0, 1], 'int32');
    const up = rand(rng, [5, 3]);
    const [ours] = tf.grads((t: tf.Tensor) =>
      tf.sum(tf.mul(gatherRows(t as tf.Tensor2D, ids), up))
    )([table]);
    const [theirs] = tf.grads((t: tf.Tensor) =>
      tf.sum(tf.mul(tf.gather(t, ids), up))
    )([table]);
    expect(maxAbsDiff(ours.dataSync(), theirs.dataSync())).toBeLessThan(1e-6);
    expect(ours.dataSync()[3]).not.toBe(0); // row 1, gathered three times
  });

  it('skips the weight gradient of a frozen variable but still propagates to the input', () => {
    const rng = new Rng(4);
    const x = tf.variable(rand(rng, [2, 3]), true, 'x-trainable');
    const w = tf.variable(rand(rng, [4, 3]), false, 'w-frozen');
    const { grads } = tf.variableGrads(
      () =>
        tf.sum(
          matMulWT(x as unknown as tf.Tensor2D, w as unknown as tf.Tensor2D)
        ) as tf.Scalar
    );
    expect(Object.keys(grads)).toEqual(['x-trainable']);
    const expected = tf.matMul(tf.ones([2, 4]), w);
    expect(
      maxAbsDiff(grads['x-trainable'].dataSync(), expected.dataSync())
    ).toBeLessThan(1e-6);
  });

  it('treats a plain tensor passed to markFrozen like a frozen variable (no weight gradient)', async () => {
    const rng = new Rng(6);
    const x = tf.variable(rand(rng, [2, 3]), true, 'x-marked-case');
    const plain = rand(rng, [4, 3]);
    const marked = rand(rng, [4, 3]);
    markFrozen([marked]);
    expect(isTrainable(plain)).toBe(true);
    expect(isTrainable(marked)).toBe(false);
    // Matmuls of forward + backward: 3 with the weight gradient, 2 (forward, dx) without.
    const matmuls = async (w: tf.Tensor): Promise<number> => {
      const p = await tf.profile(() => {
        const { value, grads } = tf.variableGrads(
          () =>
            tf.sum(matMulWT(x as tf.Tensor2D, w as tf.Tensor2D)) as tf.Scalar,
          [x]
        );
        const expected = tf.matMul(tf.ones([2, 4]), w);
        expect(
          maxAbsDiff(grads[x.name].dataSync(), expected.dataSync())
        ).toBeLessThan(1e-6);
        expected.dispose();
        tf.dispose([value, grads[x.name]]);
      });
      return p.kernels.filter(k => k.name === 'BatchMatMul').length;
    };
    expect(await matmuls(plain)).toBe(4);
    expect(await matmuls(marked)).toBe(3);
    x.dispose();
  });
});

describe('custom gradients on wasm', () => {
  it('give the cpu values (scatter exists on wasm, UnsortedSegmentSum does not)', async () => {
    const run = async (backend: 'cpu' | 'wasm') => {
      await initBackend(backend);
      const rng = new Rng(5);
      const table = rand(rng, [50, 8]);
      const ids = tf.tensor1d([3, 7, 3, 49, 0, 3], 'int32');
      const w = rand(rng, [5, 8]);
      const [gt, gw] = tf.grads((t: tf.Tensor, ww: tf.Tensor) =>
        tf.sum(
          tf.square(
            matMulWT(gatherRows(t as tf.Tensor2D, ids), ww as tf.Tensor2D)
          )
        )
      )([table, w]);
      return [gt.dataSync(), gw.dataSync()];
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    expect(maxAbsDiff(cpu[0], wasm[0])).toBeLessThan(1e-4);
    expect(maxAbsDiff(cpu[1], wasm[1])).toBeLessThan(1e-4);
  });
});

describe('batchMatMul on wasm (grouped convolution)', () => {
  it('equals the cpu matmul and its gradients, for square and non-square operands', async () => {
    const run = async (backend: 'cpu' | 'wasm') => {
      await initBackend(backend);
      const rng = new Rng(6);
      const a = rand(rng, [6, 7, 5]);
      const b = rand(rng, [6, 5, 9]);
      const up = rand(rng, [6, 7, 9]);
      const value = batchMatMul(a as tf.Tensor3D, b as tf.Tensor3D);
      const [ga, gb] = tf.grads((p: tf.Tensor, q: tf.Tensor) =>
        tf.sum(tf.mul(batchMatMul(p as tf.Tensor3D, q as tf.Tensor3D), up))
      )([a, b]);
      expect(value.shape).toEqual([6, 7, 9]);
      expect(ga.shape).toEqual([6, 7, 5]);
      expect(gb.shape).toEqual([6, 5, 9]);
      return [value.dataSync(), ga.dataSync(), gb.dataSync()];
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    for (let i = 0; i < 3; i++) {
      expect(maxAbsDiff(cpu[i], wasm[i])).toBeLessThan(1e-5);
    }
  });
});

describe('wasm fast paths give the cpu results', () => {
  it('transpose2d equals tf.transpose bit for bit, through the fused kernel', async () => {
    await initBackend('wasm');
    const rng = new Rng(7);
    expect(hasWasmKernels()).toBe(true);
    // The fused kernel's 4 x 4 blocks, 64 x 16 tiles and leftover rows and columns.
    for (const shape of [
      [384, 10],
      [128, 6],
      [400, 12],
      [7, 5],
      [64, 3],
      [1, 1],
      [4, 4],
      [33, 66],
      [70, 37]
    ]) {
      const x = rand(rng, shape) as tf.Tensor2D;
      const ours = transpose2d(x);
      expect(ours.shape).toEqual([shape[1], shape[0]]);
      expect(Array.from(ours.dataSync())).toEqual(
        Array.from(tf.transpose(x).dataSync())
      );
    }
  });

  it('matMulWT on wasm (XNNPACK in either orientation, or the fused kernel for small sides) gives the cpu value and gradients', async () => {
    // x [40, 60] @ W^T with W [100, 60] takes the flipped forward (40 rows < 100 columns); x
    // [40, 120] with W [33, 120] flips the input and weight gradients (40 < 120 and 33 < 120),
    // reusing the forward's W^T for the input gradient; [90, 50, 50] is plain. Sides of at most
    // 32 go to the fused kernel: 8 rows (a classifier head), 3 outputs, an inner size of 5.
    for (const [n, out, inn] of [
      [40, 100, 60],
      [40, 33, 120],
      [90, 50, 50],
      [8, 40, 36],
      [45, 3, 50],
      [9, 40, 5]
    ]) {
      const run = async (backend: 'cpu' | 'wasm') => {
        await initBackend(backend);
        const rng = new Rng(8);
        const x = rand(rng, [n, inn]);
        const w = rand(rng, [out, inn]);
        const up = rand(rng, [n, out]);
        const value = matMulWT(x as tf.Tensor2D, w as tf.Tensor2D);
        const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(matMulWT(a as tf.Tensor2D, b as tf.Tensor2D), up))
        )([x, w]);
        expect(gx.shape).toEqual([n, inn]);
        expect(gw.shape).toEqual([out, inn]);
        return [value.dataSync(), gx.dataSync(), gw.dataSync()];
      };
      const cpu = await run('cpu');
      const wasm = await run('wasm');
      for (let i = 0; i < 3; i++) {
        expect(maxAbsDiff(cpu[i], wasm[i])).toBeLessThan(1e-4);
      }
    }
  });

  it("erfRational matches tfjs's erf to float32 accuracy over [-6, 6]", async () => {
    await initBackend('cpu');
    const x = tf.linspace(-6, 6, 2401);
    expect(
      maxAbsDiff(erfRational(x).dataSync(), tf.erf(x).dataSync())
    ).toBeLessThan(5e-7);
  });

  it('GELU (erf and tanh forms) and its gradient on wasm equal the exact formulas on cpu', async () => {
    const exact = {
      gelu: (x: tf.Tensor) =>
        tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1)),
      gelu_new: (x: tf.Tensor) =>
        tf.mul(
          tf.mul(x, 0.5),
          tf.add(
            tf.tanh(
              tf.mul(
                tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)),
                Math.sqrt(2 / Math.PI)
              )
            ),
            1
          )
        )
    };
    for (const name of ['gelu', 'gelu_new'] as const) {
      await initBackend('cpu');
      const points = tf.linspace(-9, 9, 1201);
      const reference = [
        exact[name](points).dataSync(),
        tf
          .grad((t: tf.Tensor) => tf.sum(exact[name](t)))(points)
          .dataSync()
      ];
      await initBackend('wasm');
      const x = tf.linspace(-9, 9, 1201);
      const ours = [
        activation(name, x).dataSync(),
        tf
          .grad((t: tf.Tensor) => tf.sum(activation(name, t)))(x)
          .dataSync()
      ];
      expect(maxAbsDiff(ours[0], reference[0])).toBeLessThan(2e-6);
      expect(maxAbsDiff(ours[1], reference[1])).toBeLessThan(2e-6);
    }
  });

  it('GELU: the fused wasm kernel gives the tf-ops route bit for bit, and both gradients the exact one', async () => {
    await initBackend('cpu');
    const exact = (t: tf.Tensor) =>
      tf.mul(tf.mul(t, 0.5), tf.add(tf.erf(tf.mul(t, Math.SQRT1_2)), 1));
    // 1203 points: a tail after the 4-lane loop; past +-12.6 the density is flushed to 0.
    const points = tf.linspace(-15, 15, 1203);
    const exactGrad = tf
      .grad((t: tf.Tensor) => tf.sum(exact(t)))(points)
      .dataSync();
    await initBackend('wasm');
    expect(hasWasmKernels()).toBe(true);
    const x = tf.linspace(-15, 15, 1203);
    const fused = geluErfWasm(x, true).dataSync();
    const ops = geluErfWasm(x, false).dataSync();
    expect(fused.findIndex((v, i) => !Object.is(v, ops[i]))).toBe(-1);
    for (const route of [true, false]) {
      const grad = tf
        .grad((t: tf.Tensor) => tf.sum(geluErfWasm(t, route)))(x)
        .dataSync();
      expect(maxAbsDiff(grad, exactGrad)).toBeLessThan(2e-6);
      if (!route) {
        continue;
      }
      // The fused kernel gives no denormal floats (they would slow every product that reads
      // them ~100x on x86), even for a small upstream gradient.
      const small = tf
        .grad((t: tf.Tensor) => tf.sum(tf.mul(geluErfWasm(t, route), 1e-3)))(x)
        .dataSync();
      const denormal = small.findIndex(
        v => v !== 0 && Math.abs(v) < 1.1754944e-38
      );
      expect(denormal).toBe(-1);
    }
  });

  it('LayerNorm: the fused wasm forward and gradient equal tf ops and their autodiff on cpu (rows, 3-D input, width tails)', async () => {
    for (const shape of [
      [5, 6],
      [2, 3, 8],
      [7, 384],
      [3, 1]
    ]) {
      const run = async (backend: 'cpu' | 'wasm') => {
        await initBackend(backend);
        const rng = new Rng(11);
        const d = shape[shape.length - 1];
        const x = tf.add(tf.mul(rand(rng, shape), 3), 1);
        const gamma = rand(rng, [d]);
        const beta = rand(rng, [d]);
        const up = rand(rng, shape);
        const value = layerNorm(x, gamma, beta, 1e-5);
        const grads = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(layerNorm(a, g, b, 1e-5), up))
        )([x, gamma, beta]);
        expect(grads.map(t => t.shape)).toEqual([shape, [d], [d]]);
        return [value, ...grads].map(t => t.dataSync());
      };
      const cpu = await run('cpu');
      const wasm = await run('wasm');
      for (let i = 0; i < 4; i++) {
        expect(maxAbsDiff(cpu[i], wasm[i])).toBeLessThan(2e-5);
      }
    }
  });

  it('softmax: the fused wasm gradient equals tfjs autodiff on cpu (rows, 4-D input, width tails)', async () => {
    for (const shape of [
      [3, 5],
      [2, 3, 4, 7],
      [4, 50],
      [2, 1]
    ]) {
      const run = async (backend: 'cpu' | 'wasm') => {
        await initBackend(backend);
        const rng = new Rng(13);
        const x = tf.mul(rand(rng, shape), 3);
        const up = rand(rng, shape);
        const grad = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(softmax(a), up)))(
          x
        );
        expect(grad.shape).toEqual(shape);
        return [softmax(x), grad].map(t => t.dataSync());
      };
      const cpu = await run('cpu');
      const wasm = await run('wasm');
      expect(maxAbsDiff(cpu[0], wasm[0])).toBeLessThan(1e-6);
      expect(maxAbsDiff(cpu[1], wasm[1])).toBeLessThan(1e-6);
    }
  });

  it('feedForwardGelu: the transposed wasm block equals linear + GELU + linear and its gradients', async () => {
    // Widths with 4-lane tails; 6 tokens (fused small products) and 40 (XNNPACK).
    for (const [n, inn, mid, out] of [
      [6, 5, 11, 7],
      [40, 36, 70, 33]
    ]) {
      const unfused = (
        x: tf.Tensor,
        w1: tf.Tensor,
        b1: tf.Tensor,
        w2: tf.Tensor,
        b2: tf.Tensor
      ) =>
        addBias(
          matMulWT(
            activation(
              'gelu',
              addBias(matMulWT(x as tf.Tensor2D, w1 as tf.Tensor2D), b1)
            ) as tf.Tensor2D,
            w2 as tf.Tensor2D
          ),
          b2
        );
      const run = async (backend: 'cpu' | 'wasm', block: typeof unfused) => {
        await initBackend(backend);
        const rng = new Rng(14);
        const inputs = [[n, inn], [mid, inn], [mid], [out, mid], [out]].map(
          shape => rand(rng, shape)
        );
        const up = rand(rng, [n, out]);
        const grads = tf.grads(
          (
            x: tf.Tensor,
            w1: tf.Tensor,
            b1: tf.Tensor,
            w2: tf.Tensor,
            b2: tf.Tensor
          ) => tf.sum(tf.mul(block(x, w1, b1, w2, b2), up))
        )(inputs);
        expect(grads.map(g => g.shape)).toEqual(inputs.map(t => t.shape));
        return [
          block(
            ...(inputs as [
              tf.Tensor,
              tf.Tensor,
              tf.Tensor,
              tf.Tensor,
              tf.Tensor
            ])
          ),
          ...grads
        ].map(t => t.dataSync());
      };
      const reference = await run('cpu', unfused);
      const fused = await run('wasm', (x, w1, b1, w2, b2) =>
        feedForwardGelu(
          x as tf.Tensor2D,
          w1 as tf.Tensor2D,
          b1,
          w2 as tf.Tensor2D,
          b2
        )
      );
      for (let i = 0; i < 6; i++) {
        expect(maxAbsDiff(reference[i], fused[i])).toBeLessThan(2e-4);
      }
    }
  });

  it('addBias: the fused column-sum gradient on wasm equals tfjs autodiff on cpu', async () => {
    for (const shape of [
      [5, 6],
      [400, 37],
      [3, 1]
    ]) {
      const run = async (backend: 'cpu' | 'wasm') => {
        await initBackend(backend);
        const rng = new Rng(12);
        const y = rand(rng, shape) as tf.Tensor2D;
        const bias = rand(rng, [shape[1]]);
        const up = rand(rng, shape);
        const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(addBias(a as tf.Tensor2D, b), up))
        )([y, bias]);
        expect(grads.map(t => t.shape)).toEqual([shape, [shape[1]]]);
        return [addBias(y, bias), ...grads].map(t => t.dataSync());
      };
      const cpu = await run('cpu');
      const wasm = await run('wasm');
      // Bias gradients are sums of 400 products (|sum| up to ~50): float32 rounding differs.
      for (let i = 0; i < 3; i++) {
        expect(maxAbsDiff(cpu[i], wasm[i])).toBeLessThan(1e-4);
      }
    }
  });
});
