import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkRedis,
  RedisConnectionError,
  ResultStore,
  runSweep
} from './index';
import { FAKE_RUNNER, REPO_ROOT, smallSpec, tempDir } from './testing/helpers';

const REDIS = '/usr/bin/redis-server';
const CLI = path.join(REPO_ROOT, 'src/deni/cli.ts');
const TSX = pathToFileURL(createRequire(__filename).resolve('tsx')).href;
const children: ChildProcess[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

async function startRedis(password?: string): Promise<string> {
  const port = await freePort();
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no'
  ];
  if (password) {
    args.push('--requirepass', password);
  }
  const child = spawn(REDIS, args, { stdio: 'ignore' });
  children.push(child);
  const url = `redis://${password ? `:${password}@` : ''}127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      await checkRedis(url);
      return url;
    } catch (e) {
      if (i > 100) {
        throw e;
      }
      await sleep(50);
    }
  }
}

function startWorker(
  url: string,
  markDir: string,
  extra: string[] = [],
  env: Record<string, string> = {}
): ChildProcess {
  const child = spawn(
    process.execPath,
    [
      '--import',
      TSX,
      CLI,
      'worker',
      '--redis',
      url,
      '--runner',
      FAKE_RUNNER,
      '--lock-duration',
      '1500',
      ...extra
    ],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        DENI_FAKE_DELAY_MS: '300',
        DENI_FAKE_MARK_DIR: markDir,
        ...env
      },
      stdio: ['ignore', 'ignore', 'pipe']
    }
  );
  children.push(child);
  return child;
}

/** Resolves once the worker says it serves its queue (so both workers compete for jobs). */
function serving(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stderr?.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('serving queue')) {
        resolve();
      }
    });
    child.once('exit', code =>
      reject(new Error(`worker exited (${code}) before serving: ${text}`))
    );
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise(resolve => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve(child.exitCode);
    } else {
      child.once('exit', code => resolve(code));
    }
  });
}

afterAll(async () => {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGKILL');
      await exited(c);
    }
  }
});

describe.skipIf(!existsSync(REDIS))(
  'Redis executor (real redis-server)',
  () => {
    let url = '';
    beforeAll(async () => {
      url = await startRedis();
    });

    it('two workers, one killed mid-run: every run finishes exactly once in the store', async () => {
      const dir = tempDir('redis');
      const marks = tempDir('redis-marks');
      // Runs train in a child process of each worker: marks carry the worker's label.
      const a = startWorker(url, marks, ['--queue', 'dist-test'], {
        DENI_FAKE_OWNER: 'a'
      });
      const b = startWorker(url, marks, ['--queue', 'dist-test'], {
        DENI_FAKE_OWNER: 'b'
      });
      await Promise.all([serving(a), serving(b)]);
      const spec = smallSpec(
        'dist',
        2,
        `executor: { kind: redis, redis: "${url}" }\n`
      );
      let killedKey: string | undefined;
      let finished = false;
      const watcher = (async () => {
        while (!killedKey && !finished) {
          const mine = readdirSync(marks).find(f => f.startsWith('a-'));
          if (mine) {
            a.kill('SIGKILL');
            killedKey = mine.slice('a-'.length, -'.start'.length);
            return;
          }
          await sleep(10);
        }
      })();
      const out = await runSweep(spec, {
        // The workers run a test double on 'sst2': nothing to fetch from the Hub.
        resolveInputs: false,
        store: path.join(dir, 'r.sqlite'),
        queue: 'dist-test'
      });
      finished = true;
      await watcher;
      expect(out.failed).toEqual([]);
      expect(out.executed).toBe(8);
      expect(out.results).toHaveLength(8);
      expect(new Set(out.results.map(r => r.key)).size).toBe(8);
      const store = ResultStore.open(path.join(dir, 'r.sqlite'));
      expect(store.count()).toBe(8);
      store.close();
      // The run lost with worker A was taken over and finished by worker B.
      expect(killedKey).toBeDefined();
      expect(readdirSync(marks)).toContain(`b-${killedKey}.start`);
      expect(out.results.find(r => r.key === killedKey)).toBeDefined();
      b.kill('SIGTERM');
      expect(await exited(b)).toBe(0);
    });

    it('renews the job lock while a run blocks the event loop: no run is executed twice (#21)', async () => {
      const dir = tempDir('redis-lock');
      const marks = tempDir('redis-lock-marks');
      // 10 steps of 400 ms, each blocking the event loop: 4 s against a 1.5 s lock.
      const env = { DENI_FAKE_BLOCK_MS: '400' };
      const a = startWorker(url, marks, ['--queue', 'lock-test'], env);
      const b = startWorker(url, marks, ['--queue', 'lock-test'], env);
      await Promise.all([serving(a), serving(b)]);
      const spec = smallSpec(
        'locks',
        1,
        `executor: { kind: redis, redis: "${url}" }\n`
      );
      const out = await runSweep(spec, {
        store: path.join(dir, 'r.sqlite'),
        queue: 'lock-test',
        resolveInputs: false
      });
      expect(out.failed).toEqual([]);
      expect(out.results).toHaveLength(4);
      const starts = readdirSync(marks).map(f =>
        f.slice(f.indexOf('-') + 1, -'.start'.length)
      );
      expect(starts).toHaveLength(4);
      expect(new Set(starts).size).toBe(4);
      a.kill('SIGTERM');
      b.kill('SIGTERM');
      await Promise.all([exited(a), exited(b)]);
    }, 120_000);

    it('collects runs that finished while no submitter listened, without running them again', async () => {
      const dir = tempDir('redis-resume');
      const marks = tempDir('redis-resume-marks');
      const w = startWorker(url, marks, ['--queue', 'resume']);
      await serving(w);
      const spec = smallSpec(
        'rq',
        2,
        `executor: { kind: redis, redis: "${url}" }\n`
      );
      const store = path.join(dir, 'r.sqlite');
      const controller = new AbortController();
      const first = await runSweep(spec, {
        resolveInputs: false,
        store,
        queue: 'resume',
        signal: controller.signal,
        onProgress: p => {
          if (p.done >= 1 && (p.running ?? 0) >= 1) {
            controller.abort();
          }
        }
      });
      expect(first.cancelled).toBe(true);
      // The run that was active at the abort finishes on the worker and waits in Redis.
      for (
        let i = 0;
        i < 100 && readdirSync(marks).length < first.results.length + 1;
        i++
      ) {
        await sleep(50);
      }
      await sleep(600);
      const second = await runSweep(spec, {
        store,
        queue: 'resume',
        resolveInputs: false
      });
      expect(second.results).toHaveLength(8);
      expect(second.cached).toBe(first.results.length);
      // Every run started exactly once over both submissions.
      const started = readdirSync(marks).map(f =>
        f.split('-').slice(1).join('-')
      );
      expect(started).toHaveLength(8);
      expect(new Set(started).size).toBe(8);
      w.kill('SIGTERM');
      await exited(w);
    });

    it('works with a password, and says clearly when the password is wrong or missing', async () => {
      const secured = await startRedis('s3cret');
      const port = new URL(secured).port;
      const w = startWorker(secured, tempDir('pw-marks'), ['--queue', 'pw']);
      const spec = smallSpec(
        'pw',
        1,
        `executor: { kind: redis, redis: "${secured}" }\n`
      );
      const out = await runSweep(spec, {
        resolveInputs: false,
        store: path.join(tempDir('pw'), 'r.sqlite'),
        queue: 'pw'
      });
      expect(out.results).toHaveLength(4);
      w.kill('SIGTERM');
      await exited(w);

      const wrong = `redis://:nope@127.0.0.1:${port}`;
      const bad = smallSpec(
        'pw',
        1,
        `executor: { kind: redis, redis: "${wrong}" }\n`
      );
      const err = await runSweep(bad, {
        resolveInputs: false,
        store: path.join(tempDir('pw2'), 'r.sqlite')
      }).catch(e => e as Error);
      expect(err).toBeInstanceOf(RedisConnectionError);
      expect((err as Error).message).toMatch(/rejected the password/);
      expect((err as Error).message).toContain(
        `redis://:***@127.0.0.1:${port}`
      );
      expect((err as Error).message).not.toContain('nope');
      await expect(checkRedis(`redis://127.0.0.1:${port}`)).rejects.toThrow(
        /requires a password/
      );

      const cli = spawn(
        process.execPath,
        ['--import', TSX, CLI, 'worker', '--redis', wrong],
        {
          cwd: REPO_ROOT,
          stdio: ['ignore', 'ignore', 'pipe']
        }
      );
      let stderr = '';
      cli.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      expect(await exited(cli)).toBe(4);
      expect(stderr).toMatch(/rejected the password/);
    });
  }
);
