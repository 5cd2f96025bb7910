/**
 * `%%deni sweep` in the running kernel with the real trainer (worker processes): one progress
 * display updated in place, heartbeat answered while runs train, interrupt after a finished run,
 * and resumption from the store when the cell runs again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listModels } from '../deni/model';
import { REPORT_MIME, type IReportBundle } from '../deni/report/types';
import { IMessage } from './protocol/messages';
import {
  IRunningKernel,
  buildKernel,
  removeBuild,
  startKernelProcess
} from './testing/kernel-client';

const modelCached = listModels().some(m => m.name === 'minilm-l6' && m.cached);

const SWEEP = [
  '%%deni sweep',
  'name: resume',
  'dataset: uci-sentiment',
  'model: minilm-l6',
  'tuning: lora',
  'strategies: [default]',
  'runs: 3',
  'seed: 5',
  'budget: { samples: 16, epochs: 1, batchSize: 8, maxLength: 16, testSamples: 32 }',
  'backend: wasm',
  'executor: { kind: local, workers: 1 }'
].join('\n');

let k: IRunningKernel;

function bundleOf(m: IMessage): IReportBundle | undefined {
  const data = m.content.data as Record<string, unknown> | undefined;
  return data?.[REPORT_MIME] as IReportBundle | undefined;
}

function displays(iopub: IMessage[]): IMessage[] {
  return iopub.filter(m =>
    ['display_data', 'update_display_data'].includes(m.header.msg_type)
  );
}

describe.skipIf(!modelCached)('%%deni sweep in the kernel', () => {
  let script: string;

  beforeAll(async () => {
    script = await buildKernel();
    k = await startKernelProcess(script);
  });

  afterAll(async () => {
    k?.client.close();
    k?.child.kill('SIGTERM');
    await k?.exited;
    removeBuild(script);
  });

  it('shows progress in place, stops on interrupt after a stored run, and resumes', async () => {
    const execute = {
      code: SWEEP,
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: false
    };
    const first = await k.client.send('shell', 'execute_request', execute);
    await k.client.waitFor(
      () =>
        k.client
          .iopubFor(first)
          .some(m => (bundleOf(m)?.progress?.done ?? 0) >= 1),
      240_000,
      'the first stored run'
    );
    // The kernel trains in workers: its event loop still answers heartbeats mid-sweep.
    expect(await k.client.ping()).toBe('ping');
    await k.client.request('control', 'interrupt_request', {});
    const stopped = await k.client.reply(first, 240_000);
    expect(stopped.content).toMatchObject({
      status: 'error',
      ename: 'KeyboardInterrupt'
    });
    expect(stopped.content.evalue).toMatch(/re-execute the cell to resume/);
    // iopub and shell are separate sockets: the last display update may arrive after the
    // reply, so wait for the kernel's idle status of this request (sent after everything else).
    await k.client.waitFor(
      () =>
        k.client
          .iopubFor(first)
          .some(
            m =>
              m.header.msg_type === 'status' &&
              m.content.execution_state === 'idle'
          ),
      60_000,
      'the idle status after the interrupted cell'
    );

    const shown = displays(k.client.iopubFor(first));
    const ids = new Set(
      shown.map(m => (m.content.transient as { display_id: string }).display_id)
    );
    expect(ids.size).toBe(1);
    expect(shown[0].header.msg_type).toBe('display_data');
    expect(
      shown.slice(1).every(m => m.header.msg_type === 'update_display_data')
    ).toBe(true);
    expect(
      k.client.iopubFor(first).some(m => m.header.msg_type === 'stream')
    ).toBe(false);
    const last = bundleOf(shown[shown.length - 1]) as IReportBundle;
    expect(last.status).toBe('interrupted');
    const doneBefore = last.progress?.done ?? 0;
    expect(doneBefore).toBeGreaterThanOrEqual(1);
    expect(doneBefore).toBeLessThan(3);

    const again = await k.client.execute(SWEEP, {}, 480_000);
    expect(again.reply.content.status).toBe('ok');
    const final = bundleOf(
      displays(again.iopub).pop() as IMessage
    ) as IReportBundle;
    expect(final.status).toBe('done');
    expect(final.progress).toMatchObject({
      done: 3,
      total: 3,
      cached: doneBefore
    });
    expect(final.stats.length).toBeGreaterThan(0);

    const rows = await k.client.execute("deni.results('resume').length");
    const result = rows.iopub.find(m => m.header.msg_type === 'execute_result');
    expect(result?.content.data).toEqual({ 'text/plain': '3' });
  });
});
