// What a sweep's back-end stands for, decided once where the sweep starts: `auto` becomes the
// concrete back-end it picks on this machine, so that run keys name the back-end that computes
// them. No tfjs here: the sweep's process asks a child process (auto-backend-main.ts).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BackendName, ConcreteBackendName } from '../contract/backends';
import { chooseBackend, type IBackendProbe } from './select';

/** A sweep's back-end as written and the concrete back-end its runs name. */
export interface IResolvedBackend {
  /** As the spec says (`auto` or a concrete name). */
  requested: BackendName;
  /** The back-end the runs are keyed by and computed on. */
  name: ConcreteBackendName;
  /** Why (for `auto`: chooseBackend's reason, e.g. which back-ends it skipped and why). */
  reason: string;
}

/** Turns a spec's back-end into a concrete one (resolveBackend, or a test double). */
export type BackendResolver = (
  requested: BackendName
) => Promise<IResolvedBackend>;

/** Options of resolveBackend. */
export interface IResolveBackendOptions {
  /**
   * Probe `auto` with this in this process instead of asking the child process (tests; a caller
   * that has already loaded the back-ends).
   */
  probe?: IBackendProbe;
  /** Environment of the child process (default this process's). */
  env?: NodeJS.ProcessEnv;
  /** How long the child may take (default 120 s: loading TensorFlow takes seconds). */
  timeoutMs?: number;
}

// The variables the probe reads (where tfjs-node is, which GPUs, threads, Dawn's drivers): one
// answer per process and setting of these.
const PROBE_ENV = [
  'DENI_TFJS_NODE_DIR',
  'DENI_TF_THREADS',
  'CUDA_VISIBLE_DEVICES',
  'DENI_WEBGPU_DETERMINISTIC',
  'VK_ICD_FILENAMES',
  'VK_DRIVER_FILES',
  'PATH'
];

const answers = new Map<string, Promise<IResolvedBackend>>();

/**
 * The concrete back-end a sweep's runs are keyed by and computed on. A concrete name is returned
 * as it is, unprobed: the workers that run it may be other machines (Redis), and a worker that
 * cannot start it fails the run naming why. `auto` becomes what `chooseBackend('auto')` picks on
 * this machine, asked of a child process (dist/auto-backend.mjs, or auto-backend-main.ts through
 * tsx) so that the sweep's process never loads TensorFlow; the answer is kept for the life of the
 * process (per setting of the variables the probe reads). Throws when the child gives no answer:
 * then name a back-end in the spec.
 */
export function resolveBackend(
  requested: BackendName,
  options: IResolveBackendOptions = {}
): Promise<IResolvedBackend> {
  if (requested !== 'auto') {
    return Promise.resolve({
      requested,
      name: requested,
      reason: 'named in the spec'
    });
  }
  if (options.probe) {
    return chooseBackend('auto', options.probe).then(c => ({
      requested,
      ...c
    }));
  }
  const env = options.env ?? process.env;
  const key = JSON.stringify(PROBE_ENV.map(v => env[v] ?? null));
  let answer = answers.get(key);
  if (!answer) {
    answer = askChild(env, options.timeoutMs ?? 120_000);
    answers.set(key, answer);
    // A failed probe is asked again next time (e.g. after `npm run build:node`).
    answer.catch(() => answers.delete(key));
  }
  return answer;
}

/** One line for progress and plans: `backend auto -> wasm: <why>`, or `backend tensorflow`. */
export function describeResolvedBackend(b: IResolvedBackend): string {
  if (b.requested !== 'auto') {
    return `backend ${b.name}`;
  }
  return `backend auto -> ${b.name}: ${b.reason.replace(/^auto: /, '')}`;
}

// This module's file: tsx runs the sources as CommonJS (import.meta empty); the bundle and
// vitest have import.meta.url.
function thisFile(): string {
  return typeof __filename === 'string' && __filename.length > 0
    ? __filename
    : fileURLToPath(import.meta.url);
}

/** The child's script: dist/auto-backend.mjs beside the bundle, or auto-backend-main.ts under tsx. */
function childCommand(): { script: string; execArgv: string[] } {
  const here = thisFile();
  const dir = path.dirname(here);
  if (here.endsWith('.ts')) {
    const req = createRequire(here);
    return {
      script: path.join(dir, 'auto-backend-main.ts'),
      execArgv: ['--import', pathToFileURL(req.resolve('tsx')).href]
    };
  }
  // The bundle is code-split: this code may sit in dist/chunks/, the entry in dist/.
  const bundleDir = path.basename(dir) === 'chunks' ? path.dirname(dir) : dir;
  const script = path.join(bundleDir, 'auto-backend.mjs');
  if (!existsSync(script)) {
    throw new Error(
      `cannot tell which back-end 'auto' picks here: ${script} not found (build it with \`npm run build:node\`), or name a back-end in the spec`
    );
  }
  return { script, execArgv: [] };
}

function askChild(
  env: NodeJS.ProcessEnv,
  timeoutMs: number
): Promise<IResolvedBackend> {
  return new Promise((resolve, reject) => {
    let command;
    try {
      command = childCommand();
    } catch (e) {
      reject(e as Error);
      return;
    }
    execFile(
      process.execPath,
      [...command.execArgv, command.script],
      { env, timeout: timeoutMs, encoding: 'utf8', maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        const last = stdout
          .trim()
          .split('\n')
          .reverse()
          .find(l => l.startsWith('{'));
        let answer: {
          name?: ConcreteBackendName;
          reason?: string;
          error?: string;
        } = {};
        try {
          answer = last ? (JSON.parse(last) as typeof answer) : {};
        } catch {
          // no answer: the failure below says why
        }
        if (answer.name && answer.reason) {
          resolve({
            requested: 'auto',
            name: answer.name,
            reason: answer.reason
          });
          return;
        }
        const why =
          answer.error ??
          (error?.killed
            ? `no answer within ${timeoutMs / 1000} s`
            : (stderr.trim().split('\n').filter(Boolean).at(-1) ??
              error?.message ??
              'no answer'));
        reject(
          new Error(
            `cannot tell which back-end 'auto' picks here (${why}); name a back-end in the spec (e.g. backend: wasm)`
          )
        );
      }
    );
  });
}
