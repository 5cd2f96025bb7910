/**
 * How a sweep cell's state is read: the last report bundle among its outputs, and the final
 * status once the kernel replied. Pure functions (no JupyterLab imports) so they are unit-tested.
 */
import type { KernelMessage } from '@jupyterlab/services';
import type { IReportBundle } from '../../deni/report/types';
import { REPORT_MIME } from '../../deni/report/types';
import { readBundle } from '../report/read-bundle';
import type { SweepRunStatus } from '../tokens';

/** Something with a list of output models (the cell's output area model). */
export interface IOutputsLike {
  readonly length: number;
  get(index: number): { data: Record<string, unknown> } | { toJSON(): unknown };
}

/** The last report bundle among a cell's outputs, or null. */
export function latestBundle(outputs: IOutputsLike): IReportBundle | null {
  for (let i = outputs.length - 1; i >= 0; i--) {
    const output = outputs.get(i) as { data?: Record<string, unknown> };
    const data = output.data?.[REPORT_MIME];
    if (data !== undefined) {
      const read = readBundle(data);
      return read.ok ? read.bundle : null;
    }
  }
  return null;
}

/**
 * Status after the execute reply: the bundle's own status when it finished, else the reply's.
 * An interrupt arrives as an error reply (KeyboardInterrupt-like) or no reply at all.
 */
export function finalStatus(
  bundle: IReportBundle | null,
  reply: KernelMessage.IExecuteReplyMsg | void
): { status: SweepRunStatus; error: string | null } {
  if (bundle && bundle.status !== 'running') {
    return { status: bundle.status, error: bundle.error ?? null };
  }
  if (!reply) {
    return { status: 'interrupted', error: null };
  }
  const content = reply.content;
  if (content.status === 'ok') {
    return { status: 'done', error: null };
  }
  if (content.status === 'error') {
    if (/interrupt/i.test(`${content.ename} ${content.evalue}`)) {
      return { status: 'interrupted', error: null };
    }
    return { status: 'error', error: `${content.ename}: ${content.evalue}` };
  }
  return { status: 'interrupted', error: null };
}
