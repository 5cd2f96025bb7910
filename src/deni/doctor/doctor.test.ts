import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatDoctor, runDoctor } from './index';
import { checkNative, cudaLibraries } from './native';
import { checkWasm } from './wasm';

const roots: string[] = [];

/** A project folder whose node_modules holds a stand-in @tensorflow/tfjs-node with this index.js. */
function fakeRoot(indexJs: string | null, binding = true): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'deni-doctor-'));
  roots.push(root);
  writeFileSync(path.join(root, 'package.json'), '{}');
  if (indexJs !== null) {
    const pkg = path.join(root, 'node_modules', '@tensorflow', 'tfjs-node');
    mkdirSync(path.join(pkg, 'lib', 'napi-v8'), { recursive: true });
    writeFileSync(
      path.join(pkg, 'package.json'),
      '{"name":"@tensorflow/tfjs-node","main":"index.js"}'
    );
    writeFileSync(path.join(pkg, 'index.js'), indexJs);
    if (binding) {
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
  it('says when no binding package is installed, and how to install one', () => {
    const c = checkNative(fakeRoot(null));
    expect(c.usable).toBe(false);
    expect(c.details.join('\n')).toMatch(
      /neither @tensorflow\/tfjs-node-gpu nor @tensorflow\/tfjs-node is installed/
    );
    expect(c.fixes.join('\n')).toMatch(
      /npm install @tensorflow\/tfjs-node@4\.22\.0/
    );
  });

  it('a binding that fails to load is named with its error, and the fix is given', () => {
    const c = checkNative(
      fakeRoot(
        "throw new Error('libtensorflow.so.2: cannot open shared object file: No such file or directory');"
      )
    );
    expect(c.usable).toBe(false);
    const text = c.details.join('\n');
    expect(text).toMatch(
      /@tensorflow\/tfjs-node: binding built \(node_modules\/@tensorflow\/tfjs-node\/lib\/napi-v8\/tfjs_binding\.node\)/
    );
    expect(text).toMatch(
      /@tensorflow\/tfjs-node does not load: libtensorflow\.so\.2: cannot open shared object file/
    );
    expect(c.fixes.join('\n')).toMatch(/npm rebuild @tensorflow\/tfjs-node/);
  });

  it('a binding that crashes its process cannot crash the doctor', () => {
    const c = checkNative(fakeRoot('process.abort();'));
    expect(c.usable).toBe(false);
    expect(c.details.join('\n')).toMatch(
      /loading the binding failed: the probe process died \(SIGABRT\)/
    );
  });

  it('a loading binding reports the TensorFlow version it runs on', () => {
    const c = checkNative(
      fakeRoot(
        "module.exports = { version: { 'tfjs-core': '4.22.0' }, getBackend: () => 'tensorflow', backend: () => ({ binding: { TF_Version: '2.18.0' } }) };"
      )
    );
    expect(c.usable).toBe(true);
    expect(c.details.join('\n')).toMatch(
      /@tensorflow\/tfjs-node loads: TensorFlow 2\.18\.0, tfjs 4\.22\.0/
    );
    expect(c.details.join('\n')).toMatch(/^GPUs: /m);
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
    expect(cudaLibraries(root)).toContainEqual({
      name: 'libcudnn',
      file: path.join(lib, 'libcudnn.so.9'),
      version: '9'
    });
    expect(checkNative(root).details.join('\n')).toMatch(
      /libcudnn: version 9 \(/
    );
  });
});

describe('deni doctor: the whole report', () => {
  it('checks wasm SIMD and threads', () => {
    const w = checkWasm(process.cwd());
    expect(w.usable).toBe(true);
    expect(w.details[0]).toBe('SIMD: yes');
  });

  it('says whether a token is set, never its value, and lists the caches', () => {
    const saved = process.env.HF_TOKEN;
    process.env.HF_TOKEN = 'hf_do_not_print_me';
    try {
      const report = runDoctor(fakeRoot(null));
      const text = formatDoctor(report) + JSON.stringify(report);
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
