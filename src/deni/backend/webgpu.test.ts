import * as tf from '@tensorflow/tfjs-core';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureModel, repoRoot } from '../model/testing/fixtures';
import { defaultProbe, initBackend } from './init';
import { type Availability, type IBackendProbe, chooseBackend } from './select';
import {
  DETERMINISM_ENV,
  describeAdapter,
  isSoftwareAdapter,
  setWebgpuDeterministic,
  webgpuDeterministic,
  webgpuModeNote
} from './webgpu';
import { deterministicScatterNd } from './webgpu-scatter';

describe('webgpu mode and adapter helpers (no GPU needed)', () => {
  it('is deterministic unless DENI_WEBGPU_DETERMINISTIC says otherwise', () => {
    expect(webgpuDeterministic({})).toBe(true);
    expect(webgpuDeterministic({ [DETERMINISM_ENV]: '1' })).toBe(true);
    expect(webgpuDeterministic({ [DETERMINISM_ENV]: 'off' })).toBe(false);
    expect(webgpuDeterministic({ [DETERMINISM_ENV]: '0' })).toBe(false);
    expect(() => webgpuDeterministic({ [DETERMINISM_ENV]: 'maybe' })).toThrow(
      /DENI_WEBGPU_DETERMINISTIC='maybe'.*use 1.*or 0/
    );
    setWebgpuDeterministic(false);
    expect(webgpuDeterministic({ [DETERMINISM_ENV]: '1' })).toBe(false);
    expect(webgpuModeNote()).toMatch(/not bit-reproducible/);
    setWebgpuDeterministic(null);
    expect(webgpuModeNote(true)).toMatch(/deterministic/);
  });

  it('recognises software adapters and names adapters', () => {
    const lavapipe = {
      vendor: 'mesa',
      architecture: 'software',
      device: 'llvmpipe-llvm-15',
      description: 'llvmpipe: Mesa 25.0.7'
    };
    expect(isSoftwareAdapter(lavapipe)).toBe(true);
    expect(isSoftwareAdapter({ description: 'SwiftShader Device' })).toBe(true);
    expect(
      isSoftwareAdapter({ vendor: 'nvidia', architecture: 'ampere' })
    ).toBe(false);
    expect(isSoftwareAdapter({ vendor: 'nvidia' }, true)).toBe(true);
    expect(isSoftwareAdapter(undefined)).toBe(false);
    expect(describeAdapter(lavapipe)).toBe(
      'mesa software (llvmpipe: Mesa 25.0.7)'
    );
    expect(describeAdapter(undefined)).toBe('unknown adapter');
  });

  it('auto passes over a software adapter but an explicit webgpu request takes it', async () => {
    const software: IBackendProbe = {
      tensorflow: async (): Promise<Availability> => ({
        ok: false,
        why: 'not installed'
      }),
      webgpu: async (): Promise<Availability> => ({
        ok: true,
        detail: 'Dawn adapter lavapipe',
        autoSkip: 'lavapipe is a software renderer'
      })
    };
    const auto = await chooseBackend('auto', software);
    expect(auto.name).toBe('wasm');
    expect(auto.reason).toMatch(/webgpu: lavapipe is a software renderer/);
    expect((await chooseBackend('webgpu', software)).name).toBe('webgpu');
  });
});

// Probed once at collection: whether Dawn finds any adapter here (Mesa 25 lavapipe counts).
const gpu = await defaultProbe.webgpu();
const skipNote = gpu.ok
  ? ''
  : ` [SKIPPED: no WebGPU adapter: ${gpu.why}; on Debian 12 install mesa-vulkan-drivers from bookworm-backports]`;

if (!gpu.ok) {
  // The default reporter hides skip reasons; say once why the GPU tests did not run.
  console.warn(`webgpu.test.ts:${skipNote}`);
}

function runChild(
  backend: string,
  dir: string,
  out: string,
  env: Record<string, string> = {}
): { losses: number[]; sha256: string; reason: string } {
  const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');
  const text = execFileSync(
    tsx,
    [
      path.join(__dirname, '../model/testing/train-child.ts'),
      backend,
      dir,
      out,
      '3'
    ],
    {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe']
    }
  );
  return JSON.parse(text.trim().split('\n').pop() as string) as {
    losses: number[];
    sha256: string;
    reason: string;
  };
}

function floats(file: string): Float32Array {
  const b = readFileSync(file);
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
}

describe(`webgpu back-end on a real adapter${skipNote}`, () => {
  it.skipIf(!gpu.ok)(
    'the deterministic scatter sums repeated rows exactly like the reference, in chunks too',
    async () => {
      await initBackend('webgpu');
      expect(tf.getBackend()).toBe('webgpu');
      const ids = [3, 1, 3, 0, 3, 1, 5, 3];
      const rows = 7;
      const dim = 5;
      const upd = Array.from(
        { length: ids.length * dim },
        (_, i) => Math.sin(i * 1.7) * 3
      );
      const expected = new Float64Array(rows * dim);
      ids.forEach((r, n) => {
        for (let d = 0; d < dim; d++) {
          expected[r * dim + d] += upd[n * dim + d];
        }
      });
      const indices = tf.tensor2d(ids, [ids.length, 1], 'int32');
      const updates = tf.tensor2d(upd, [ids.length, dim]);
      const viaOp = await tf.scatterND(indices, updates, [rows, dim]).data();
      const fallback = tf.getKernel('ScatterNd', 'webgpu').kernelFunc;
      // A 2-row-sized block forces several one-hot chunks summed in sequence.
      const chunked = tf.engine().makeTensorFromTensorInfo(
        deterministicScatterNd(
          fallback,
          2 * rows
        )({
          inputs: { indices, updates },
          backend: tf.backend(),
          attrs: { shape: [rows, dim] }
        }) as tf.TensorInfo
      );
      const viaChunks = await chunked.data();
      for (let i = 0; i < expected.length; i++) {
        expect(viaOp[i]).toBeCloseTo(expected[i], 5);
        expect(viaChunks[i]).toBeCloseTo(expected[i], 5);
      }
      expect(Array.from(viaOp)).toEqual(
        Array.from(await tf.scatterND(indices, updates, [rows, dim]).data())
      );
      // int32 sums keep tfjs's own (exact) kernel.
      const ints = await tf
        .scatterND(indices, tf.ones([ids.length, 2], 'int32'), [rows, 2])
        .data();
      expect(Array.from(ints)).toEqual([
        1, 1, 2, 2, 0, 0, 4, 4, 0, 0, 1, 1, 0, 0
      ]);
    }
  );

  it.skipIf(!gpu.ok)(
    'trains a tiny BERT checkpoint: two processes bit-identical, and within 1e-5 of wasm',
    () => {
      const dir = fixtureModel('tiny-bert');
      const tmp = mkdtempSync(path.join(os.tmpdir(), 'deni-webgpu-'));
      const files = ['a', 'b', 'wasm'].map(n => path.join(tmp, `${n}.bin`));
      const a = runChild('webgpu', dir, files[0]);
      const b = runChild('webgpu', dir, files[1]);
      const w = runChild('wasm', dir, files[2]);
      expect(a.reason).toMatch(/deterministic mode/);
      expect(b.sha256).toBe(a.sha256);
      expect(readFileSync(files[1]).equals(readFileSync(files[0]))).toBe(true);
      expect(a.losses).toHaveLength(3);
      a.losses.forEach((l, i) => expect(l).toBeCloseTo(w.losses[i], 5));
      const fa = floats(files[0]);
      const fw = floats(files[2]);
      expect(fa.length).toBe(fw.length);
      let maxDiff = 0;
      for (let i = 0; i < fa.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(fa[i] - fw[i]));
      }
      expect(maxDiff).toBeLessThan(1e-5);
      // The step changed the weights: the comparison is not between two untrained copies.
      expect(a.losses[0]).not.toBe(a.losses[2]);
      rmSync(tmp, { recursive: true, force: true });
    }
  );
});
