import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { runProbe } from './child-probe';
import type { IBackendCheck } from './types';

const PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];

/** The compiled N-API bindings (`lib/napi-v*\/tfjs_binding.node`) of an installed tfjs-node package. */
export function bindingFiles(root: string, pkg: string): string[] {
  const lib = path.join(root, 'node_modules', pkg, 'lib');
  if (!existsSync(lib)) {
    return [];
  }
  return readdirSync(lib)
    .filter(d => d.startsWith('napi-v'))
    .map(d => path.join(lib, d, 'tfjs_binding.node'))
    .filter(f => existsSync(f));
}

/** A shared library found on this machine, with the version its file name carries. */
export interface ILibrary {
  name: string;
  file: string;
  version?: string;
}

const CUDA_LIBS = ['libcudart', 'libcublas', 'libcudnn', 'libnvinfer'];

function versionOf(file: string): string | undefined {
  return /\.so\.([\d.]+)$/.exec(file)?.[1];
}

/**
 * CUDA and cuDNN libraries the dynamic loader would find: `ldconfig -p`, $LD_LIBRARY_PATH and the
 * NVIDIA wheels of the project's Python environment (.venv/lib/python*\/site-packages/nvidia/*\/lib).
 */
export function cudaLibraries(root: string): ILibrary[] {
  const found = new Map<string, ILibrary>();
  const add = (file: string) => {
    const base = path.basename(file);
    const name = CUDA_LIBS.find(l => base.startsWith(`${l}.so`));
    if (name && !found.has(`${name} ${file}`)) {
      found.set(`${name} ${file}`, { name, file, version: versionOf(base) });
    }
  };
  try {
    for (const line of execFileSync('ldconfig', ['-p'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore']
    }).split('\n')) {
      const m = /=>\s*(\S+)$/.exec(line.trim());
      if (m) {
        add(m[1]);
      }
    }
  } catch {
    // no ldconfig: the folders below still count
  }
  const dirs = (process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  const venvLib = path.join(root, '.venv', 'lib');
  if (existsSync(venvLib)) {
    for (const py of readdirSync(venvLib)) {
      const nv = path.join(venvLib, py, 'site-packages', 'nvidia');
      if (existsSync(nv)) {
        for (const pkg of readdirSync(nv)) {
          dirs.push(path.join(nv, pkg, 'lib'));
        }
      }
    }
  }
  for (const d of dirs) {
    if (existsSync(d)) {
      for (const f of readdirSync(d)) {
        add(path.join(d, f));
      }
    }
  }
  return [...found.values()].sort((a, b) => a.file.localeCompare(b.file));
}

/** GPUs the NVIDIA driver reports (`nvidia-smi`), or why none are listed. */
export function nvidiaGpus(): { gpus: string[]; why?: string } {
  try {
    const out = execFileSync(
      'nvidia-smi',
      ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader'],
      { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'] }
    );
    const gpus = out
      .split('\n')
      .map(l => l.trim())
      .filter(Boolean);
    return gpus.length ? { gpus } : { gpus, why: 'nvidia-smi lists no GPU' };
  } catch (e) {
    const code = (e as { code?: string }).code;
    return {
      gpus: [],
      why:
        code === 'ENOENT'
          ? 'nvidia-smi not found (no NVIDIA driver installed)'
          : `nvidia-smi failed: ${(e as Error).message.split('\n')[0]}`
    };
  }
}

const NATIVE_SCRIPT = `
const pkgs = ${JSON.stringify(PACKAGES)};
const tried = [];
for (const p of pkgs) {
  let tf;
  try { tf = req(p); } catch (e) {
    const m = String(e && e.message || e).split('\\n')[0];
    tried.push({ pkg: p, error: m });
    continue;
  }
  let tfVersion, devices;
  try { tfVersion = tf.backend().binding.TF_Version; } catch (e) { tfVersion = undefined; }
  out({ pkg: p, loaded: true, tfjs: tf.version && tf.version['tfjs-core'], tfVersion, backend: tf.getBackend(), tried });
  process.exit(0);
}
out({ loaded: false, tried });
`;

/**
 * The native TensorFlow back-end: whether a tfjs-node(-gpu) binding is built and loads (in a child
 * process, so a broken binding cannot crash the doctor), the TensorFlow version it runs on, the
 * GPUs the driver sees and the CUDA/cuDNN libraries found.
 */
export function checkNative(
  root: string
): IBackendCheck & { gpus: string[]; libraries: ILibrary[] } {
  const details: string[] = [];
  const fixes: string[] = [];
  const gpu = nvidiaGpus();
  const libraries = cudaLibraries(root);
  const installed = PACKAGES.filter(p =>
    existsSync(path.join(root, 'node_modules', p, 'package.json'))
  );
  for (const p of installed) {
    const bindings = bindingFiles(root, p);
    details.push(
      bindings.length
        ? `${p}: binding built (${bindings.map(b => path.relative(root, b)).join(', ')})`
        : `${p}: installed, but no compiled binding (lib/napi-v*/tfjs_binding.node)`
    );
  }
  let usable = false;
  if (installed.length === 0) {
    details.push(`neither ${PACKAGES.join(' nor ')} is installed`);
    fixes.push(
      'npm install @tensorflow/tfjs-node@4.22.0 (CPU) or @tensorflow/tfjs-node-gpu@4.22.0 (NVIDIA GPU, Linux); or build the binding against the PyPI TensorFlow wheel in .venv as bench/README.md describes'
    );
  } else {
    const answer = runProbe(NATIVE_SCRIPT, root, 60_000);
    if (!answer.ok) {
      details.push(`loading the binding failed: ${answer.why}`);
    } else if (answer.value.loaded) {
      usable = true;
      details.push(
        `${String(answer.value.pkg)} loads: TensorFlow ${String(answer.value.tfVersion ?? 'version unknown')}, tfjs ${String(answer.value.tfjs ?? '?')}`
      );
    } else {
      for (const t of (answer.value.tried as {
        pkg: string;
        error: string;
      }[]) ?? []) {
        if (installed.includes(t.pkg)) {
          details.push(`${t.pkg} does not load: ${t.error}`);
        }
      }
    }
    if (!usable) {
      fixes.push(
        'rebuild the binding: npm rebuild @tensorflow/tfjs-node --build-addon-from-source (needs the TensorFlow C library; see bench/README.md)'
      );
      if (
        libraries.length === 0 &&
        installed.includes('@tensorflow/tfjs-node-gpu')
      ) {
        fixes.push(
          'install CUDA and cuDNN (e.g. pip install nvidia-cuda-runtime-cu12 nvidia-cudnn-cu12 into .venv) and add their lib folders to LD_LIBRARY_PATH'
        );
      }
    }
  }
  details.push(
    gpu.gpus.length ? `GPUs: ${gpu.gpus.join('; ')}` : `GPUs: none (${gpu.why})`
  );
  const byName = (n: string) => libraries.filter(l => l.name === n);
  for (const n of ['libcudart', 'libcudnn', 'libcublas']) {
    const libs = byName(n);
    details.push(
      libs.length
        ? `${n}: version ${[...new Set(libs.map(l => l.version).filter(Boolean))].join(', ') || 'unknown'} (${libs[0].file}${libs.length > 1 ? ` and ${libs.length - 1} more` : ''})`
        : `${n}: not found`
    );
  }
  return {
    name: 'tensorflow',
    usable,
    details,
    fixes,
    gpus: gpu.gpus,
    libraries
  };
}
