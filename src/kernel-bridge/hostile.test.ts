/**
 * Hostile cells against a real kernel process (issue #21): every request gets a reply and an
 * idle status, the heartbeat answers while a cell spins, and afterwards the kernel still
 * answers `1 + 1`. Each case is a cell a user could type (or paste) by mistake.
 */
import { describe, expect, it } from 'vitest';
import { IMessage } from './protocol/messages';
import { isIdle, kernelForTests } from './testing/kernel-client';

const kernel = kernelForTests();

const EXECUTE = {
  silent: false,
  store_history: true,
  user_expressions: {},
  allow_stdin: false,
  stop_on_error: false
};

function streamText(iopub: IMessage[], name = 'stdout'): string {
  return iopub
    .filter(m => m.header.msg_type === 'stream' && m.content.name === name)
    .map(m => String(m.content.text))
    .join('');
}

/** The kernel still computes after the hostile cell. */
async function stillAlive(): Promise<void> {
  const { reply, iopub } = await kernel().client.execute('1 + 1', {}, 20_000);
  expect(reply.content.status).toBe('ok');
  const result = iopub.find(m => m.header.msg_type === 'execute_result');
  expect((result?.content.data as Record<string, string>)['text/plain']).toBe(
    '2'
  );
  expect(await kernel().client.ping()).toBe('ping');
}

/** Runs a cell expected to spin; checks heartbeat during the spin, interrupts over control. */
async function interruptSpinning(code: string): Promise<IMessage> {
  const id = await kernel().client.send('shell', 'execute_request', {
    code,
    ...EXECUTE
  });
  await kernel().client.waitFor(
    () =>
      kernel()
        .client.iopubFor(id)
        .some(m => m.header.msg_type === 'execute_input'),
    20_000,
    'the cell to start'
  );
  await new Promise(r => setTimeout(r, 500));
  // The main thread spins; the heartbeat (sidecar thread) still answers.
  expect(await kernel().client.ping()).toBe('ping');
  const interrupt = await kernel().client.request(
    'control',
    'interrupt_request',
    {}
  );
  expect(interrupt.reply.content).toEqual({ status: 'ok' });
  const reply = await kernel().client.reply(id, 20_000);
  await kernel().client.waitFor(
    () => kernel().client.iopubFor(id).some(isIdle),
    20_000
  );
  return reply;
}

describe('hostile cells against a real kernel', () => {
  it('interrupt_request stops a synchronous `while (true) {}`', async () => {
    const reply = await interruptSpinning('while (true) {}');
    expect(reply.content.status).toBe('error');
    await stillAlive();
  });

  it('interrupt_request stops a busy loop after an await, and state survives', async () => {
    await kernel().client.execute('const kept = 41');
    const reply = await interruptSpinning(
      'await new Promise(r => setTimeout(r, 10)); for (;;) { Math.sqrt(2) }'
    );
    expect(reply.content).toMatchObject({
      status: 'error',
      ename: 'KeyboardInterrupt'
    });
    const { iopub } = await kernel().client.execute('kept + 1');
    const result = iopub.find(m => m.header.msg_type === 'execute_result');
    expect((result?.content.data as Record<string, string>)['text/plain']).toBe(
      '42'
    );
    await stillAlive();
  });

  it('delivers 50,000 console.log lines and the final idle', async () => {
    const { reply, iopub } = await kernel().client.execute(
      'for (let i = 0; i < 50000; i++) console.log("line " + i)',
      {},
      60_000
    );
    expect(reply.content.status).toBe('ok');
    const lines = streamText(iopub).split('\n').filter(Boolean);
    expect(lines.length).toBe(50_000);
    expect(lines[49_999]).toBe('line 49999');
    // Batched: far fewer messages than lines.
    expect(
      iopub.filter(m => m.header.msg_type === 'stream').length
    ).toBeLessThan(100);
    await stillAlive();
  });

  it('caps a cell that prints megabytes with a visible "output truncated" line', async () => {
    const { reply, iopub } = await kernel().client.execute(
      'for (let i = 0; i < 30; i++) console.log("x".repeat(100000))',
      {},
      60_000
    );
    expect(reply.content.status).toBe('ok');
    expect(streamText(iopub).length).toBeLessThanOrEqual(1_000_000);
    expect(streamText(iopub, 'stderr')).toMatch(/output truncated/);
    await stillAlive();
  });

  it('caps displays and coalesces display updates', async () => {
    const { reply, iopub } = await kernel().client.execute(
      'for (let i = 0; i < 3000; i++) display(i); for (let i = 0; i < 5000; i++) display.update("p", i)',
      {},
      60_000
    );
    expect(reply.content.status).toBe('ok');
    expect(iopub.filter(m => m.header.msg_type === 'display_data').length).toBe(
      1000
    );
    expect(
      iopub.filter(m => m.header.msg_type === 'update_display_data').length
    ).toBeLessThan(10);
    expect(streamText(iopub, 'stderr')).toMatch(/output truncated/);
    await stillAlive();
  });

  it.each([
    ['process.exit()', /process\.exit\(\) is not available in a notebook cell/],
    ['process.exit(3)', /not available/],
    ['process.abort()', /process\.abort\(\) is not available/],
    ['require("node:process").exit(1)', /not available/],
    ['globalThis.process.reallyExit(1)', /not available/]
  ])(
    '%s raises a readable error instead of ending the kernel',
    async (code, message) => {
      const { reply } = await kernel().client.execute(code, {
        stop_on_error: false
      });
      expect(reply.content.status).toBe('error');
      expect(String(reply.content.evalue)).toMatch(message);
      await stillAlive();
    }
  );

  it.each([
    'throw { get message() { throw new Error("no") }, get stack() { throw 1 } }',
    'throw { message: { toString() { throw new Error("no") } } }',
    'throw new Proxy({}, { has() { throw 1 }, get() { throw 1 } })',
    'const r = Proxy.revocable({}, {}); r.revoke(); throw r.proxy',
    'throw Object.create(null)',
    'throw null',
    'throw undefined',
    'throw Symbol("s")',
    'const e = new Error("x"); Object.defineProperty(e, "name", { get() { throw 1 } }); throw e',
    'new Proxy({}, { get() { throw new Error("value cannot be shown") } })',
    '({ toString() { throw 1 }, [Symbol.toPrimitive]() { throw 1 } })'
  ])('replies to a cell that throws something hostile: %s', async code => {
    const { reply } = await kernel().client.execute(code, {
      stop_on_error: false
    });
    expect(['ok', 'error']).toContain(reply.content.status);
    await stillAlive();
  });

  it.each([
    'setTimeout(() => { throw new Error("late") }, 0)',
    'Promise.reject(new Error("unhandled"))',
    'queueMicrotask(() => { throw 1 })',
    '%%deni',
    '%deni nonsense',
    '%%deni sweep\nname: [unclosed',
    '%%deni sweep --bogus 1\nname: x',
    '%%deni sweep stray\nname: x',
    '%%deni sweep --runs many\nname: x',
    '%deni plan --samples 10000000 --epochs 1000 --batch 1',
    `%%deni sweep\nname: big\n${Array.from({ length: 200_000 }, (_, i) => `k${i}: 1`).join('\n')}`,
    '\u0000\u0001 \uFFFF',
    'let let = 1',
    '`'.repeat(10000),
    '('.repeat(5000)
  ])(
    'replies to %s',
    async code => {
      const { reply } = await kernel().client.execute(
        code,
        { stop_on_error: false },
        120_000
      );
      expect(['ok', 'error']).toContain(reply.content.status);
      await stillAlive();
    },
    150_000
  );

  it('rejects %%deni sweep options it does not know, naming the valid ones', async () => {
    const { reply } = await kernel().client.execute(
      '%%deni sweep --nmae x\nname: a\ndataset: uci-sentiment',
      { stop_on_error: false }
    );
    expect(reply.content.status).toBe('error');
    expect(String(reply.content.evalue)).toMatch(
      /unknown option --nmae.*--name/
    );
  });

  it('ignores a replayed, correctly signed execute_request', async () => {
    await kernel().client.execute('globalThis.replays = 0');
    const id = await kernel().client.send(
      'shell',
      'execute_request',
      { code: 'replays += 1', ...EXECUTE },
      { times: 2 }
    );
    await kernel().client.reply(id);
    await kernel().client.waitFor(() =>
      kernel().client.iopubFor(id).some(isIdle)
    );
    const { iopub } = await kernel().client.execute('replays');
    const result = iopub.find(m => m.header.msg_type === 'execute_result');
    expect((result?.content.data as Record<string, string>)['text/plain']).toBe(
      '1'
    );
    expect(kernel().stderr()).toMatch(/replayed message rejected/);
  });
});
