/**
 * The kernel as a child process, spoken to over ZeroMQ with signed messages: what a Jupyter
 * server does. Covers kernel_info, heartbeat, execute (state, streams, errors), signatures,
 * interrupts, completion/inspection/history, shutdown, SIGTERM and parent death.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive } from './parent-watch';
import { SIDECAR_PROCESS_ARG } from './sidecar-messages';
import {
  IRunningKernel,
  KernelClient,
  buildKernel,
  makeConnection,
  removeBuild,
  startKernelProcess
} from './testing/kernel-client';

let script: string;
let k: IRunningKernel;

/** Alive and not a zombie (a re-parented kernel may wait to be reaped). */
function running(pid: number): boolean {
  if (!isAlive(pid)) {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return (
      stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
    );
  } catch {
    return false;
  }
}

/** The pid of a kernel's sidecar process (its child that owns heartbeat and control). */
function sidecarPid(kernelPid: number): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (ppid === kernelPid && argv.includes(SIDECAR_PROCESS_ARG)) {
        return Number(entry);
      }
    } catch {
      // the process ended while we looked
    }
  }
  return undefined;
}

async function until(
  test: () => boolean,
  what: string,
  ms = 20_000
): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise(r => setTimeout(r, 100));
  }
}

function types(iopub: { header: { msg_type: string } }[]): string[] {
  return iopub.map(m => m.header.msg_type);
}

/** How long an orphaned kernel whose main thread is stuck may take to go (about 5 s expected). */
const ORPHAN_EXIT_MS = 10_000;

/** A kernel started by a middle process that the test kills, with the kernel's stderr in a file. */
interface IOrphanable {
  dir: string;
  middle: ChildProcess;
  kernelPid: number;
  client: KernelClient;
  /** What the kernel (and its sidecar) wrote to stderr so far. */
  log(): string;
  /** Closes the client, and kills the kernel and the middle process if they still run. */
  cleanUp(): void;
}

/**
 * Starts a kernel as the child of a middle process (as a Jupyter server starts one), which the
 * test then kills with SIGKILL. With `jpyParent` the middle process's pid is given as
 * JPY_PARENT_PID (what jupyter_client does), else the kernel falls back to its OS parent.
 */
async function startOrphanable(
  kernelScript: string,
  options: { jpyParent: boolean }
): Promise<IOrphanable> {
  const dir = mkdtempSync(join(tmpdir(), 'deni-orphan-'));
  const { file, info } = await makeConnection(dir);
  const logFile = join(dir, 'kernel.log');
  const middle = spawn(
    process.execPath,
    [
      '-e',
      `const { spawn } = require('node:child_process');
       const { openSync } = require('node:fs');
       const env = { ...process.env }; delete env.JPY_PARENT_PID;
       if (${options.jpyParent}) env.JPY_PARENT_PID = String(process.pid);
       const err = openSync(${JSON.stringify(logFile)}, 'w');
       const c = spawn(process.execPath, [${JSON.stringify(kernelScript)}, '-f', ${JSON.stringify(file)}], { stdio: ['ignore', 'ignore', err], env });
       console.log(c.pid); setInterval(() => {}, 1000);`
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] }
  );
  const kernelPid = await new Promise<number>(res =>
    middle.stdout?.once('data', (d: Buffer) => res(Number(d.toString().trim())))
  );
  const client = new KernelClient(info);
  return {
    dir,
    middle,
    kernelPid,
    client,
    log: () => readFileSync(logFile, 'utf8'),
    cleanUp: () => {
      client.close();
      for (const pid of [kernelPid, middle.pid]) {
        // Without the fix the orphan spins on: it must not outlive the test.
        if (pid && running(pid)) {
          process.kill(pid, 'SIGKILL');
        }
      }
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** Runs `code` in an orphanable kernel and returns once it keeps the main thread busy. */
async function orphanBusy(o: IOrphanable, code: string): Promise<void> {
  await o.client.ready();
  const id = await o.client.send('shell', 'execute_request', {
    code,
    silent: false,
    store_history: true,
    user_expressions: {},
    allow_stdin: false,
    stop_on_error: false
  });
  await o.client.waitFor(
    () =>
      o.client.iopubFor(id).some(m => m.header.msg_type === 'execute_input'),
    20_000,
    'the cell to start'
  );
  await new Promise(r => setTimeout(r, 500));
  // The main thread is busy; the sidecar still answers heartbeats.
  expect(await o.client.ping()).toBe('ping');
}

beforeAll(async () => {
  script = await buildKernel();
  k = await startKernelProcess(script);
});

afterAll(() => {
  k?.client.close();
  if (k?.child.pid && running(k.child.pid)) {
    k.child.kill('SIGKILL');
  }
  removeBuild(script);
});

describe('deni kernel over ZeroMQ', () => {
  it('answers kernel_info with protocol 5.3 and TypeScript language info', async () => {
    const { reply, iopub } = await k.client.request(
      'shell',
      'kernel_info_request',
      {}
    );
    expect(reply.header.msg_type).toBe('kernel_info_reply');
    expect(reply.content).toMatchObject({
      status: 'ok',
      protocol_version: '5.3',
      implementation: 'deni',
      language_info: { name: 'typescript', file_extension: '.ts' }
    });
    expect(types(iopub)).toEqual(['status', 'status']);
  });

  it('echoes heartbeats', async () => {
    expect(await k.client.ping()).toBe('ping');
  });

  it('answers heartbeats from a sidecar process that ignores SIGINT', async () => {
    // A Ctrl-C or a signal to the kernel's process group reaches the sidecar too.
    const pid = sidecarPid(k.child.pid as number);
    expect(pid).toBeDefined();
    process.kill(pid as number, 'SIGINT');
    await new Promise(r => setTimeout(r, 200));
    expect(running(pid as number)).toBe(true);
    expect(await k.client.ping()).toBe('ping');
  });

  it('never loads zeromq in the sidecar thread (no static import in the build)', () => {
    // zeromq.js is not safe in worker threads (zeromq.js#411), and the sidecar thread runs
    // this bundle: a static import, here or in a chunk, could load it there.
    const dir = dirname(script);
    const files = [
      script,
      ...readdirSync(join(dir, 'chunks')).map(f => join(dir, 'chunks', f))
    ];
    const texts = files.map(file => readFileSync(file, 'utf8'));
    // It is loaded on demand (load-zeromq.ts), by the threads that own sockets...
    expect(texts.some(text => text.includes('import("zeromq")'))).toBe(true);
    // ...and never by an import statement, which runs in every thread that loads the file.
    for (const [i, text] of texts.entries()) {
      expect(text, files[i]).not.toMatch(/^import\b[^;]*["']zeromq["']/m);
    }
  });

  it('executes TypeScript with state that persists across cells', async () => {
    const first = await k.client.execute(
      'const n: number = 20;\nconsole.log("n is", n)'
    );
    expect(first.reply.content).toMatchObject({ status: 'ok' });
    const count = first.reply.content.execution_count as number;
    expect(types(first.iopub)).toEqual([
      'status',
      'execute_input',
      'stream',
      'status'
    ]);
    expect(first.iopub[2].content).toEqual({
      name: 'stdout',
      text: 'n is 20\n'
    });

    const second = await k.client.execute('n * 2 + 2');
    expect(second.reply.content.execution_count).toBe(count + 1);
    const result = second.iopub.find(
      m => m.header.msg_type === 'execute_result'
    );
    expect(result?.content).toMatchObject({
      execution_count: count + 1,
      data: { 'text/plain': '42' }
    });
  });

  it('reports errors as error replies with readable name, value and traceback', async () => {
    const { reply, iopub } = await k.client.execute(
      'function check(x: number) { if (x > 1) { throw new RangeError(`x is ${x}; expected at most 1`) } }\ncheck(3)'
    );
    expect(reply.content).toMatchObject({
      status: 'error',
      ename: 'RangeError',
      evalue: 'x is 3; expected at most 1'
    });
    const error = iopub.find(m => m.header.msg_type === 'error');
    expect((error?.content.traceback as string[])[0]).toBe(
      'RangeError: x is 3; expected at most 1'
    );
    expect((error?.content.traceback as string[]).join('\n')).toMatch(
      /cell\[\d+\]/
    );
    const after = await k.client.execute('n');
    expect(after.reply.content.status).toBe('ok');
  });

  it('reports syntax errors with the cell line and keeps running', async () => {
    const { reply } = await k.client.execute('const ok = 1;\nconst = 2;');
    expect(reply.content).toMatchObject({
      status: 'error',
      ename: 'SyntaxError'
    });
    expect(reply.content.evalue).toMatch(/line 2/);
  });

  it('aborts requests queued behind an error (stop_on_error)', async () => {
    const failing = await k.client.send('shell', 'execute_request', {
      code: 'await new Promise(r => setTimeout(r, 300)); throw new Error("first fails")',
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: true
    });
    const queued = await k.client.send('shell', 'execute_request', {
      code: 'globalThis.ranAfterError = true',
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: true
    });
    expect((await k.client.reply(failing)).content.status).toBe('error');
    expect((await k.client.reply(queued)).content.status).toBe('aborted');
    const check = await k.client.execute('typeof ranAfterError');
    const result = check.iopub.find(
      m => m.header.msg_type === 'execute_result'
    );
    expect(result?.content.data).toEqual({ 'text/plain': "'undefined'" });
  });

  it('rejects mis-signed and unsigned messages and logs them', async () => {
    const forged = await k.client.send(
      'shell',
      'execute_request',
      {
        code: 'globalThis.forged = 1',
        silent: false,
        store_history: true,
        user_expressions: {},
        allow_stdin: false,
        stop_on_error: true
      },
      { key: 'not-the-key' }
    );
    const unsigned = await k.client.send(
      'shell',
      'execute_request',
      {
        code: 'globalThis.forged = 2',
        silent: false,
        store_history: true,
        user_expressions: {},
        allow_stdin: false,
        stop_on_error: true
      },
      { key: '' }
    );
    // Shell requests are handled in order: once this reply is here, the forged ones were seen.
    const check = await k.client.execute('typeof forged');
    expect(
      check.iopub.find(m => m.header.msg_type === 'execute_result')?.content
        .data
    ).toEqual({
      'text/plain': "'undefined'"
    });
    expect(k.client.hasReply(forged)).toBe(false);
    expect(k.client.hasReply(unsigned)).toBe(false);
    await until(
      () => k.stderr().includes('unsigned message rejected'),
      'rejection log'
    );
    expect(k.stderr()).toContain('mis-signed message rejected');
  });

  it('interrupts a cell waiting on a promise (interrupt_request on control)', async () => {
    const id = await k.client.send('shell', 'execute_request', {
      code: 'console.log("waiting"); await new Promise(() => {})',
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: false
    });
    await k.client.waitFor(
      () => k.client.iopubFor(id).some(m => m.header.msg_type === 'stream'),
      20_000,
      'the cell to start'
    );
    const interrupt = await k.client.request(
      'control',
      'interrupt_request',
      {}
    );
    expect(interrupt.reply.content).toEqual({ status: 'ok' });
    const reply = await k.client.reply(id);
    expect(reply.content).toMatchObject({
      status: 'error',
      ename: 'KeyboardInterrupt'
    });
    expect((await k.client.execute('1 + 1')).reply.content.status).toBe('ok');
  });

  it('interrupts a synchronous endless loop with SIGINT', async () => {
    const id = await k.client.send('shell', 'execute_request', {
      code: 'while (true) {}',
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: false
    });
    await k.client.waitFor(
      () =>
        k.client.iopubFor(id).some(m => m.header.msg_type === 'execute_input'),
      20_000,
      'the loop to start'
    );
    // The blocked kernel cannot say when the loop runs; give it ample time to get there.
    await new Promise(r => setTimeout(r, 1000));
    k.child.kill('SIGINT');
    const reply = await k.client.reply(id);
    expect(reply.content.status).toBe('error');
    expect(reply.content.evalue).toMatch(/interrupted/i);
    expect((await k.client.execute('2 + 2')).reply.content.status).toBe('ok');
  });

  it('shows display() output and values as MIME bundles', async () => {
    const { iopub } = await k.client.execute(
      'display.html("<b>hi</b>"); [{ strategy: "deni", f1: 80.5 }]'
    );
    const display = iopub.find(m => m.header.msg_type === 'display_data');
    expect(display?.content.data).toEqual({
      'text/html': '<b>hi</b>',
      'text/plain': '<b>hi</b>'
    });
    const result = iopub.find(m => m.header.msg_type === 'execute_result');
    expect(
      (result?.content.data as Record<string, string>)['text/html']
    ).toContain('<td>deni</td>');
  });

  it('completes magic names, sub-commands, options and context names', async () => {
    const complete = async (code: string) =>
      (
        await k.client.request('shell', 'complete_request', {
          code,
          cursor_pos: code.length
        })
      ).reply.content;
    expect((await complete('%')).matches).toEqual(['%deni', '%%deni']);
    expect((await complete('%de')).matches).toEqual(['%deni']);
    expect(await complete('%deni rep')).toMatchObject({
      matches: ['report'],
      cursor_start: 6,
      cursor_end: 9
    });
    expect((await complete('%%deni s')).matches).toEqual(['sweep']);
    expect((await complete('%deni export quick --fo')).matches).toEqual([
      '--format'
    ]);
    expect((await complete('Mat')).matches).toContain('Math');
    expect((await complete('deni.res')).matches).toContain('results');
  });

  it('completes SweepSpec keys and values inside %%deni sweep', async () => {
    const complete = async (code: string) =>
      (
        await k.client.request('shell', 'complete_request', {
          code,
          cursor_pos: code.length
        })
      ).reply.content.matches as string[];
    expect(await complete('%%deni sweep\nname: a\nbud')).toEqual(['budget: ']);
    expect(await complete('%%deni sweep\nbudget:\n  epo')).toEqual([
      'epochs: '
    ]);
    expect(await complete('%%deni sweep\ntuning: lo')).toEqual(['lora']);
  });

  it('inspects magics, is_complete and history', async () => {
    const inspect = await k.client.request('shell', 'inspect_request', {
      code: '%deni report quick',
      cursor_pos: 8,
      detail_level: 0
    });
    expect(inspect.reply.content).toMatchObject({ status: 'ok', found: true });
    expect(
      (inspect.reply.content.data as Record<string, string>)['text/plain']
    ).toContain('%deni report <sweep>');
    const isComplete = async (code: string) =>
      (await k.client.request('shell', 'is_complete_request', { code })).reply
        .content.status;
    expect(await isComplete('let x = 1')).toBe('complete');
    expect(await isComplete('function f() {')).toBe('incomplete');
    expect(await isComplete('let x = ]')).toBe('invalid');
    const history = await k.client.request('shell', 'history_request', {
      output: false,
      raw: true,
      hist_access_type: 'tail',
      n: 2
    });
    const entries = history.reply.content.history as [number, number, string][];
    expect(entries).toHaveLength(2);
    expect(entries[0][2]).toBe('2 + 2');
    expect(entries[1][2]).toContain('display.html');
    const comm = await k.client.request('shell', 'comm_info_request', {});
    expect(comm.reply.content).toEqual({ status: 'ok', comms: {} });
  });

  it('points %%deni sweep errors at the line and field', async () => {
    const { reply } = await k.client.execute(
      '%%deni sweep\nname: bad\ndataset: uci-sentiment\nruns: -3\n'
    );
    expect(reply.content.status).toBe('error');
    expect(reply.content.evalue).toMatch(/line 4/);
    expect(reply.content.evalue).toMatch(/runs/);
  });

  it('interpolates ${expr} from the notebook context into magics', async () => {
    await k.client.execute("const profile = 'interp'; const badRuns = -3;");
    const help = await k.client.execute("%deni help ${'sw' + 'eep'}");
    expect(help.reply.content.status).toBe('ok');
    const shown = help.iopub.find(m => m.header.msg_type === 'display_data');
    expect(
      String((shown?.content.data as Record<string, unknown>)['text/plain'])
    ).toMatch(/%%deni sweep/);
    const { reply } = await k.client.execute(
      '%%deni sweep\nname: s-${profile}\ndataset: uci-sentiment\nruns: ${badRuns}\n'
    );
    expect(reply.content.status).toBe('error');
    expect(reply.content.evalue).toMatch(/line 4/);
    expect(reply.content.evalue).toMatch(/runs/);
    const missing = await k.client.execute(
      '%%deni sweep\nname: ${notDefined}\n'
    );
    expect(missing.reply.content.evalue).toMatch(/notDefined.*line 2/);
  });

  it('shuts down on shutdown_request', async () => {
    const sidecar = sidecarPid(k.child.pid as number);
    expect(sidecar).toBeDefined();
    const { reply } = await k.client.request('control', 'shutdown_request', {
      restart: false
    });
    expect(reply.content).toEqual({ status: 'ok', restart: false });
    expect(await k.exited).toBe(0);
    await until(() => !running(sidecar as number), 'the sidecar to exit');
  });
});

describe('kernel process lifetime', () => {
  it('exits on SIGTERM', async () => {
    const other = await startKernelProcess(script);
    other.child.kill('SIGTERM');
    expect(await other.exited).toBe(0);
    other.client.close();
  });

  it('leaves no sidecar process behind when the kernel is killed', async () => {
    const other = await startKernelProcess(script);
    const sidecar = sidecarPid(other.child.pid as number);
    expect(sidecar).toBeDefined();
    other.child.kill('SIGKILL');
    await other.exited;
    other.client.close();
    await until(() => !running(sidecar as number), 'the sidecar to exit');
  });

  it('exits when its parent process dies', async () => {
    const o = await startOrphanable(script, { jpyParent: false });
    try {
      await o.client.ready();
      expect(running(o.kernelPid)).toBe(true);
      o.middle.kill('SIGKILL');
      await until(() => !running(o.kernelPid), 'the orphaned kernel to exit');
    } finally {
      o.cleanUp();
    }
  });

  it('exits when its parent dies while a cell spins after an await', async () => {
    // The main thread's own watch never runs while the cell spins: the sidecar thread stops the
    // cell (terminateExecution) and the main thread's usual stop path ends the kernel.
    const o = await startOrphanable(script, { jpyParent: true });
    try {
      await orphanBusy(
        o,
        'await new Promise(r => setTimeout(r, 10)); for (;;) { Math.sqrt(2) }'
      );
      const sidecar = sidecarPid(o.kernelPid);
      expect(sidecar).toBeDefined();
      o.middle.kill('SIGKILL');
      await until(
        () => !running(o.kernelPid),
        'the orphaned spinning kernel to exit',
        ORPHAN_EXIT_MS
      );
      await until(() => !running(sidecar as number), 'the sidecar to exit');
      const log = o.log();
      expect(log).toMatch(/did not act on its parent's death/);
      // The main thread stopped the normal way: no hard kill was needed.
      expect(log).toMatch(/parent process \d+ is gone: exiting/);
      expect(log).not.toMatch(/killing the kernel/);
    } finally {
      o.cleanUp();
    }
  });

  it('is killed when its parent dies while a cell blocks in native code', async () => {
    // A synchronous open() of a FIFO nobody writes to: terminateExecution cannot reach code
    // that is not JavaScript, so the sidecar thread ends the process with SIGKILL.
    const o = await startOrphanable(script, { jpyParent: false });
    try {
      const fifo = join(o.dir, 'never-written');
      execFileSync('mkfifo', [fifo]);
      await orphanBusy(
        o,
        `await new Promise(r => setTimeout(r, 10)); require('node:fs').openSync(${JSON.stringify(fifo)}, 'r')`
      );
      const sidecar = sidecarPid(o.kernelPid);
      expect(sidecar).toBeDefined();
      o.middle.kill('SIGKILL');
      await until(
        () => !running(o.kernelPid),
        'the orphaned blocked kernel to exit',
        ORPHAN_EXIT_MS
      );
      await until(() => !running(sidecar as number), 'the sidecar to exit');
      expect(o.log()).toMatch(/killing the kernel/);
    } finally {
      o.cleanUp();
    }
  });
});

describe('kernel without its engine library', () => {
  it('still starts, runs code cells and explains why magics are unavailable', async () => {
    // A kernel bundle and its chunks alone (no deni.mjs beside it), inside the repository so
    // packages resolve.
    const dir = mkdtempSync(join(dirname(dirname(script)), 'kernel-alone-'));
    const alone = join(dir, 'kernel.mjs');
    copyFileSync(script, alone);
    cpSync(join(dirname(script), 'chunks'), join(dir, 'chunks'), {
      recursive: true
    });
    const lonely = await startKernelProcess(alone);
    try {
      const code = await lonely.client.execute('[1, 2, 3].length');
      expect(
        code.iopub.find(m => m.header.msg_type === 'execute_result')?.content
          .data
      ).toEqual({ 'text/plain': '3' });
      const magic = await lonely.client.execute('%deni strategies');
      expect(magic.reply.content.status).toBe('error');
      expect(magic.reply.content.evalue).toMatch(
        /DENI engine failed to load.*deni\.mjs not found/
      );
      const api = await lonely.client.execute("deni.results('x')");
      expect(api.reply.content.evalue).toMatch(/DENI engine failed to load/);
      expect(
        (await lonely.client.execute('%deni help')).reply.content.status
      ).toBe('ok');
    } finally {
      lonely.client.close();
      lonely.child.kill('SIGTERM');
      await lonely.exited;
      removeBuild(alone);
    }
  });
});
