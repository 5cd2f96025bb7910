/**
 * `backend: auto` in a sweep: decided once where the sweep starts, so its runs, and their keys,
 * name the back-end that computes them (a store never reuses a result of another back-end, and
 * workers never mix back-ends within a sweep).
 */
import { buildSync } from 'esbuild';
import { execFileSync } from 'node:child_process';
import {
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
import {
  resolveBackend,
  type BackendResolver,
  type IResolvedBackend
} from '../backend/resolve';
import type { IBackendProbe } from '../backend/select';
import { sweepBackendText } from '../cli/sweeps-command';
import type { IRunSpec, ISweepSpec } from '../contract/types';
import { InlineExecutor } from './executor';
import { expandSweep } from './expand';
import { runSweep } from './run-sweep';
import { ResultStore } from './store';
import { runOne as fakeRun } from './testing/fake-runner';
import { REPO_ROOT, smallSpec, tempDir } from './testing/helpers';

/** This machine as one without tfjs-node or a GPU adapter: `auto` is wasm here. */
const WASM_ONLY: IBackendProbe = {
  tensorflow: async () => ({
    ok: false,
    why: 'neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node is installed'
  }),
  webgpu: async () => ({ ok: false, why: 'no adapter' })
};
const wasmHere: BackendResolver = requested =>
  resolveBackend(requested, { probe: WASM_ONLY });

function withBackend(spec: ISweepSpec, backend: ISweepSpec['backend']) {
  return { ...spec, backend };
}

const keys = (runs: IRunSpec[]): string[] => runs.map(r => r.key);

describe('an auto sweep is keyed by the back-end auto picks', () => {
  const auto = smallSpec('auto', 2);

  it('expands to the runs, and keys, of the same sweep on that back-end', () => {
    expect(auto.backend).toBe('auto');
    const resolved = expandSweep(auto, { backend: 'wasm' });
    expect(resolved.every(r => r.backend === 'wasm')).toBe(true);
    expect(keys(resolved)).toEqual(
      keys(expandSweep(withBackend(auto, 'wasm')))
    );
    const tf = keys(expandSweep(withBackend(auto, 'tensorflow')));
    expect(keys(resolved).some(k => tf.includes(k))).toBe(false);
    // A concrete spec keeps its back-end; naming another one is a bug in the caller.
    expect(() =>
      expandSweep(withBackend(auto, 'tensorflow'), { backend: 'wasm' })
    ).toThrow(/names back-end 'tensorflow', not 'wasm'/);
  });

  it('runs on a machine where auto is wasm as the explicit wasm sweep: same keys, reused from the store', async () => {
    const store = path.join(tempDir('auto-backend'), 'r.sqlite');
    const seen: string[] = [];
    const lines: IResolvedBackend[] = [];
    const out = await runSweep(auto, {
      store,
      resolveBackend: wasmHere,
      onBackend: b => lines.push(b),
      runOne: (spec, o) => {
        seen.push(spec.backend);
        return fakeRun(spec, o);
      }
    });
    expect(out.backend).toMatchObject({ requested: 'auto', name: 'wasm' });
    expect(lines).toEqual([out.backend]);
    expect(new Set(seen)).toEqual(new Set(['wasm']));
    const wasmKeys = keys(expandSweep(withBackend(auto, 'wasm')));
    expect(out.results.map(r => r.key)).toEqual(wasmKeys);

    const db = ResultStore.open(store);
    try {
      const [listed] = db.sweeps();
      // The stored spec stays as written; its runs name the back-end.
      expect(listed.spec.backend).toBe('auto');
      expect(listed.runBackends).toEqual(['wasm']);
      expect(sweepBackendText(listed)).toBe('auto -> wasm');
    } finally {
      db.close();
    }

    // The explicit wasm sweep finds every run stored; the tensorflow one none.
    const wasm = await runSweep(withBackend(auto, 'wasm'), {
      store,
      runOne: fakeRun
    });
    expect(wasm.cached).toBe(wasm.total);
    const tf = await runSweep(
      { ...withBackend(auto, 'tensorflow'), name: 'tf' },
      { store, runOne: fakeRun }
    );
    expect(tf.cached).toBe(0);
    expect(tf.backend).toMatchObject({
      requested: 'tensorflow',
      name: 'tensorflow'
    });
  });

  it('resolves auto by default on this machine (built-in trainer, any executor), as the concrete sweep', async () => {
    const store = path.join(tempDir('auto-backend'), 'r.sqlite');
    const here = await resolveBackend('auto');
    const out = await runSweep(auto, {
      store,
      executor: new InlineExecutor(fakeRun)
    });
    expect(out.backend).toEqual(here);
    expect(out.results.map(r => r.spec.backend)).toEqual(
      out.results.map(() => here.name)
    );
    expect(out.results.map(r => r.key)).toEqual(
      keys(expandSweep(withBackend(auto, here.name)))
    );
  }, 120_000);

  it('leaves auto to a custom run function that is given no resolver', async () => {
    const out = await runSweep(auto, {
      store: path.join(tempDir('auto-backend'), 'r.sqlite'),
      runOne: fakeRun
    });
    expect(out.backend).toBeUndefined();
    expect(out.results.every(r => r.spec.backend === 'auto')).toBe(true);
  });
});

/*
 * The real resolution, bundled as the product ships it (the sweep's code beside
 * dist/auto-backend.mjs) in application folders with or without a tfjs-node package: the probe
 * runs in its own process, so on a machine without tfjs-node `auto` is wasm whatever this
 * machine has (native-tensorflow.test.ts lays out such folders the same way).
 */
describe('auto resolved by the bundled child probe', () => {
  const scratch: string[] = [];
  let build = '';

  beforeAll(() => {
    build = mkdtempSync(path.join(os.tmpdir(), 'deni-auto-build-'));
    scratch.push(build);
    buildSync({
      entryPoints: {
        child: path.join(__dirname, 'testing/auto-backend-child.ts'),
        'auto-backend': path.join(
          REPO_ROOT,
          'src/deni/backend/auto-backend-main.ts'
        )
      },
      outdir: build,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
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

  /** An application folder: tfjs packages, optionally a stand-in tfjs-node, the two bundles. */
  function app(withTfjsNode: boolean): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'deni-auto-app-'));
    scratch.push(dir);
    const scope = path.join(dir, 'node_modules/@tensorflow');
    mkdirSync(scope, { recursive: true });
    for (const pkg of ['tfjs-core', 'tfjs-backend-cpu', 'tfjs-backend-wasm']) {
      symlinkSync(
        path.join(REPO_ROOT, 'node_modules/@tensorflow', pkg),
        path.join(scope, pkg),
        'dir'
      );
    }
    if (withTfjsNode) {
      // Registers a 'tensorflow' back-end as the real package does, and marks its process.
      const pkg = path.join(scope, 'tfjs-node');
      mkdirSync(pkg);
      writeFileSync(
        path.join(pkg, 'package.json'),
        JSON.stringify({ name: '@tensorflow/tfjs-node', main: 'index.js' })
      );
      writeFileSync(
        path.join(pkg, 'index.js'),
        "const tf = require('@tensorflow/tfjs-core');\nconst cpu = require('@tensorflow/tfjs-backend-cpu');\n" +
          'globalThis.__deniLoaded = true;\n' +
          "if (!tf.findBackendFactory('tensorflow')) { tf.registerBackend('tensorflow', () => new cpu.MathBackendCPU(), 3); }\n"
      );
    }
    for (const f of ['child.mjs', 'auto-backend.mjs']) {
      copyFileSync(path.join(build, f), path.join(dir, f));
    }
    return dir;
  }

  function run(dir: string): {
    backend: IResolvedBackend;
    auto: string[];
    wasm: string[];
    tensorflow: string[];
    loadedHere: unknown;
    error?: string;
  } {
    const out = execFileSync(process.execPath, ['child.mjs'], {
      cwd: dir,
      encoding: 'utf8',
      // No nvidia-smi on PATH, no tfjs-node folder named: only what the folder holds.
      env: {
        PATH: path.dirname(process.execPath),
        HOME: process.env.HOME,
        DENI_WASM_THREADS: '1'
      }
    });
    return JSON.parse(out.trim().split('\n').pop() as string);
  }

  it('without tfjs-node: auto is wasm, and the auto sweep has the explicit wasm sweep`s keys', () => {
    const r = run(app(false));
    expect(r.error).toBeUndefined();
    expect(r.backend.name).toBe('wasm');
    expect(r.backend.reason).toMatch(
      /tensorflow: neither @tensorflow\/tfjs-node-gpu nor @tensorflow\/tfjs-node is installed/
    );
    expect(r.auto).toHaveLength(8);
    expect(r.auto).toEqual(r.wasm);
    expect(r.auto.some(k => r.tensorflow.includes(k))).toBe(false);
  }, 120_000);

  it('with tfjs-node: auto is tensorflow, probed in the child (the sweep`s process never loads it)', () => {
    const r = run(app(true));
    expect(r.error).toBeUndefined();
    expect(r.backend.name).toBe('tensorflow');
    expect(r.auto).toEqual(r.tensorflow);
    expect(r.loadedHere).toBeNull();
  }, 120_000);
});
