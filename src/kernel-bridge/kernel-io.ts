/**
 * All kernel I/O: the ZeroMQ sockets of one kernel (shell, control, iopub, heartbeat, stdin),
 * signing, send queues and typed publish helpers. The kernel logic never touches a socket.
 */
import { Publisher, Reply, Router } from 'zeromq';
import { IConnectionInfo, endpoint } from './protocol/connection';
import {
  ChannelName,
  IErrorContent,
  IHeader,
  IMessage,
  JsonObject,
  MimeBundle
} from './protocol/messages';
import { WireError, decode, encode, makeHeader } from './protocol/wire';

/** Receives a decoded, verified request of one channel. */
export type RequestHandler = (
  channel: 'shell' | 'control',
  request: IMessage
) => Promise<void>;

/** Where diagnostics go (stderr by default; never stdout, which Jupyter shows in its log). */
export type Logger = (line: string) => void;

/** A socket whose sends are serialised (zeromq 6 allows one send in flight per socket). */
class SendQueue {
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly socket: { send(frames: Buffer[]): Promise<void> },
    private readonly log: Logger
  ) {}

  send(frames: Buffer[]): Promise<void> {
    const next = this.tail.then(() => this.socket.send(frames));
    this.tail = next.catch(err => {
      this.log(`send failed: ${(err as Error).message}`);
    });
    return this.tail;
  }
}

/** Options of {@link KernelIO}. */
export interface IKernelIOOptions {
  connection: IConnectionInfo;
  /** Session id stamped on every outgoing header. */
  session: string;
  log?: Logger;
}

/** The sockets of one kernel, bound to the ports of its connection file. */
export class KernelIO {
  readonly session: string;
  /** Count of incoming messages rejected (bad signature, malformed); tests read it. */
  rejected = 0;
  private readonly key: string;
  private readonly log: Logger;
  private readonly shell = new Router();
  private readonly control = new Router();
  private readonly stdin = new Router();
  private readonly iopub = new Publisher();
  private readonly hb = new Reply();
  private readonly queues: Record<
    'shell' | 'control' | 'stdin' | 'iopub',
    SendQueue
  >;
  private closed = false;

  constructor(private readonly options: IKernelIOOptions) {
    this.session = options.session;
    this.key = options.connection.key;
    this.log =
      options.log ?? (line => process.stderr.write(`[deni-kernel] ${line}\n`));
    for (const socket of [
      this.shell,
      this.control,
      this.stdin,
      this.iopub,
      this.hb
    ]) {
      // Pending messages must not keep a dying kernel alive.
      socket.linger = 0;
    }
    this.queues = {
      shell: new SendQueue(this.shell, this.log),
      control: new SendQueue(this.control, this.log),
      stdin: new SendQueue(this.stdin, this.log),
      iopub: new SendQueue(this.iopub, this.log)
    };
  }

  /** Binds every socket; resolves once all ports listen. */
  async bind(): Promise<void> {
    const c = this.options.connection;
    await Promise.all([
      this.shell.bind(endpoint(c, 'shell_port')),
      this.control.bind(endpoint(c, 'control_port')),
      this.stdin.bind(endpoint(c, 'stdin_port')),
      this.iopub.bind(endpoint(c, 'iopub_port')),
      this.hb.bind(endpoint(c, 'hb_port'))
    ]);
  }

  /**
   * Starts the receive loops. Shell requests are handled one at a time (execution order is the
   * notebook's order); control requests run beside them so interrupts reach a busy kernel.
   */
  listen(handler: RequestHandler): void {
    void this.heartbeat();
    void this.receive('shell', this.shell, handler);
    void this.receive('control', this.control, handler);
  }

  private async heartbeat(): Promise<void> {
    try {
      for await (const frames of this.hb) {
        await this.hb.send(frames);
      }
    } catch (err) {
      if (!this.closed) {
        this.log(`heartbeat stopped: ${(err as Error).message}`);
      }
    }
  }

  private async receive(
    channel: 'shell' | 'control',
    socket: Router,
    handler: RequestHandler
  ): Promise<void> {
    try {
      for await (const frames of socket) {
        let request: IMessage;
        try {
          request = decode(frames, this.key);
        } catch (err) {
          this.rejected += 1;
          this.log(
            `${channel}: ${err instanceof WireError ? err.message : String(err)} (message ignored)`
          );
          continue;
        }
        try {
          await handler(channel, request);
        } catch (err) {
          this.log(
            `${channel}: handler for ${request.header.msg_type} failed: ${String(err)}`
          );
        }
      }
    } catch (err) {
      if (!this.closed) {
        this.log(`${channel} receive loop stopped: ${(err as Error).message}`);
      }
    }
  }

  /** Sends a reply on the channel the request came from. */
  reply(
    channel: 'shell' | 'control' | 'stdin',
    request: IMessage,
    msgType: string,
    content: JsonObject,
    metadata: JsonObject = {}
  ): Promise<void> {
    return this.queues[channel].send(
      encode(
        {
          identities: request.identities,
          header: makeHeader(msgType, this.session, request.header.username),
          parent_header: request.header,
          metadata,
          content,
          buffers: []
        },
        this.key
      )
    );
  }

  /** Publishes one message on iopub; the topic is the message type, as ipykernel does. */
  publish(
    parent: IHeader | undefined,
    msgType: string,
    content: JsonObject,
    metadata: JsonObject = {}
  ): Promise<void> {
    return this.queues.iopub.send(
      encode(
        {
          identities: [Buffer.from(`kernel.${this.session}.${msgType}`)],
          header: makeHeader(msgType, this.session, parent?.username),
          parent_header: parent ?? {},
          metadata,
          content,
          buffers: []
        },
        this.key
      )
    );
  }

  /** `status` busy / idle / starting. */
  status(
    parent: IHeader | undefined,
    state: 'busy' | 'idle' | 'starting'
  ): Promise<void> {
    return this.publish(parent, 'status', { execution_state: state });
  }

  /** `stream` output (stdout or stderr). */
  stream(
    parent: IHeader | undefined,
    name: 'stdout' | 'stderr',
    text: string
  ): Promise<void> {
    return this.publish(parent, 'stream', { name, text });
  }

  /** `display_data`, or `update_display_data` when `update` is set (needs a display id). */
  display(
    parent: IHeader | undefined,
    data: MimeBundle,
    options: {
      displayId?: string;
      update?: boolean;
      metadata?: JsonObject;
    } = {}
  ): Promise<void> {
    const transient: JsonObject = options.displayId
      ? { display_id: options.displayId }
      : {};
    return this.publish(
      parent,
      options.update ? 'update_display_data' : 'display_data',
      {
        data,
        metadata: options.metadata ?? {},
        transient
      }
    );
  }

  /** `execute_result` of a cell. */
  executeResult(
    parent: IHeader,
    executionCount: number,
    data: MimeBundle,
    metadata: JsonObject = {}
  ): Promise<void> {
    return this.publish(parent, 'execute_result', {
      execution_count: executionCount,
      data,
      metadata
    });
  }

  /** iopub `error` of a cell. */
  error(parent: IHeader, content: IErrorContent): Promise<void> {
    return this.publish(parent, 'error', content);
  }

  /** Which channels are open (for diagnostics). */
  get channels(): ChannelName[] {
    return this.closed ? [] : ['shell', 'control', 'iopub', 'stdin', 'hb'];
  }

  /** Closes every socket; pending receives end. */
  close(): void {
    if (this.closed) {
      return;
    }
    this.closed = true;
    for (const socket of [
      this.shell,
      this.control,
      this.stdin,
      this.iopub,
      this.hb
    ]) {
      socket.close();
    }
  }
}
