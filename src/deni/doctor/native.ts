import { realpathSync } from 'node:fs';
import path from 'node:path';
import {
  NATIVE_PREFIX,
  TFJS_NODE_DIR_ENV,
  TFJS_NODE_PACKAGES,
  nativeTensorflowReport,
  packageOrder,
  tensorflowEnv,
  type ICudaLibrary,
  type ITfjsNodeLocation
} from '../backend/native-tensorflow';
import { runProbe } from './child-probe';
import type { IBackendCheck } from './types';

// The one way this project gets a working binding: tfjs-node's own install script downloads
// libtensorflow (unreachable offline, and built for CUDA 11.2), so `npm install` is no fix.
const SETUP_FIX =
  "bash scripts/setup.sh (its step scripts/setup-native-tf.sh builds @tensorflow/tfjs-node, or tfjs-node-gpu where nvidia-smi lists a GPU, against the venv's PyPI TensorFlow in .cache/tfjs-node; log: .cache/setup/native-tf.log)";

/**
 * Loads the package at `dir` the way the engine does (a plain require of the folder, with the
 * TensorFlow environment already set by the parent) and prints what the binding says. Run in a
 * child process: a binding that aborts or hangs takes only that process down.
 */
function loadScript(dir: string): string {
  return `
let tf;
try { tf = require(${JSON.stringify(dir)}); } catch (e) {
  out({ loaded: false, error: String((e && e.message) || e).split('\\n')[0] });
  process.exit(0);
}
const info = { loaded: true, backend: null, tensorflow: null, tfjs: null, gpu: null, asyncEager: null };
try { info.backend = tf.getBackend(); } catch (e) {}
try {
  const binding = tf.backend().binding;
  info.tensorflow = binding.TF_Version || null;
  if (typeof binding.isUsingGpuDevice === 'function') { info.gpu = binding.isUsingGpuDevice(); }
  if (typeof binding.isAsyncEager === 'boolean') { info.asyncEager = binding.isAsyncEager; }
} catch (e) {}
try { info.tfjs = tf.version['tfjs-core'] || null; } catch (e) {}
out(info);
`;
}

// A path as the user reads it: relative to the project when inside it, else absolute.
function shown(file: string, root: string): string {
  const roots = [root];
  try {
    roots.push(realpathSync(root));
  } catch {
    // a root that does not exist has no real path
  }
  for (const r of roots) {
    const rel = path.relative(r, file);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) {
      return rel;
    }
  }
  return file;
}

function describeLocation(
  l: ITfjsNodeLocation & { dir: string },
  root: string,
  env: NodeJS.ProcessEnv
): string {
  const fromEnv =
    l.prefix !== null &&
    !!env[TFJS_NODE_DIR_ENV] &&
    path.resolve(env[TFJS_NODE_DIR_ENV] as string) === l.prefix;
  const where =
    l.prefix === null
      ? `in node_modules (${shown(l.dir, root)})`
      : `in ${shown(l.prefix, root)} (${fromEnv ? `$${TFJS_NODE_DIR_ENV}` : 'built by scripts/setup.sh'})`;
  const binding = l.binding
    ? `binding built (${path.relative(l.dir, l.binding)})`
    : 'no compiled binding (lib/napi-v*/tfjs_binding.node)';
  const lib = l.libtensorflow
    ? `links ${l.libtensorflow}`
    : 'no deps/lib/libtensorflow.so (the TensorFlow C library it links)';
  return `${l.package}: ${where}; ${binding}; ${lib}`;
}

const WHERE: Record<ICudaLibrary['where'], string> = {
  tensorflow: 'beside the linked TensorFlow',
  venv: '.venv',
  LD_LIBRARY_PATH: '$LD_LIBRARY_PATH',
  ldconfig: 'ldconfig'
};

/**
 * The native TensorFlow back-end, found and loaded as the engine does it (one definition:
 * src/deni/backend/native-tensorflow.ts), starting from `root`: where each tfjs-node(-gpu) is
 * (scripts/setup.sh's .cache/tfjs-node, $DENI_TFJS_NODE_DIR or node_modules), whether its binding
 * is built, the libtensorflow it links; then loads it in a child process (so a broken binding
 * cannot crash the doctor) with the engine's TensorFlow environment (threads, determinism) to
 * report TensorFlow's version, tfjs's and the device; and the GPUs and CUDA/cuDNN libraries.
 */
export function checkNative(
  root: string,
  env: NodeJS.ProcessEnv = process.env
): IBackendCheck & {
  gpus: string[];
  libraries: ICudaLibrary[];
  packages: ITfjsNodeLocation[];
} {
  const report = nativeTensorflowReport({
    fromFile: path.join(root, 'package.json'),
    root,
    env
  });
  const details: string[] = [];
  const fixes: string[] = [];
  const located = report.packages.filter(
    (l): l is ITfjsNodeLocation & { dir: string } => l.dir !== null
  );
  for (const l of located) {
    details.push(describeLocation(l, root, env));
  }
  let usable = false;
  if (located.length === 0) {
    details.push(
      `neither ${TFJS_NODE_PACKAGES.join(' nor ')} is installed (looked in ${env[TFJS_NODE_DIR_ENV] ? `$${TFJS_NODE_DIR_ENV}, ` : ''}${NATIVE_PREFIX} in and above ${root}, and node_modules)`
    );
    fixes.push(SETUP_FIX);
  } else if (report.error !== null) {
    // The engine would refuse to load it too (an invalid $DENI_TF_THREADS).
    details.push(`not loaded: ${report.error}`);
    fixes.push('set DENI_TF_THREADS to an integer from 1 to 256, or unset it');
  } else {
    const childEnv = {
      ...env,
      ...tensorflowEnv(report.threads, env, report.gpus.length > 0)
    };
    // The engine's order: the GPU build first when a GPU is visible; the first that loads wins.
    for (const pkg of packageOrder(report.gpus.length > 0)) {
      const l = located.find(p => p.package === pkg);
      if (!l) {
        continue;
      }
      if (usable) {
        details.push(`${pkg}: not loaded (the engine uses the one above)`);
        continue;
      }
      const answer = runProbe(loadScript(l.dir), root, 60_000, childEnv);
      const v = answer.ok ? answer.value : null;
      if (!answer.ok) {
        details.push(`${pkg} does not load: ${answer.why}`);
      } else if (!v?.loaded) {
        details.push(`${pkg} does not load: ${String(v?.error)}`);
      } else if (v.backend !== 'tensorflow') {
        details.push(
          `${pkg} loads but registered no 'tensorflow' back-end (active: ${String(v.backend)}; tfjs-core version mismatch?)`
        );
      } else {
        usable = true;
        const device =
          v.gpu === true
            ? 'on the GPU'
            : v.gpu === false
              ? 'on the CPU'
              : 'device unknown';
        // A binding built before scripts/tfjs-node-async-eager.patch does not say (and runs sync).
        const eager =
          v.asyncEager === true
            ? 'async'
            : v.asyncEager === false
              ? 'sync'
              : 'sync (binding built without scripts/tfjs-node-async-eager.patch; bash scripts/setup.sh rebuilds it)';
        details.push(
          `${pkg} loads: TensorFlow ${String(v.tensorflow ?? 'version unknown')}, tfjs ${String(v.tfjs ?? '?')}, ${device}, ${report.threads} intra-op thread(s), deterministic ops ${childEnv.TF_DETERMINISTIC_OPS === '1' ? 'on' : 'off'}, eager ops ${eager}`
        );
        if (report.gpus.length > 0 && v.gpu !== true) {
          fixes.push(
            pkg === '@tensorflow/tfjs-node'
              ? 'nvidia-smi lists a GPU but only the CPU build is installed: rerun bash scripts/setup.sh (it builds tfjs-node-gpu against tensorflow[and-cuda] where a GPU is listed)'
              : 'TensorFlow runs on the CPU although nvidia-smi lists a GPU: check the CUDA/cuDNN libraries below (tensorflow[and-cuda] brings the ones it needs) and CUDA_VISIBLE_DEVICES'
          );
        }
      }
    }
    if (!usable) {
      fixes.push(SETUP_FIX);
    }
  }
  const libraries = report.cudaLibraries;
  if (
    !usable &&
    located.some(l => l.package === '@tensorflow/tfjs-node-gpu') &&
    !libraries.some(l => l.name === 'libcudnn')
  ) {
    fixes.push(
      'install CUDA and cuDNN: bash scripts/setup.sh on the GPU machine installs tensorflow[and-cuda] (CUDA 12 and cuDNN as PyPI wheels beside TensorFlow)'
    );
  }
  details.push(
    report.gpus.length
      ? `GPUs: ${report.gpus.join('; ')}`
      : `GPUs: none (${report.gpusWhy ?? 'none listed'})`
  );
  for (const n of ['libcudart', 'libcudnn', 'libcublas']) {
    const libs = libraries.filter(l => l.name === n);
    const versions = [
      ...new Set(libs.map(l => l.version).filter(Boolean))
    ].join(', ');
    details.push(
      libs.length
        ? `${n}: version ${versions || 'unknown'} (${libs[0].file}, ${WHERE[libs[0].where]}${libs.length > 1 ? `; and ${libs.length - 1} more` : ''})`
        : `${n}: not found`
    );
  }
  return {
    name: 'tensorflow',
    usable,
    details,
    fixes,
    gpus: report.gpus,
    libraries,
    packages: report.packages
  };
}
