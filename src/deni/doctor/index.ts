/**
 * `deni doctor` / `%deni doctor`: for every back-end whether it is usable on this machine and why
 * not, the cache folders and their sizes, the Hub endpoint and whether a token is set (never its
 * value), and the commands that fix each missing piece. Native bindings and GPU drivers are
 * probed in child processes, so a broken one cannot crash the doctor.
 */
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cpuModel } from '../backend/cpu';
import {
  formatBytes,
  hubCacheDir,
  hubEndpoint,
  hubOffline,
  hubToken,
  proxyVariable
} from '../hub';
import { cacheDir as preparedModelsDir } from '../model/registry';
import { checkNative } from './native';
import type { ICacheFolder, IDoctorReport } from './types';
import { checkWasm } from './wasm';
import { checkWebgpu } from './webgpu';

export type { IBackendCheck, ICacheFolder, IDoctorReport } from './types';

/** The folder whose node_modules holds the engine's packages (resolved from tfjs-core). */
export function packageRoot(): string {
  const url = (import.meta as { url?: string }).url;
  const req = createRequire(
    url ?? pathToFileURL(path.join(process.cwd(), 'index.js')).href
  );
  try {
    const core = req.resolve('@tensorflow/tfjs-core/package.json');
    return path.resolve(path.dirname(core), '..', '..', '..');
  } catch {
    return process.cwd();
  }
}

/** Bytes under a folder (symlinks not followed: the Hub cache's snapshots point into blobs). */
export function folderBytes(dir: string): number {
  let total = 0;
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      const st = lstatSync(p);
      if (st.isDirectory()) {
        walk(p);
      } else if (st.isFile()) {
        total += st.size;
      }
    }
  };
  if (existsSync(dir)) {
    walk(dir);
  }
  return total;
}

function cache(what: string, dir: string): ICacheFolder {
  return { what, path: dir, exists: existsSync(dir), bytes: folderBytes(dir) };
}

/** Runs every check (a few seconds: the WebGPU and TensorFlow probes start child processes). */
export function runDoctor(root = packageRoot()): IDoctorReport {
  const cpu = cpuModel();
  const { source } = hubToken();
  return {
    system: `Node ${process.version}, ${process.platform} ${process.arch}, ${cpu}, ${os.cpus().length} cores, ${formatBytes(os.totalmem())} memory`,
    backends: [
      checkNative(root),
      checkWebgpu(root),
      checkWasm(root),
      {
        name: 'cpu',
        usable: true,
        details: ['plain JavaScript kernels (slowest; always there)'],
        fixes: []
      }
    ],
    hub: {
      endpoint: hubEndpoint(),
      token:
        source === 'none'
          ? 'not set (gated models need HF_TOKEN or `hf auth login`)'
          : `set (from ${source === 'token file' ? 'the token file of `hf auth login`' : source === 'option' ? 'an option' : '$HF_TOKEN'})`,
      offline: hubOffline(),
      proxy: proxyVariable()
    },
    caches: [
      cache(
        'Hugging Face Hub cache (models and data sets; HF_HUB_CACHE / HF_HOME)',
        hubCacheDir()
      ),
      cache(
        'prepared models (scripts/prepare-models.sh; DENI_CACHE)',
        preparedModelsDir()
      )
    ]
  };
}

/** The report as text: one block per back-end, then the Hub settings and the caches. */
export function formatDoctor(r: IDoctorReport): string {
  const lines = [
    `deni doctor: ${r.system}`,
    '',
    'Back-ends (a GPU user runs this first):'
  ];
  for (const b of r.backends) {
    lines.push(`  ${b.name.padEnd(11)} ${b.usable ? 'usable' : 'NOT usable'}`);
    for (const d of b.details) {
      lines.push(`              ${d}`);
    }
    for (const f of b.fixes) {
      lines.push(`              fix: ${f}`);
    }
  }
  const usable = r.backends
    .filter(
      b => b.usable && !b.details.some(d => d.includes('software fallback'))
    )
    .map(b => b.name);
  lines.push(
    `  backend: auto picks ${usable[0] ?? 'none'} here (order: tensorflow, webgpu, wasm, cpu)`
  );
  lines.push('', 'Hugging Face Hub:');
  lines.push(
    `  endpoint: ${r.hub.endpoint}${process.env.HF_ENDPOINT ? ' ($HF_ENDPOINT)' : ''}`
  );
  lines.push(`  token:    ${r.hub.token}`);
  lines.push(
    `  offline:  ${r.hub.offline ? 'yes ($HF_HUB_OFFLINE): nothing is downloaded' : 'no'}`
  );
  lines.push(`  proxy:    ${r.hub.proxy ? `$${r.hub.proxy}` : 'none'}`);
  lines.push('', 'Caches:');
  for (const c of r.caches) {
    lines.push(
      `  ${c.exists ? formatBytes(c.bytes).padStart(9) : '   absent'}  ${c.path}  ${c.what}`
    );
  }
  return lines.join('\n');
}
