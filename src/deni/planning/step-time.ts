import { fork } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { threadsPerWorker, WASM_THREADS_ENV } from '../backend/threads';
import { cacheRoot, machineKey, type IMachineKey } from './machine';
import type { IStepTime, IStepTimeRequest } from './measure';

export type { IStepTime, IStepTimeRequest } from './measure';

/** A cached measurement and what it is valid for. */
export interface IStepTimeEntry {
  key: string;
  machine: IMachineKey;
  request: IStepTimeRequest;
  /** Worker processes that ran at once during the measurement, and each one's wasm threads. */
  workers: number;
  threads: number;
  time: IStepTime;
  measuredAt: string;
}

/** File of the step-time cache: <cache root>/step-times.json (one per machine folder). */
export function stepTimeCacheFile(): string {
  return path.join(cacheRoot(), 'step-times.json');
}

/**
 * Cache key: the machine (CPU model, cores, package version) and everything a step's time depends
 * on (model, back-end, tuning, batch, lengths, workers sharing the cores).
 */
export function stepTimeKey(
  req: IStepTimeRequest,
  workers: number,
  machine: IMachineKey = machineKey()
): string {
  return JSON.stringify([
    machine.cpu,
    machine.cores,
    machine.version,
    req.model,
    req.backend,
    req.tuning,
    req.batchSize,
    req.seqLen,
    req.evalSeqLen,
    workers
  ]);
}

function readCache(file: string): IStepTimeEntry[] {
  if (!existsSync(file)) {
    return [];
  }
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return Array.isArray(parsed) ? (parsed as IStepTimeEntry[]) : [];
  } catch {
    // A damaged cache is only lost time: measure again.
    return [];
  }
}

function writeCache(file: string, entries: IStepTimeEntry[]): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(entries, null, 1)}\n`);
  renameSync(tmp, file);
}

/** The cached measurement for a request, if any. */
export function cachedStepTime(
  req: IStepTimeRequest,
  workers: number,
  file = stepTimeCacheFile()
): IStepTimeEntry | undefined {
  const key = stepTimeKey(req, workers);
  return readCache(file).find(e => e.key === key);
}

function thisFile(): string {
  return typeof __filename === 'string' && __filename.length > 0
    ? __filename
    : fileURLToPath(import.meta.url);
}

/** The child script: dist/step-time.mjs beside the bundle, or step-time-main.ts through tsx. */
function childCommand(): { script: string; execArgv: string[] } {
  const here = thisFile();
  const dir = path.dirname(here);
  if (here.endsWith('.ts')) {
    const req = createRequire(here);
    return {
      script: path.join(dir, 'step-time-main.ts'),
      execArgv: ['--import', pathToFileURL(req.resolve('tsx')).href]
    };
  }
  const bundleDir = path.basename(dir) === 'chunks' ? path.dirname(dir) : dir;
  const script = path.join(bundleDir, 'step-time.mjs');
  if (!existsSync(script)) {
    throw new Error(
      `step-time script ${script} not found; build it with \`npm run build:node\``
    );
  }
  return { script, execArgv: [] };
}

function measureInChild(
  req: IStepTimeRequest,
  threads: number
): Promise<IStepTime> {
  const { script, execArgv } = childCommand();
  return new Promise((resolve, reject) => {
    const child = fork(script, [JSON.stringify(req)], {
      execArgv,
      env: { ...process.env, [WASM_THREADS_ENV]: String(threads) },
      stdio: ['ignore', 'pipe', 'inherit', 'ipc']
    });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', code => {
      const line = out.trim().split('\n').pop() ?? '';
      try {
        const msg = JSON.parse(line) as
          { ok: true; time: IStepTime } | { ok: false; error: string };
        if (msg.ok) {
          resolve(msg.time);
        } else {
          reject(new Error(`measuring step time: ${msg.error}`));
        }
      } catch {
        reject(
          new Error(
            `measuring step time: the child exited with code ${code} without a result`
          )
        );
      }
    });
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Options of stepTime. */
export interface IStepTimeOptions {
  /** Worker processes the sweep will run (they share the cores). */
  workers: number;
  /** Measure when nothing is cached (default true); false returns undefined instead. */
  measure?: boolean;
  /** Measure again even when cached. */
  refresh?: boolean;
  /** Cache file (default stepTimeCacheFile()). */
  file?: string;
  /** Progress lines ("measuring ..."). */
  log?: (line: string) => void;
}

/**
 * Step time for a request on this machine with `workers` sweep workers: from the cache, else
 * measured once and cached. The measurement runs min(workers, cores) child processes at once,
 * each with the wasm threads a sweep worker would get (threadsPerWorker), so the cores are shared
 * as in the sweep; the median over the children is kept.
 */
export async function stepTime(
  req: IStepTimeRequest,
  options: IStepTimeOptions
): Promise<IStepTimeEntry | undefined> {
  const file = options.file ?? stepTimeCacheFile();
  const machine = machineKey();
  const key = stepTimeKey(req, options.workers, machine);
  if (!options.refresh) {
    const hit = readCache(file).find(e => e.key === key);
    if (hit || options.measure === false) {
      return hit;
    }
  }
  const threads = threadsPerWorker(options.workers);
  const concurrent = Math.max(1, Math.min(options.workers, machine.cores));
  options.log?.(
    `measuring step time of ${req.model} (${req.tuning}, ${req.backend}, batch ${req.batchSize}, ` +
      `${req.seqLen} tokens) with ${concurrent} process(es) x ${threads} thread(s), once for this machine ...`
  );
  const times = await Promise.all(
    Array.from({ length: concurrent }, () => measureInChild(req, threads))
  );
  const pick = (f: (t: IStepTime) => number) => median(times.map(f));
  const entry: IStepTimeEntry = {
    key,
    machine,
    request: req,
    workers: options.workers,
    threads,
    time: {
      stepSeconds: pick(t => t.stepSeconds),
      evalSecondsPerSample: pick(t => t.evalSecondsPerSample),
      modelSetupSeconds: pick(t => t.modelSetupSeconds),
      startupSeconds: pick(t => t.startupSeconds),
      backend: times[0].backend
    },
    measuredAt: new Date().toISOString()
  };
  const entries = readCache(file).filter(e => e.key !== key);
  entries.push(entry);
  writeCache(file, entries);
  return entry;
}
