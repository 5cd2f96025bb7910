import { buildSync } from 'esbuild';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * The `tensorflow` back-end on a user's machine: @tensorflow/tfjs-node-gpu / tfjs-node cannot be
 * installed here (their install downloads libtensorflow), so each case builds an application
 * folder the way npm would lay it out, with stand-in packages under those names. A stand-in does
 * what the real package does on import: registers a 'tensorflow' back-end and its kernels with
 * tfjs-core (here the cpu kernels, so it computes), or throws like a package whose native library
 * is missing. The engine is bundled into the folder, so the real probe (src/deni/backend/init.ts)
 * resolves the optional packages exactly as it would in an installed application.
 * chooseBackend's preference logic itself is covered by select.test.ts.
 */

const repoRoot = path.resolve(__dirname, '../../..');
const realModules = path.join(repoRoot, 'node_modules/@tensorflow');
let bundle = '';
const scratch: string[] = [];

function standIn(pkg: string): string {
  return `// stand-in for ${pkg}: registers a native-looking 'tensorflow' back-end like the real package
const tf = require('@tensorflow/tfjs-core');
const cpu = require('@tensorflow/tfjs-backend-cpu');
globalThis.__deniLoaded = (globalThis.__deniLoaded || []).concat(${JSON.stringify(pkg)});
// What TensorFlow would read when the real binding loads.
globalThis.__deniTfEnv = {
  intra: process.env.TF_NUM_INTRAOP_THREADS,
  inter: process.env.TF_NUM_INTEROP_THREADS,
  deterministic: process.env.TF_DETERMINISTIC_OPS,
  async: process.env.TFJS_NODE_ASYNC
};
if (!tf.findBackendFactory('tensorflow')) {
  tf.registerBackend('tensorflow', () => new cpu.MathBackendCPU(), 3);
  for (const k of tf.getKernelsForBackend('cpu')) {
    tf.registerKernel({ ...k, backendName: 'tensorflow' });
  }
}
module.exports = { version: 'stand-in', package: ${JSON.stringify(pkg)} };
`;
}

const BROKEN =
  "throw new Error('libtensorflow.so.2: cannot open shared object file: No such file or directory');\n";

/**
 * An application folder with the engine bundle and the given optional packages, in its
 * node_modules or (`where: 'setup'`) in .cache/tfjs-node/node_modules, where scripts/setup.sh
 * builds tfjs-node.
 */
function app(
  installed: Record<string, 'works' | 'broken'>,
  where: 'node_modules' | 'setup' = 'node_modules'
): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'deni-tfnode-'));
  scratch.push(dir);
  const scope = path.join(dir, 'node_modules/@tensorflow');
  mkdirSync(scope, { recursive: true });
  for (const pkg of [
    'tfjs-core',
    'tfjs-backend-cpu',
    'tfjs-backend-wasm',
    'tfjs-backend-webgpu'
  ]) {
    symlinkSync(path.join(realModules, pkg), path.join(scope, pkg), 'dir');
  }
  for (const [pkg, kind] of Object.entries(installed)) {
    const p = path.join(
      dir,
      where === 'setup' ? '.cache/tfjs-node/node_modules' : 'node_modules',
      pkg
    );
    mkdirSync(p, { recursive: true });
    writeFileSync(
      path.join(p, 'package.json'),
      JSON.stringify({ name: pkg, version: '4.22.0', main: 'index.js' })
    );
    writeFileSync(
      path.join(p, 'index.js'),
      kind === 'works' ? standIn(pkg) : BROKEN
    );
  }
  copyFileSync(bundle, path.join(dir, 'child.mjs'));
  return dir;
}

interface IChildResult {
  name?: string;
  reason?: string;
  active?: string;
  value?: number[];
  error?: string;
  tfEnv?: {
    intra?: string;
    inter?: string;
    deterministic?: string;
    async?: string;
  };
}

// A PATH whose nvidia-smi lists one GPU (the probe asks it whether a GPU is visible), or none
// that finds any nvidia-smi.
function pathWith(gpu: boolean): string {
  const bin = mkdtempSync(path.join(os.tmpdir(), 'deni-tfnode-bin-'));
  scratch.push(bin);
  if (gpu) {
    const smi = path.join(bin, 'nvidia-smi');
    writeFileSync(smi, '#!/bin/sh\necho "GPU 0: Stand-in GPU (UUID: GPU-0)"\n');
    chmodSync(smi, 0o755);
  }
  return [bin, path.dirname(process.execPath)].join(path.delimiter);
}

function run(
  dir: string,
  backend: string,
  env: NodeJS.ProcessEnv = {}
): IChildResult {
  const out = execFileSync(process.execPath, ['child.mjs', backend], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: pathWith(false),
      HOME: process.env.HOME,
      DENI_WASM_THREADS: '1',
      ...env
    }
  });
  return JSON.parse(out.trim().split('\n').pop() as string) as IChildResult;
}

beforeAll(() => {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'deni-tfnode-build-'));
  scratch.push(outDir);
  bundle = path.join(outDir, 'child.mjs');
  buildSync({
    entryPoints: [path.join(__dirname, 'native-tensorflow-child.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: bundle,
    external: ['@tensorflow/*', 'webgpu'],
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"
    },
    logLevel: 'error'
  });
});

afterAll(() => {
  for (const dir of scratch) {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('tensorflow back-end selection with tfjs-node packages installed or not', () => {
  it('without tfjs-node(-gpu): auto takes wasm and says why; an explicit request fails clearly', () => {
    const dir = app({});
    const auto = run(dir, 'auto');
    expect(auto.name).toBe('wasm');
    expect(auto.active).toBe('wasm');
    expect(auto.reason).toMatch(
      /tensorflow: neither @tensorflow\/tfjs-node-gpu nor @tensorflow\/tfjs-node is installed/
    );
    // What a sweep's worker does when its run names tensorflow (e.g. the sweep's auto became
    // tensorflow where it started) and this machine lacks it: it fails, saying how to get it.
    const explicit = run(dir, 'tensorflow');
    expect(explicit.error).toMatch(
      /Back-end 'tensorflow' is not available: neither .*installed \(scripts\/setup\.sh builds @tensorflow\/tfjs-node/
    );
    expect(explicit.error).toMatch(
      /To run on it here: bash scripts\/setup\.sh builds @tensorflow\/tfjs-node\(-gpu\)/
    );
    expect(explicit.active).toBeUndefined();
  });

  it('with @tensorflow/tfjs-node-gpu installed: auto and an explicit request use it', () => {
    const dir = app({ '@tensorflow/tfjs-node-gpu': 'works' });
    for (const request of ['auto', 'tensorflow']) {
      const r = run(dir, request);
      expect(r.name).toBe('tensorflow');
      expect(r.active).toBe('tensorflow');
      expect(r.reason).toMatch(
        /native TensorFlow through @tensorflow\/tfjs-node-gpu on the CPU/
      );
      expect(r.value).toEqual([3, 3, 3, 3]);
    }
  });

  it('prefers tfjs-node-gpu when nvidia-smi lists a GPU, tfjs-node otherwise, and uses either alone', () => {
    const both = app({
      '@tensorflow/tfjs-node-gpu': 'works',
      '@tensorflow/tfjs-node': 'works'
    });
    const gpu = run(both, 'auto', {
      PATH: pathWith(true),
      DENI_TF_THREADS: '2'
    });
    expect(gpu.reason).toMatch(/through @tensorflow\/tfjs-node-gpu /);
    // Async eager was measured on the CPU only: off where a GPU is visible.
    expect(gpu.tfEnv?.async).toBe('0');
    expect(run(both, 'auto').reason).toMatch(/through @tensorflow\/tfjs-node /);
    // CUDA_VISIBLE_DEVICES='' hides the GPU nvidia-smi lists.
    expect(
      run(both, 'auto', { PATH: pathWith(true), CUDA_VISIBLE_DEVICES: '' })
        .reason
    ).toMatch(/through @tensorflow\/tfjs-node /);
    const cpuOnly = run(app({ '@tensorflow/tfjs-node': 'works' }), 'auto', {
      PATH: pathWith(true)
    });
    expect(cpuOnly.name).toBe('tensorflow');
    expect(cpuOnly.reason).toMatch(/through @tensorflow\/tfjs-node /);
  });

  it("finds the tfjs-node scripts/setup.sh builds in .cache/tfjs-node, and sets TensorFlow's threads and determinism before loading it", () => {
    const dir = app({ '@tensorflow/tfjs-node': 'works' }, 'setup');
    const r = run(dir, 'auto', { DENI_WASM_THREADS: '2' });
    expect(r.name).toBe('tensorflow');
    expect(r.reason).toMatch(
      /through @tensorflow\/tfjs-node on the CPU, 2 intra-op threads/
    );
    expect(r.tfEnv).toEqual({
      intra: '2',
      inter: '1',
      deterministic: '1',
      async: '1'
    });
    const own = run(dir, 'tensorflow', { DENI_TF_THREADS: '3' });
    expect(own.tfEnv?.intra).toBe('3');
    // Async eager on the CPU at any thread count (a sweep's workers have one each), and the
    // user's choice is kept.
    expect(run(dir, 'tensorflow', { DENI_TF_THREADS: '1' }).tfEnv?.async).toBe(
      '1'
    );
    expect(
      run(dir, 'tensorflow', { DENI_TF_THREADS: '1', TFJS_NODE_ASYNC: '0' })
        .tfEnv?.async
    ).toBe('0');
    expect(
      run(dir, 'tensorflow', { DENI_TF_THREADS: '2', TFJS_NODE_ASYNC: '0' })
        .tfEnv?.async
    ).toBe('0');
    expect(run(dir, 'tensorflow', { DENI_TF_THREADS: 'many' }).error).toMatch(
      /DENI_TF_THREADS='many' is not valid/
    );
    // $DENI_TFJS_NODE_DIR names such a folder anywhere.
    const elsewhere = app({});
    expect(run(elsewhere, 'auto').name).toBe('wasm');
    expect(
      run(elsewhere, 'auto', {
        DENI_TFJS_NODE_DIR: path.join(dir, '.cache/tfjs-node')
      }).name
    ).toBe('tensorflow');
  });

  it('a tfjs-node-gpu whose native library is missing is reported, and tfjs-node takes over', () => {
    const broken = app({ '@tensorflow/tfjs-node-gpu': 'broken' });
    expect(run(broken, 'tensorflow').error).toMatch(
      /@tensorflow\/tfjs-node-gpu: libtensorflow\.so\.2: cannot open shared object.*native binding is not built/
    );
    const auto = run(broken, 'auto');
    expect(auto.name).toBe('wasm');
    expect(auto.reason).toMatch(/libtensorflow\.so\.2/);
    const fallback = run(
      app({
        '@tensorflow/tfjs-node-gpu': 'broken',
        '@tensorflow/tfjs-node': 'works'
      }),
      'tensorflow'
    );
    expect(fallback.name).toBe('tensorflow');
    expect(fallback.reason).toMatch(/through @tensorflow\/tfjs-node /);
  });
});
