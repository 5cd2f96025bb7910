/**
 * All kernel I/O of the plugin in one typed module: quiet executions for the plan estimate, the
 * magic lines the commands write, interrupting a sweep, and telling DENI kernels apart.
 */
import type { ISessionContext } from '@jupyterlab/apputils';
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import type { ISweepSpec } from '../../deni/contract/types';
import { DENI_KERNEL_NAME } from '../constants';

/** What a quiet execution printed or displayed. */
export interface IQuietResult {
  /** `ok`, `error` or `aborted` (from the execute reply). */
  status: string;
  /** Concatenated `stdout`/`stderr` stream text. */
  stream: string;
  /** MIME bundles of display_data / execute_result messages, in order. */
  bundles: Record<string, unknown>[];
  /** `ename: evalue` of an error, if any. */
  error: string | null;
}

/** The kernel name of a session (running kernel first, then the preference); null when unknown. */
export function kernelName(
  session: ISessionContext | null | undefined
): string | null {
  if (!session) {
    return null;
  }
  return session.session?.kernel?.name ?? session.kernelPreference.name ?? null;
}

/** True when the session runs (or will start) the DENI kernel. */
export function isDeniSession(
  session: ISessionContext | null | undefined
): boolean {
  return kernelName(session) === DENI_KERNEL_NAME;
}

/**
 * Execute `code` without touching the notebook: not stored in history, outputs only reach this
 * request. (`silent: true` would suppress the very outputs we need, so it is not used.) Rejects
 * after `timeoutMs` so a kernel busy with a sweep cannot hang the caller.
 */
export async function executeQuiet(
  kernel: Kernel.IKernelConnection,
  code: string,
  timeoutMs = 30_000
): Promise<IQuietResult> {
  const result: IQuietResult = {
    status: 'ok',
    stream: '',
    bundles: [],
    error: null
  };
  const future = kernel.requestExecute(
    {
      code,
      silent: false,
      store_history: false,
      allow_stdin: false,
      stop_on_error: false
    },
    true
  );
  future.onIOPub = (msg: KernelMessage.IIOPubMessage) => {
    const type = msg.header.msg_type;
    if (type === 'stream') {
      result.stream += (
        msg.content as KernelMessage.IStreamMsg['content']
      ).text;
    } else if (type === 'display_data' || type === 'execute_result') {
      result.bundles.push(
        (msg.content as KernelMessage.IDisplayDataMsg['content'])
          .data as Record<string, unknown>
      );
    } else if (type === 'error') {
      const c = msg.content as KernelMessage.IErrorMsg['content'];
      result.error = `${c.ename}: ${c.evalue}`;
    }
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new Error(
          `the kernel did not answer within ${Math.round(timeoutMs / 1000)} s (is it busy?)`
        )
      );
    }, timeoutMs);
  });
  try {
    const reply = await Promise.race([future.done, timeout]);
    result.status = reply.content.status;
    if (reply.content.status === 'error' && !result.error) {
      result.error = `${reply.content.ename}: ${reply.content.evalue}`;
    }
    return result;
  } finally {
    clearTimeout(timer);
    if (!future.isDisposed) {
      future.dispose();
    }
  }
}

/** Quote a magic argument for the kernel's shell-like splitter when it needs it. */
export function quoteArg(value: string): string {
  return /^[A-Za-z0-9._,:/=@+-]+$/.test(value)
    ? value
    : `"${value.replace(/(["\\])/g, '\\$1')}"`;
}

function asList<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Strategy names of a spec, whether written as names or `{ name, params }` entries. */
export function strategyNames(
  spec: Partial<ISweepSpec> | Record<string, unknown>
): string[] {
  return asList((spec as Record<string, unknown>).strategies as unknown)
    .map(s =>
      typeof s === 'string' ? s : String((s as { name?: unknown }).name ?? '')
    )
    .filter(s => s !== '');
}

/**
 * The `%deni plan` line for a spec: its strategies and budget (model-steps depend on nothing
 * else; the tuning method changes which tensors train, not how many steps run).
 */
export function planCommand(spec: Record<string, unknown>): string {
  const strategies = strategyNames(spec);
  if (strategies.length === 0) {
    throw new Error('The plan needs at least one strategy; none is selected.');
  }
  const parts = ['%deni plan', strategies.map(quoteArg).join(',')];
  const budget = (spec.budget ?? {}) as Record<string, unknown>;
  const flags: [string, string][] = [
    ['samples', 'samples'],
    ['epochs', 'epochs'],
    ['batchSize', 'batch']
  ];
  for (const [key, flag] of flags) {
    if (typeof budget[key] === 'number') {
      parts.push(`--${flag}`, String(budget[key]));
    }
  }
  // The sweep-wide DENI schedule reaches DENI, NI and DE (the kernel gives each strategy the
  // parameters it declares).
  if (spec.schedule === 'relative') {
    parts.push('--schedule', 'relative');
  }
  parts.push('--json');
  return parts.join(' ');
}

/** `%deni report <sweep>` (with the spec's store when it names one). */
export function reportCommand(sweep: string, store?: string): string {
  return `%deni report ${quoteArg(sweep)}${store ? ` --store ${quoteArg(store)}` : ''}`;
}

/** `%deni export <sweep>` (inline CSV; with the spec's store when it names one). */
export function exportCommand(sweep: string, store?: string): string {
  return `%deni export ${quoteArg(sweep)} --format csv${store ? ` --store ${quoteArg(store)}` : ''}`;
}

/** Interrupt the session's kernel; rejects with a readable error when there is none. */
export async function interruptSession(
  session: ISessionContext
): Promise<void> {
  const kernel = session.session?.kernel;
  if (!kernel) {
    throw new Error(
      `The notebook "${session.name}" has no running kernel to interrupt.`
    );
  }
  await kernel.interrupt();
}
