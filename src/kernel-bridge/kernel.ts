/**
 * The DENI kernel: dispatches Jupyter requests to handlers. Knows the protocol's semantics
 * (execution counts, busy/idle, errors as replies) but no sockets (kernel-io.ts) and no DOM.
 */
import ts from 'typescript';
import { inspect } from 'node:util';
import { complete, inspectAt, isComplete } from './completion';
import { IDeniEngine } from './engine-types';
import { History } from './history';
import { type IOutputSink, OutputThrottle } from './output-throttle';
import {
  ICellOutput,
  IKernelState,
  runLineMagic,
  runPlanCell,
  runSweepCell
} from './magics/run';
import { parseCell } from './magics/grammar';
import { hasInterpolation, interpolate } from './magics/interpolate';
import {
  ICompleteRequest,
  IErrorContent,
  IExecuteRequest,
  IHeader,
  IHistoryRequest,
  IInspectRequest,
  IMessage,
  JsonObject,
  MimeBundle,
  PROTOCOL_VERSION
} from './protocol/messages';
import { formatValue } from './repl/format';
import { ReplContext } from './repl/context';

/** Kernel implementation version (reported in kernel_info). */
export const KERNEL_VERSION = '0.1.0';

/** The subset of {@link KernelIO} the kernel uses (tests may pass a recording double). */
export type KernelTransport = IOutputSink;

/** The execution in progress. */
interface IRunning {
  parent: IHeader;
  abort: AbortController;
}

/** Options of {@link DeniKernel}. */
export interface IKernelOptions {
  /** Called after shutdown_request has been answered (main.ts closes sockets and exits). */
  onShutdown: (restart: boolean) => void;
  log?: (line: string) => void;
  /** Told when a code cell starts and stops running (the sidecar may stop a stuck one). */
  onCell?: (running: boolean) => void;
}

/** Reads a property of a thrown value; getters and proxies that throw read as undefined. */
function read(value: object, key: string): unknown {
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** String(value), or a placeholder when its conversion throws (hostile toString, proxies). */
function safeString(value: unknown, fallback: string): string {
  try {
    return String(value);
  } catch {
    return fallback;
  }
}

/**
 * Turns anything thrown into the three error fields, readable for a notebook user. Never throws:
 * a cell may throw an object whose `message` or `stack` getter throws, or a revoked proxy, and
 * its request must still get a reply.
 */
export function toErrorContent(err: unknown): IErrorContent {
  let isErrorLike = false;
  try {
    isErrorLike = typeof err === 'object' && err !== null && 'message' in err;
  } catch {
    isErrorLike = false;
  }
  if (isErrorLike) {
    const e = err as object;
    const name = read(e, 'name');
    const ename = typeof name === 'string' && name !== '' ? name : 'Error';
    const message = read(e, 'message');
    const evalue =
      message === undefined
        ? "(the error's message could not be read)"
        : safeString(
            message,
            "(the error's message could not be converted to text)"
          );
    const stack = read(e, 'stack');
    const lines = typeof stack === 'string' ? stack.split('\n') : [];
    // Keep the frames of the user's cells; kernel internals would only confuse.
    const frames = lines.filter(
      l => /^\s+at /.test(l) && /cell\[\d+\]/.test(l)
    );
    return { ename, evalue, traceback: [`${ename}: ${evalue}`, ...frames] };
  }
  let evalue: string;
  try {
    evalue = inspect(err, { depth: 2 });
  } catch {
    evalue = `a value of type ${typeof err} that cannot be shown`;
  }
  return {
    ename: 'Error',
    evalue: `non-error value thrown: ${evalue}`,
    traceback: [`thrown: ${evalue}`]
  };
}

/** One kernel process's state and request handlers. */
export class DeniKernel {
  private executionCount = 0;
  private readonly history = new History();
  /** The engine and the REPL context built on it, once the engine library has loaded. */
  private readonly ready: Promise<{ engine: IDeniEngine; repl: ReplContext }>;
  private running: IRunning | undefined;
  /** execute_requests sent before this time are aborted (stop_on_error after an error). */
  private abortBefore = 0;
  private readonly state: IKernelState = { version: KERNEL_VERSION };
  /** Parent of the latest execution: late asynchronous output is attributed to it. */
  private lastParent: IHeader | undefined;
  private readonly log: (line: string) => void;
  /** The transport behind the output policy (batched streams, capped output; output-throttle.ts). */
  private readonly io: OutputThrottle;

  constructor(
    io: KernelTransport,
    engine: IDeniEngine | Promise<IDeniEngine>,
    private readonly options: IKernelOptions
  ) {
    this.io = new OutputThrottle(io);
    this.log =
      options.log ?? (line => process.stderr.write(`[deni-kernel] ${line}\n`));
    this.ready = Promise.resolve(engine).then(loaded => ({
      engine: loaded,
      repl: new ReplContext(
        {
          stdout: text =>
            void this.io.stream(this.outputParent(), 'stdout', text),
          stderr: text =>
            void this.io.stream(this.outputParent(), 'stderr', text),
          display: (bundle, opts) =>
            void this.io.display(this.outputParent(), bundle, opts),
          clearOutput: wait =>
            void this.io.publish(this.outputParent(), 'clear_output', { wait })
        },
        loaded.api()
      )
    }));
  }

  private outputParent(): IHeader | undefined {
    return this.running?.parent ?? this.lastParent;
  }

  /** Reports an error that escaped every handler (an async callback of a cell) as stderr output. */
  reportStrayError(err: unknown): void {
    const content = toErrorContent(err);
    this.log(`uncaught: ${content.traceback.join('\n')}`);
    void this.io.stream(
      this.outputParent(),
      'stderr',
      `${content.traceback.join('\n')}\n`
    );
  }

  /** Stops the execution in progress (interrupt_request or SIGINT). */
  interrupt(): boolean {
    if (!this.running) {
      return false;
    }
    this.running.abort.abort();
    return true;
  }

  /** Entry point for every verified request. */
  async handle(channel: 'shell' | 'control', request: IMessage): Promise<void> {
    const type = request.header.msg_type;
    await this.io.status(request.header, 'busy');
    try {
      switch (type) {
        case 'kernel_info_request':
          await this.io.reply(
            channel,
            request,
            'kernel_info_reply',
            this.kernelInfo()
          );
          break;
        case 'execute_request':
          await this.execute(request as IMessage<IExecuteRequest>);
          break;
        case 'complete_request':
          await this.onComplete(request as IMessage<ICompleteRequest>);
          break;
        case 'inspect_request':
          await this.onInspect(request as IMessage<IInspectRequest>);
          break;
        case 'is_complete_request': {
          const code =
            typeof request.content.code === 'string'
              ? request.content.code
              : '';
          await this.io.reply(
            channel,
            request,
            'is_complete_reply',
            isComplete(code)
          );
          break;
        }
        case 'history_request':
          await this.io.reply(channel, request, 'history_reply', {
            status: 'ok',
            history: this.history.query(
              request.content as Partial<IHistoryRequest>
            )
          });
          break;
        case 'comm_info_request':
          await this.io.reply(channel, request, 'comm_info_reply', {
            status: 'ok',
            comms: {}
          });
          break;
        case 'comm_open':
          // No comm targets: tell the front end the comm is closed, as the protocol asks.
          await this.io.publish(request.header, 'comm_close', {
            comm_id: String(request.content.comm_id ?? ''),
            data: {}
          });
          break;
        case 'comm_msg':
        case 'comm_close':
          break;
        case 'interrupt_request':
          this.interrupt();
          await this.io.reply(channel, request, 'interrupt_reply', {
            status: 'ok'
          });
          break;
        case 'shutdown_request': {
          const restart = request.content.restart === true;
          this.interrupt();
          await this.io.reply(channel, request, 'shutdown_reply', {
            status: 'ok',
            restart
          });
          await this.io.status(request.header, 'idle');
          this.options.onShutdown(restart);
          return;
        }
        default:
          this.log(`${channel}: unsupported message type ${type} (ignored)`);
      }
    } finally {
      if (type !== 'shutdown_request') {
        await this.io.status(request.header, 'idle');
      }
    }
  }

  private kernelInfo(): JsonObject {
    return {
      status: 'ok',
      protocol_version: PROTOCOL_VERSION,
      implementation: 'deni',
      implementation_version: KERNEL_VERSION,
      language_info: {
        name: 'typescript',
        version: ts.version,
        mimetype: 'text/typescript',
        file_extension: '.ts',
        pygments_lexer: 'typescript',
        codemirror_mode: { name: 'javascript', typescript: true }
      },
      banner: `DENI kernel ${KERNEL_VERSION}: TypeScript on Node ${process.version} with %%deni magics (%deni help)`,
      help_links: [],
      debugger: false
    };
  }

  private async execute(request: IMessage<IExecuteRequest>): Promise<void> {
    const content = request.content;
    const code = typeof content.code === 'string' ? content.code : '';
    const silent = content.silent === true;
    const storeHistory = silent ? false : content.store_history !== false;
    const sentAt = Date.parse(request.header.date ?? '');
    if (Number.isFinite(sentAt) && sentAt < this.abortBefore) {
      await this.io.reply('shell', request, 'execute_reply', {
        status: 'aborted',
        execution_count: this.executionCount
      });
      return;
    }
    if (storeHistory) {
      this.executionCount += 1;
    }
    const count = this.executionCount;
    if (!silent) {
      await this.io.publish(request.header, 'execute_input', {
        code,
        execution_count: count
      });
    }
    const entry = storeHistory ? this.history.add(count, code) : undefined;
    const running: IRunning = {
      parent: request.header,
      abort: new AbortController()
    };
    this.running = running;
    this.lastParent = request.header;
    try {
      const result = await this.runCell(code, count, running, silent);
      if (result !== undefined && !silent) {
        await this.io.executeResult(request.header, count, result);
        if (entry) {
          const plain = result['text/plain'];
          entry.output = typeof plain === 'string' ? plain : null;
        }
      }
      await this.io.reply('shell', request, 'execute_reply', {
        status: 'ok',
        execution_count: count,
        payload: [],
        user_expressions: {}
      });
    } catch (err) {
      const error = toErrorContent(err);
      if (!silent) {
        await this.io.error(request.header, error);
      }
      if (content.stop_on_error !== false) {
        this.abortBefore = Date.now();
      }
      await this.io.reply('shell', request, 'execute_reply', {
        status: 'error',
        execution_count: count,
        ...error
      });
    } finally {
      this.options.onCell?.(false);
      if (this.running === running) {
        this.running = undefined;
      }
    }
  }

  private async runCell(
    code: string,
    count: number,
    running: IRunning,
    silent: boolean
  ): Promise<MimeBundle | undefined> {
    const parent = running.parent;
    const out: ICellOutput = {
      stdout: text => void this.io.stream(parent, 'stdout', text),
      stderr: text => void this.io.stream(parent, 'stderr', text),
      display: (bundle, opts) => {
        if (!silent) {
          void this.io.display(parent, bundle, opts ?? {});
        }
      },
      signal: running.abort.signal
    };
    const { engine, repl } = await this.ready;
    let cell = parseCell(code);
    if (cell.kind !== 'code' && hasInterpolation(code)) {
      cell = parseCell(interpolate(code, expr => repl.evaluate(expr)));
    }
    if (cell.kind === 'line') {
      for (const magic of cell.magics) {
        await runLineMagic(magic, engine, out, this.state);
      }
      return undefined;
    }
    if (cell.kind === 'cell') {
      if (cell.command === 'plan') {
        await runPlanCell(cell.body, cell.bodyLine, cell.args, engine, out);
        return undefined;
      }
      if (cell.command !== 'sweep') {
        throw new Error(
          `unknown cell magic %%deni ${cell.command}; cell magics: %%deni sweep, %%deni plan (see %deni help)`
        );
      }
      await runSweepCell(
        cell.body,
        cell.bodyLine,
        engine,
        out,
        this.state,
        cell.args
      );
      return undefined;
    }
    this.options.onCell?.(true);
    const value = await repl.run(code, `cell[${count}]`, running.abort.signal);
    return value === undefined ? undefined : formatValue(value);
  }

  private async onComplete(request: IMessage<ICompleteRequest>): Promise<void> {
    const code = String(request.content.code ?? '');
    const cursor =
      typeof request.content.cursor_pos === 'number'
        ? request.content.cursor_pos
        : code.length;
    let result = {
      matches: [] as string[],
      cursorStart: cursor,
      cursorEnd: cursor
    };
    try {
      result = complete(code, cursor, await this.ready);
    } catch (err) {
      this.log(`completion failed: ${String(err)}`);
    }
    await this.io.reply('shell', request, 'complete_reply', {
      status: 'ok',
      matches: result.matches,
      cursor_start: result.cursorStart,
      cursor_end: result.cursorEnd,
      metadata: {}
    });
  }

  private async onInspect(request: IMessage<IInspectRequest>): Promise<void> {
    const code = String(request.content.code ?? '');
    const cursor =
      typeof request.content.cursor_pos === 'number'
        ? request.content.cursor_pos
        : code.length;
    let data: MimeBundle | undefined;
    try {
      data = inspectAt(code, cursor, await this.ready);
    } catch (err) {
      this.log(`inspect failed: ${String(err)}`);
    }
    await this.io.reply('shell', request, 'inspect_reply', {
      status: 'ok',
      found: data !== undefined,
      data: data ?? {},
      metadata: {}
    });
  }
}
