// @vitest-environment jsdom
import type { KernelMessage } from '@jupyterlab/services';
import { describe, expect, it } from 'vitest';
import { REPORT_MIME } from '../../deni/report/types';
import { doneBundle } from '../testing/bundles';
import { finalStatus, latestBundle } from './run-status';

function outputs(list: Record<string, unknown>[]) {
  return { length: list.length, get: (i: number) => ({ data: list[i] }) };
}

function reply(
  content: Record<string, unknown>
): KernelMessage.IExecuteReplyMsg {
  return { content } as unknown as KernelMessage.IExecuteReplyMsg;
}

describe('latestBundle', () => {
  it('takes the last report bundle among the outputs', () => {
    const first = { ...doneBundle(), sweep: 'a' };
    const last = { ...doneBundle(), sweep: 'b', status: 'running' };
    const found = latestBundle(
      outputs([
        { [REPORT_MIME]: first },
        { 'text/plain': 'x' },
        { [REPORT_MIME]: last }
      ])
    );
    expect(found?.sweep).toBe('b');
    expect(latestBundle(outputs([{ 'text/plain': 'x' }]))).toBeNull();
    expect(
      latestBundle(outputs([{ [REPORT_MIME]: { version: 9 } }]))
    ).toBeNull();
  });
});

describe('finalStatus', () => {
  it("prefers the bundle's final status, else reads the execute reply", () => {
    expect(
      finalStatus(
        { ...doneBundle(), status: 'interrupted' },
        reply({ status: 'error', ename: 'X', evalue: '' })
      )
    ).toEqual({
      status: 'interrupted',
      error: null
    });
    expect(
      finalStatus(
        { ...doneBundle(), status: 'running' },
        reply({ status: 'ok' })
      )
    ).toEqual({ status: 'done', error: null });
    expect(
      finalStatus(
        null,
        reply({ status: 'error', ename: 'KeyboardInterrupt', evalue: '' })
      )
    ).toEqual({
      status: 'interrupted',
      error: null
    });
    expect(
      finalStatus(
        null,
        reply({
          status: 'error',
          ename: 'SpecError',
          evalue: 'runs: must be >= 1'
        })
      )
    ).toEqual({
      status: 'error',
      error: 'SpecError: runs: must be >= 1'
    });
    expect(finalStatus(null, undefined)).toEqual({
      status: 'interrupted',
      error: null
    });
  });
});
