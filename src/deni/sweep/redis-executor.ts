import { Job, Queue, QueueEvents, Worker } from 'bullmq';
import IORedis, { type RedisOptions } from 'ioredis';
import type { IExecutor, IExecutorHooks } from './executor';
import { loadRunner } from './runner';
import type {
  IRunProgress,
  IRunResult,
  IRunSpec,
  RunOneFn
} from '../contract/types';

/** Default BullMQ queue name shared by submitters and `deni worker`. */
export const DEFAULT_QUEUE = 'deni';

/** A Redis URL that cannot be used: bad syntax, unreachable server, wrong or missing password. */
export class RedisConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisConnectionError';
  }
}

/** The URL with its password replaced by `***`, for messages and logs. */
export function maskRedisUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/[^:@/]*:)[^@]*@/, '$1***@');
}

function parseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RedisConnectionError(
      `invalid Redis URL ${JSON.stringify(maskRedisUrl(url))}; expected redis://[:password@]host:port[/db]`
    );
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new RedisConnectionError(
      `invalid Redis URL ${JSON.stringify(maskRedisUrl(url))}: scheme ${parsed.protocol} is not redis: or rediss:`
    );
  }
  return parsed;
}

/** ioredis options BullMQ needs (blocking commands must never give up). */
function connectionOptions(url: string): RedisOptions {
  const u = parseUrl(url);
  const db = u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: Number.isInteger(db) ? db : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null
  };
}

/**
 * Connects once and PINGs, turning Redis's terse failures into errors that say what to fix:
 * a wrong password (WRONGPASS), a missing one (NOAUTH), or no server (ECONNREFUSED).
 */
export async function checkRedis(url: string): Promise<void> {
  const opts = connectionOptions(url);
  const where = maskRedisUrl(url);
  const client = new IORedis({
    ...opts,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    connectTimeout: 5000,
    retryStrategy: () => null
  });
  let last = '';
  client.on('error', (e: Error) => {
    last = e.message;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    const msg = last || (e as Error).message;
    if (/WRONGPASS|invalid password|invalid username-password/i.test(msg)) {
      throw new RedisConnectionError(
        `Redis at ${where} rejected the password (${msg.trim()}); check the password in the URL redis://:PASSWORD@host:port`
      );
    }
    if (/NOAUTH/i.test(msg)) {
      throw new RedisConnectionError(
        `Redis at ${where} requires a password (${msg.trim()}); give it in the URL as redis://:PASSWORD@host:port`
      );
    }
    if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|timeout/i.test(msg)) {
      throw new RedisConnectionError(
        `cannot connect to Redis at ${where} (${msg.trim()}); is redis-server running and reachable?`
      );
    }
    throw new RedisConnectionError(`Redis at ${where} failed: ${msg}`);
  } finally {
    client.disconnect();
  }
}

/** Options of RedisExecutor. */
export interface IRedisExecutorOptions {
  url: string;
  queue?: string;
  /** Runs expected to execute at once, for the ETA only; default: the workers serving the queue. */
  parallelism?: number;
}

interface IJobData {
  spec: IRunSpec;
}

/**
 * The submitting side of the distributed executor: queues each missing RunSpec as a BullMQ job
 * whose id is the run key (so a run is queued once, whoever submits it), follows the jobs' events,
 * and hands each result to the sweep, which writes its own store. A job is removed from Redis only
 * after its result is stored, so results of runs that finish while no submitter listens are
 * collected by the next submission. Failed jobs are retried when the sweep is submitted again.
 */
export class RedisExecutor implements IExecutor {
  private readonly queueName: string;
  private workers = 0;

  constructor(private readonly options: IRedisExecutorOptions) {
    this.queueName = options.queue ?? DEFAULT_QUEUE;
    parseUrl(options.url);
  }

  /** Runs at once: the option if given, else the workers serving the queue (as last counted). */
  get parallelism(): number {
    return this.options.parallelism ?? Math.max(1, this.workers);
  }

  async execute(
    runs: IRunSpec[],
    hooks: IExecutorHooks,
    signal?: AbortSignal
  ): Promise<void> {
    if (runs.length === 0 || signal?.aborted) {
      return;
    }
    await checkRedis(this.options.url);
    const opts = connectionOptions(this.options.url);
    const queue = new Queue<IJobData, IRunResult>(this.queueName, {
      connection: opts
    });
    const events = new QueueEvents(this.queueName, { connection: opts });
    queue.on('error', () => undefined);
    events.on('error', () => undefined);
    const bySpec = new Map(runs.map(r => [r.key, r]));
    const settled = new Set<string>();
    const started = new Set<string>();
    let resolveAll: () => void = () => undefined;
    const allDone = new Promise<void>(resolve => {
      resolveAll = resolve;
    });
    // Serialise the handling of jobs so store writes and Redis removals never interleave.
    let chain = Promise.resolve();
    const serial = (fn: () => Promise<void>): void => {
      chain = chain.then(fn).catch(() => undefined);
    };
    const checkDone = (): void => {
      if (settled.size >= bySpec.size) {
        resolveAll();
      }
    };
    const settle = (jobId: string): void => {
      serial(async () => {
        const spec = bySpec.get(jobId);
        if (!spec || settled.has(jobId)) {
          return;
        }
        const job = await Job.fromId<IJobData, IRunResult>(queue, jobId);
        if (!job) {
          return;
        }
        const state = await job.getState();
        if (state === 'completed') {
          settled.add(jobId);
          if (!started.has(jobId)) {
            started.add(jobId);
            hooks.onStart(spec);
          }
          try {
            hooks.onResult(job.returnvalue);
            await job.remove().catch(() => undefined);
          } catch (e) {
            hooks.onFailure(spec, e as Error);
          }
        } else if (state === 'failed') {
          settled.add(jobId);
          if (!started.has(jobId)) {
            started.add(jobId);
            hooks.onStart(spec);
          }
          hooks.onFailure(
            spec,
            new Error(job.failedReason || 'the Redis worker reported a failure')
          );
        }
        checkDone();
      });
    };

    events.on('active', ({ jobId }) => {
      const spec = bySpec.get(jobId);
      if (spec && !started.has(jobId)) {
        started.add(jobId);
        hooks.onStart(spec);
      }
    });
    events.on('progress', ({ jobId, data }) => {
      const spec = bySpec.get(jobId);
      if (spec && data && typeof data === 'object') {
        hooks.onProgress(spec, data as unknown as IRunProgress);
      }
    });
    const countWorkers = (): void => {
      void queue.getWorkersCount().then(
        n => {
          this.workers = n;
        },
        () => undefined
      );
    };
    events.on('completed', ({ jobId }) => {
      countWorkers();
      settle(jobId);
    });
    events.on('failed', ({ jobId }) => settle(jobId));

    const onAbort = (): void => {
      serial(async () => {
        for (const key of bySpec.keys()) {
          if (!settled.has(key)) {
            // Waiting jobs go; active ones finish on their worker and are collected next time.
            const job = await Job.fromId(queue, key);
            await job?.remove().catch(() => undefined);
          }
        }
        resolveAll();
      });
    };

    try {
      await events.waitUntilReady();
      await queue.waitUntilReady();
      countWorkers();
      signal?.addEventListener('abort', onAbort, { once: true });
      for (const spec of runs) {
        const existing = await Job.fromId<IJobData, IRunResult>(
          queue,
          spec.key
        );
        if (existing) {
          const state = await existing.getState();
          if (state === 'failed') {
            // A new submission retries runs that failed before.
            await existing.retry('failed');
            continue;
          }
          if (state === 'completed') {
            settle(spec.key);
            continue;
          }
          if (state !== 'unknown') {
            continue;
          }
        }
        await queue.add(
          'run',
          { spec },
          { jobId: spec.key, removeOnComplete: false, removeOnFail: false }
        );
      }
      // Jobs that finished between being queued and our listeners seeing them.
      for (const key of bySpec.keys()) {
        settle(key);
      }
      await allDone;
      await chain;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      await events.close().catch(() => undefined);
      await queue.close().catch(() => undefined);
    }
  }
}

/** Options of runRedisWorker. */
export interface IRedisWorkerOptions {
  url: string;
  queue?: string;
  /** Runs executed at once by this process; default 1 (training saturates the cores). */
  concurrency?: number;
  /** Run function; default loaded from `runnerModule`, or the built-in trainer. */
  runOne?: RunOneFn;
  runnerModule?: string;
  /**
   * How long a job's lock lives without renewal: a worker that dies loses its run after this long,
   * and another worker takes it. Default 30000 ms.
   */
  lockDurationMs?: number;
  /** Called when a run starts, progresses and ends (for the worker's log). */
  onEvent?: (event: {
    kind: 'start' | 'done' | 'failed';
    spec: IRunSpec;
    message?: string;
  }) => void;
}

/** A running Redis worker. */
export interface IRedisWorkerHandle {
  /** Stops taking jobs and waits for the run in flight. */
  close(): Promise<void>;
}

/**
 * The worker side of the distributed executor (`deni worker --redis URL`): takes queued RunSpecs,
 * runs them, and returns each RunResult as the job's return value. Progress goes to the job
 * (at most once a second). A worker killed mid-run loses its lock and the run is requeued.
 */
export async function runRedisWorker(
  options: IRedisWorkerOptions
): Promise<IRedisWorkerHandle> {
  await checkRedis(options.url);
  const runOne = options.runOne ?? (await loadRunner(options.runnerModule));
  const lockDuration = options.lockDurationMs ?? 30000;
  const worker = new Worker<IJobData, IRunResult>(
    options.queue ?? DEFAULT_QUEUE,
    async job => {
      const spec = job.data.spec;
      options.onEvent?.({ kind: 'start', spec });
      let last = 0;
      try {
        const result = await runOne(spec, {
          onProgress: p => {
            const now = Date.now();
            if (now - last >= 1000 || p.step >= p.totalSteps) {
              last = now;
              void job.updateProgress({ ...p }).catch(() => undefined);
            }
          }
        });
        options.onEvent?.({ kind: 'done', spec });
        return result;
      } catch (e) {
        options.onEvent?.({
          kind: 'failed',
          spec,
          message: (e as Error).message
        });
        throw e;
      }
    },
    {
      connection: connectionOptions(options.url),
      concurrency: options.concurrency ?? 1,
      lockDuration,
      stalledInterval: Math.max(500, Math.floor(lockDuration / 2)),
      maxStalledCount: 3
    }
  );
  worker.on('error', () => undefined);
  await worker.waitUntilReady();
  return {
    close: () => worker.close()
  };
}
