import {
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatDoctor, runDoctor } from './index';
import { cpuModel } from '../backend/cpu';
import { cudaLibraries } from '../backend/native-tensorflow';
import { checkNative } from './native';
import { checkWasm } from './wasm';

const roots: string[] = [];

// An environment without $DENI_TFJS_NODE_DIR, $DENI_TF_THREADS and any nvidia-smi on PATH, so the
// machine running the tests does not change what the doctor finds.
const PLAIN_ENV: NodeJS.ProcessEnv = { PATH: path.dirname(process.execPath) };

/** What a stand-in tfjs-node's index.js exports when it loads (like the real one, on the CPU). */
// A loading stand-in; `asyncPatch`: its binding says whether it runs eager ops async, as one built
// with scripts/tfjs-node-async-eager.patch does (from $TFJS_NODE_ASYNC, as that binding reads it).
function loads(tfVersion: string, asyncPatch = false): string {
  const asyncEager = asyncPatch
    ? ", isAsyncEager: process.env.TFJS_NODE_ASYNC === '1'"
    : '';
  return `module.exports = { version: { 'tfjs-core': '4.22.0', 'tfjs-node': '4.22.0' }, getBackend: () => 'tensorflow', backend: () => ({ binding: { TF_Version: '${tfVersion}', isUsingGpuDevice: () => false${asyncEager} } }) };`;
}

/**
 * A project folder holding a stand-in @tensorflow/tfjs-node with this index.js: in its
 * node_modules, or (`where: 'setup'`) in .cache/tfjs-node/node_modules, where scripts/setup.sh
 * builds it.
 */
function fakeRoot(
  indexJs: string | null,
  options: { binding?: boolean; where?: 'node_modules' | 'setup' } = {}
): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'deni-doctor-'));
  roots.push(root);
  writeFileSync(path.join(root, 'package.json'), '{}');
  if (indexJs !== null) {
    const pkg = path.join(
      root,
      options.where === 'setup' ? '.cache/tfjs-node' : '',
      'node_modules',
      '@tensorflow',
      'tfjs-node'
    );
    mkdirSync(path.join(pkg, 'lib', 'napi-v8'), { recursive: true });
    writeFileSync(
      path.join(pkg, 'package.json'),
      '{"name":"@tensorflow/tfjs-node","main":"index.js"}'
    );
    writeFileSync(path.join(pkg, 'index.js'), indexJs);
    if (options.binding ?? true) {
      writeFileSync(path.join(pkg, 'lib', 'napi-v8', 'tfjs_binding.node'), '');
    }
  }
  return root;
}

afterAll(() => {
  for (const r of roots) {
    rmSync(r, { recursive: true, force: true });
  }
});

describe('deni doctor: native TensorFlow', () => {
  it('says when no binding package is installed, and that scripts/setup.sh builds one', () => {
    const c = checkNative(fakeRoot(null), PLAIN_ENV);
    expect(c.usable).toBe(false);
    expect(c.details.join('\n')).toMatch(
      /neither @tensorflow\/tfjs-node-gpu nor @tensorflow\/tfjs-node is installed \(looked in \.cache\/tfjs-node in and above /
    );
    const fixes = c.fixes.join('\n');
    expect(fixes).toMatch(/^bash scripts\/setup\.sh \(/);
    // tfjs-node's install script downloads libtensorflow: no fix may send the user there.
    expect(fixes).not.toMatch(/npm (install|rebuild)/);
  });

  it('a binding that fails to load is named with its error, and the fix is given', () => {
    const c = checkNative(
      fakeRoot(
        "throw new Error('libtensorflow.so.2: cannot open shared object file: No such file or directory');"
      ),
      PLAIN_ENV
    );
    expect(c.usable).toBe(false);
    const text = c.details.join('\n');
    expect(text).toMatch(
      /@tensorflow\/tfjs-node: in node_modules \(node_modules\/@tensorflow\/tfjs-node\); binding built \(lib\/napi-v8\/tfjs_binding\.node\); no deps\/lib\/libtensorflow\.so/
    );
    expect(text).toMatch(
      /@tensorflow\/tfjs-node does not load: libtensorflow\.so\.2: cannot open shared object file/
    );
    expect(c.fixes.join('\n')).toMatch(/^bash scripts\/setup\.sh/);
  });

  it('says when the binding is not compiled', () => {
    const c = checkNative(
      fakeRoot("throw new Error('no binding');", { binding: false }),
      PLAIN_ENV
    );
    expect(c.details.join('\n')).toMatch(
      /@tensorflow\/tfjs-node: in node_modules .*; no compiled binding \(lib\/napi-v\*\/tfjs_binding\.node\)/
    );
  });

  it('a binding that crashes its process cannot crash the doctor', () => {
    const c = checkNative(fakeRoot('process.abort();'), PLAIN_ENV);
    expect(c.usable).toBe(false);
    expect(c.details.join('\n')).toMatch(
      /@tensorflow\/tfjs-node does not load: the probe process died \(SIGABRT\)/
    );
  });

  it('a loading binding reports the TensorFlow version it runs on, tfjs and the device', () => {
    const c = checkNative(fakeRoot(loads('2.18.0')), PLAIN_ENV);
    expect(c.usable).toBe(true);
    expect(c.details.join('\n')).toMatch(
      /@tensorflow\/tfjs-node loads: TensorFlow 2\.18\.0, tfjs 4\.22\.0, on the CPU, /
    );
    expect(c.details.join('\n')).toMatch(
      /, eager ops sync \(binding built without scripts\/tfjs-node-async-eager\.patch; bash scripts\/setup\.sh rebuilds it\)/
    );
    expect(c.details.join('\n')).toMatch(/^GPUs: none \(nvidia-smi not found/m);
  });

  it("finds the tfjs-node scripts/setup.sh builds in .cache/tfjs-node, its libtensorflow and CUDA wheels, and loads it with the engine's TensorFlow environment", () => {
    // Like the real package, the stand-in loads only where TensorFlow's environment was set first.
    const root = fakeRoot(
      `const e = process.env;
if (e.TF_NUM_INTRAOP_THREADS !== '3' || e.TF_NUM_INTEROP_THREADS !== '1' || e.TF_DETERMINISTIC_OPS !== '1') {
  throw new Error('TensorFlow environment not set: ' + [e.TF_NUM_INTRAOP_THREADS, e.TF_NUM_INTEROP_THREADS, e.TF_DETERMINISTIC_OPS].join(' '));
}
${loads('2.21.0', true)}`,
      { where: 'setup' }
    );
    // deps/lib/libtensorflow.so -> the venv's TensorFlow, with a cuDNN wheel beside it.
    const site = path.join(root, '.venv/lib/python3.11/site-packages');
    mkdirSync(path.join(site, 'tensorflow'), { recursive: true });
    mkdirSync(path.join(site, 'nvidia/cudnn/lib'), { recursive: true });
    const tfLib = path.join(site, 'tensorflow/libtensorflow_cc.so.2');
    writeFileSync(tfLib, '');
    writeFileSync(path.join(site, 'nvidia/cudnn/lib/libcudnn.so.9'), '');
    const deps = path.join(
      root,
      '.cache/tfjs-node/node_modules/@tensorflow/tfjs-node/deps/lib'
    );
    mkdirSync(deps, { recursive: true });
    symlinkSync(tfLib, path.join(deps, 'libtensorflow.so'));

    const c = checkNative(root, { ...PLAIN_ENV, DENI_TF_THREADS: '3' });
    const text = c.details.join('\n');
    expect(text).toContain(
      `@tensorflow/tfjs-node: in .cache/tfjs-node (built by scripts/setup.sh); binding built (lib/napi-v8/tfjs_binding.node); links ${realpathSync(tfLib)}`
    );
    expect(text).toMatch(
      /@tensorflow\/tfjs-node loads: TensorFlow 2\.21\.0, tfjs 4\.22\.0, on the CPU, 3 intra-op thread\(s\), deterministic ops on, eager ops async$/m
    );
    expect(c.usable).toBe(true);
    expect(c.fixes).toEqual([]);
    expect(text).toMatch(
      /libcudnn: version 9 \(.*nvidia\/cudnn\/lib\/libcudnn\.so\.9, beside the linked TensorFlow/
    );
    // Without the engine's environment the stand-in would not load: the env reaches the child.
    const defaults = checkNative(root, PLAIN_ENV);
    expect(defaults.details.join('\n')).toMatch(
      /does not load: TensorFlow environment not set: \d+ 1 1/
    );

    // $DENI_TFJS_NODE_DIR names such a prefix anywhere; it is reported as such.
    const elsewhere = fakeRoot(null);
    const viaEnv = checkNative(elsewhere, {
      ...PLAIN_ENV,
      DENI_TF_THREADS: '3',
      DENI_TFJS_NODE_DIR: path.join(root, '.cache/tfjs-node')
    });
    expect(viaEnv.usable).toBe(true);
    expect(viaEnv.details.join('\n')).toMatch(
      /@tensorflow\/tfjs-node: in \/.*\.cache\/tfjs-node \(\$DENI_TFJS_NODE_DIR\)/
    );
  });

  it('an invalid $DENI_TF_THREADS is reported as the engine would fail on it', () => {
    const c = checkNative(fakeRoot(loads('2.21.0')), {
      ...PLAIN_ENV,
      DENI_TF_THREADS: 'many'
    });
    expect(c.usable).toBe(false);
    expect(c.details.join('\n')).toMatch(
      /not loaded: DENI_TF_THREADS='many' is not valid/
    );
  });

  it('finds CUDA and cuDNN libraries of the NVIDIA wheels in .venv, with their versions', () => {
    const root = fakeRoot(null);
    const lib = path.join(
      root,
      '.venv',
      'lib',
      'python3.11',
      'site-packages',
      'nvidia',
      'cudnn',
      'lib'
    );
    mkdirSync(lib, { recursive: true });
    writeFileSync(path.join(lib, 'libcudnn.so.9'), '');
    writeFileSync(path.join(lib, 'libcudnn_ops.so.9'), '');
    const found = cudaLibraries({ root, env: PLAIN_ENV });
    expect(found).toContainEqual({
      name: 'libcudnn',
      file: path.join(lib, 'libcudnn.so.9'),
      version: '9',
      where: 'venv'
    });
    expect(found.map(l => l.file)).not.toContain(
      path.join(lib, 'libcudnn_ops.so.9')
    );
    expect(checkNative(root, PLAIN_ENV).details.join('\n')).toMatch(
      /libcudnn: version 9 \(.*libcudnn\.so\.9, \.venv/
    );
  });
});

describe('deni doctor: the whole report', () => {
  it('checks wasm SIMD and threads', () => {
    const w = checkWasm(process.cwd());
    expect(w.usable).toBe(true);
    expect(w.details[0]).toBe('SIMD: yes');
  });

  it('names the CPU by family and model, says whether a token is set (never its value), lists the caches', () => {
    const saved = process.env.HF_TOKEN;
    process.env.HF_TOKEN = 'hf_do_not_print_me';
    try {
      const report = runDoctor(fakeRoot(null));
      const text = formatDoctor(report) + JSON.stringify(report);
      expect(report.system).toContain(`, ${cpuModel()}, `);
      expect(text).not.toContain('hf_do_not_print_me');
      expect(text).toContain('token:    set (from $HF_TOKEN)');
      expect(report.backends.map(b => b.name)).toEqual([
        'tensorflow',
        'webgpu',
        'wasm',
        'cpu'
      ]);
      expect(report.caches[0].what).toMatch(/Hugging Face Hub cache/);
      expect(formatDoctor(report)).toMatch(/backend: auto picks \w+ here/);
    } finally {
      if (saved === undefined) {
        delete process.env.HF_TOKEN;
      } else {
        process.env.HF_TOKEN = saved;
      }
    }
  });
});
