/**
 * Test support: builds the kernel bundle, starts it as a child process on free ports and talks
 * to it over ZeroMQ like a Jupyter client does (Dealer for shell/control, Subscriber for iopub,
 * Request for heartbeat). Used by the kernel's own tests only.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll } from 'vitest';
import { Dealer, Request, Subscriber } from 'zeromq';
import { IConnectionInfo } from '../protocol/connection';
import { IMessage, JsonObject } from '../protocol/messages';
import { decode, encode, makeHeader } from '../protocol/wire';

/** Repository root (tests run from anywhere). */
export const REPO_ROOT = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../..'
);

/**
 * Bundles src/kernel-bridge/main.ts as `npm run build:node` does, into a fresh folder under the
 * repository's .cache (inside the repository so that external packages resolve from its
 * node_modules, as they do for dist/kernel.mjs).
 */
export async function buildKernel(outdir?: string): Promise<string> {
  if (!outdir) {
    mkdirSync(join(REPO_ROOT, '.cache'), { recursive: true });
    outdir = mkdtempSync(join(REPO_ROOT, '.cache', 'kernel-test-'));
  }
  await build({
    // The kernel loads deni.mjs from beside itself; the sweep executor starts workers from
    // worker.mjs beside the bundle that runs it (deni.mjs), the plan step-time.mjs.
    entryPoints: {
      kernel: join(REPO_ROOT, 'src/kernel-bridge/main.ts'),
      deni: join(REPO_ROOT, 'src/deni/index.ts'),
      worker: join(REPO_ROOT, 'src/deni/sweep/worker-main.ts'),
      // The plan's step-time measurement runs beside deni.mjs too.
      'step-time': join(REPO_ROOT, 'src/deni/planning/step-time-main.ts'),
      // A sweep or plan with `backend: auto` asks it which back-end that is.
      'auto-backend': join(REPO_ROOT, 'src/deni/backend/auto-backend-main.ts')
    },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    // As dist/: the sidecar thread and process load only their own chunks, not typescript.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    target: 'node20',
    packages: 'external',
    absWorkingDir: REPO_ROOT,
    logLevel: 'error',
    // As scripts/build-node.mjs: keep side-effect imports despite package.json "sideEffects".
    ignoreAnnotations: true,
    banner: {
      js: "import { createRequire as __deniCreateRequire } from 'node:module'; const require = __deniCreateRequire(import.meta.url);"
    }
  });
  return join(outdir, 'kernel.mjs');
}

/** Removes a folder made by {@link buildKernel} (or any test folder under .cache). */
export function removeBuild(script: string): void {
  const dir = dirname(script);
  if (dir.startsWith(join(REPO_ROOT, '.cache'))) {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const server = createServer();
    server.unref();
    server.on('error', rej);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => res(port));
    });
  });
}

/** A connection file with free loopback ports and a random key. */
export async function makeConnection(
  dir: string
): Promise<{ file: string; info: IConnectionInfo }> {
  const info: IConnectionInfo = {
    transport: 'tcp',
    ip: '127.0.0.1',
    shell_port: await freePort(),
    iopub_port: await freePort(),
    stdin_port: await freePort(),
    control_port: await freePort(),
    hb_port: await freePort(),
    key: randomBytes(16).toString('hex'),
    signature_scheme: 'hmac-sha256',
    kernel_name: 'deni'
  };
  const file = join(dir, 'kernel-connection.json');
  writeFileSync(file, JSON.stringify(info));
  return { file, info };
}

/** What one request produced: its reply and the iopub messages up to idle. */
export interface IExchange {
  reply: IMessage;
  iopub: IMessage[];
}

/** A Jupyter client over ZeroMQ. */
export class KernelClient {
  readonly session = randomUUID();
  readonly shell = new Dealer();
  readonly control = new Dealer();
  readonly iopub = new Subscriber();
  readonly hb = new Request();
  private readonly iopubLog: IMessage[] = [];
  private readonly waiters: { test: () => boolean; resolve: () => void }[] = [];
  private readonly replies = new Map<string, IMessage>();
  private closed = false;

  constructor(readonly info: IConnectionInfo) {
    for (const s of [this.shell, this.control, this.iopub, this.hb]) {
      s.linger = 0;
    }
    const url = (port: number): string => `tcp://${info.ip}:${port}`;
    this.shell.connect(url(info.shell_port));
    this.control.connect(url(info.control_port));
    this.iopub.connect(url(info.iopub_port));
    this.iopub.subscribe();
    this.hb.connect(url(info.hb_port));
    void this.pump(this.shell);
    void this.pump(this.control);
    void this.pumpIopub();
  }

  private notify(): void {
    for (const w of [...this.waiters]) {
      if (w.test()) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  }

  private async pump(socket: Dealer): Promise<void> {
    try {
      for await (const frames of socket) {
        const msg = decode(frames, this.info.key);
        const parent = (msg.parent_header as { msg_id?: string }).msg_id ?? '';
        this.replies.set(parent, msg);
        this.notify();
      }
    } catch {
      // closed
    }
  }

  private async pumpIopub(): Promise<void> {
    try {
      for await (const frames of this.iopub) {
        this.iopubLog.push(decode(frames, this.info.key));
        this.notify();
      }
    } catch {
      // closed
    }
  }

  /** Resolves when `test` holds (checked on every incoming message), or rejects after `ms`. */
  waitFor(test: () => boolean, ms = 30_000, what = 'condition'): Promise<void> {
    if (test()) {
      return Promise.resolve();
    }
    return new Promise((res, rej) => {
      const timer = setTimeout(
        () => rej(new Error(`timed out waiting for ${what}`)),
        ms
      );
      this.waiters.push({
        test,
        resolve: () => {
          clearTimeout(timer);
          res();
        }
      });
    });
  }

  /** iopub messages whose parent is `msgId`. */
  iopubFor(msgId: string): IMessage[] {
    return this.iopubLog.filter(
      m => (m.parent_header as { msg_id?: string }).msg_id === msgId
    );
  }

  /** Every iopub message received so far. */
  get allIopub(): IMessage[] {
    return this.iopubLog;
  }

  /** Waits until iopub is connected (a kernel_info round trip publishes status messages). */
  async ready(ms = 30_000): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
      const id = await this.send('shell', 'kernel_info_request', {});
      try {
        await this.waitFor(
          () => this.iopubFor(id).some(isIdle),
          1000,
          'kernel_info idle'
        );
        return;
      } catch (err) {
        if (Date.now() > deadline) {
          throw err;
        }
      }
    }
  }

  /** Sends a request; returns its msg_id. `sign: false` sends it unsigned, `key` signs with another key. */
  async send(
    channel: 'shell' | 'control',
    msgType: string,
    content: JsonObject,
    options: { key?: string; times?: number } = {}
  ): Promise<string> {
    const header = makeHeader(msgType, this.session, 'test');
    const frames = encode(
      {
        identities: [],
        header,
        parent_header: {},
        metadata: {},
        content,
        buffers: []
      },
      options.key ?? this.info.key
    );
    // `times` > 1 replays the very same signed frames (what an eavesdropper could do).
    for (let i = 0; i < (options.times ?? 1); i++) {
      await (channel === 'shell' ? this.shell : this.control).send(frames);
    }
    return header.msg_id;
  }

  /** The reply to `msgId`, once it arrives. */
  async reply(msgId: string, ms = 30_000): Promise<IMessage> {
    await this.waitFor(() => this.replies.has(msgId), ms, `reply to ${msgId}`);
    return this.replies.get(msgId) as IMessage;
  }

  /** Whether a reply to `msgId` arrived. */
  hasReply(msgId: string): boolean {
    return this.replies.has(msgId);
  }

  /** Sends a request and waits for its reply and its iopub idle status. */
  async request(
    channel: 'shell' | 'control',
    msgType: string,
    content: JsonObject,
    ms = 30_000
  ): Promise<IExchange> {
    const id = await this.send(channel, msgType, content);
    const reply = await this.reply(id, ms);
    await this.waitFor(
      () => this.iopubFor(id).some(isIdle),
      ms,
      `idle after ${msgType}`
    );
    return { reply, iopub: this.iopubFor(id) };
  }

  /** execute_request with the usual defaults. */
  execute(
    code: string,
    extra: JsonObject = {},
    ms = 30_000
  ): Promise<IExchange> {
    return this.request(
      'shell',
      'execute_request',
      {
        code,
        silent: false,
        store_history: true,
        user_expressions: {},
        allow_stdin: false,
        stop_on_error: true,
        ...extra
      },
      ms
    );
  }

  /** One heartbeat round trip. */
  async ping(): Promise<string> {
    await this.hb.send('ping');
    const [echo] = await this.hb.receive();
    return echo.toString();
  }

  close(): void {
    if (this.closed) {
      return;
    }
    this.closed = true;
    for (const s of [this.shell, this.control, this.iopub, this.hb]) {
      s.close();
    }
  }
}

/** Whether a message is `status: idle`. */
export function isIdle(m: IMessage): boolean {
  return m.header.msg_type === 'status' && m.content.execution_state === 'idle';
}

/** A kernel child process with a connected client. */
export interface IRunningKernel {
  child: ChildProcess;
  client: KernelClient;
  stderr: () => string;
  dir: string;
  exited: Promise<number | null>;
}

/** Starts `node <kernelScript> -f <conn>` in a temp working directory and connects a client. */
export async function startKernelProcess(
  kernelScript: string
): Promise<IRunningKernel> {
  const dir = mkdtempSync(join(tmpdir(), 'deni-kernel-'));
  const { file, info } = await makeConnection(dir);
  const child = spawn(process.execPath, [kernelScript, '-f', file], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, JPY_PARENT_PID: String(process.pid) }
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>(res =>
    child.on('exit', code => res(code))
  );
  const client = new KernelClient(info);
  await client.ready();
  return { child, client, stderr: () => err, dir, exited };
}

/**
 * One kernel process for the tests of a file: built and started before them, killed and its build
 * removed after them. Returns the running kernel's getter (it exists once the tests run).
 */
export function kernelForTests(): () => IRunningKernel {
  let script = '';
  let k: IRunningKernel | undefined;
  beforeAll(async () => {
    script = await buildKernel();
    k = await startKernelProcess(script);
  }, 120_000);
  afterAll(async () => {
    k?.client.close();
    k?.child.kill('SIGKILL');
    await k?.exited;
    if (script) {
      removeBuild(script);
    }
  });
  return () => {
    if (!k) {
      throw new Error('the test kernel has not started (beforeAll failed)');
    }
    return k;
  };
}
