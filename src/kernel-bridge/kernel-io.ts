/**
 * All kernel I/O: the ZeroMQ sockets of one kernel (shell, control, iopub, heartbeat, stdin),
 * signing, send queues and typed publish helpers. The kernel logic never touches a socket.
 */
import type { Publisher, Reply, Router } from 'zeromq';
import { ZeroMQModule, loadZeroMQ } from './load-zeromq';
import { IWatchedParent } from './parent-watch';
import { IConnectionInfo, endpoint } from './protocol/connection';
import {
  ChannelName,
  IErrorContent,
  IHeader,
  IMessage,
  JsonObject,
  MimeBundle
} from './protocol/messages';
import { ReplayGuard } from './protocol/replay-guard';
import { WireError, decode, encode, makeHeader } from './protocol/wire';
import { Sidecar } from './sidecar';

/** Receives a decoded, verified request of one channel. */
export type RequestHandler = (
  channel: 'shell' | 'control',
  request: IMessage
) => Promise<void>;

/** Where diagnostics go (stderr by default; never stdout, which Jupyter shows in its log). */
export type Logger = (line: string) => void;

/**
 * A socket whose sends are serialised (zeromq 6 allows one send in flight per socket). An
 * explicit queue rather than a promise chain: when a spinning cell is terminated, V8 drops the
 * pending microtasks, and a chain would then stall every later send; {@link recover} restarts
 * the drain loop.
 */
class SendQueue {
  private readonly queue: { frames: Buffer[]; done: () => void }[] = [];
  private draining = false;

  constructor(
    private readonly socket: { send(frames: Buffer[]): Promise<void> },
    private readonly log: Logger
  ) {}

  send(frames: Buffer[]): Promise<void> {
    return new Promise<void>(done => {
      this.queue.push({ frames, done });
      if (!this.draining) {
        void this.drain();
      }
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      for (let next = this.queue[0]; next; next = this.queue[0]) {
        try {
          await this.socket.send(next.frames);
        } catch (err) {
          this.log(`send failed: ${(err as Error).message}`);
        }
        this.queue.shift();
        next.done();
      }
    } finally {
      this.draining = false;
    }
  }

  /** Restarts draining after a terminated cell may have dropped the loop's continuation. */
  recover(): void {
    this.draining = false;
    if (this.queue.length > 0) {
      // The head may or may not have gone out; sending it again beats losing an `idle`.
      void this.drain();
    }
  }
}

/** Options of {@link KernelIO}. */
export interface IKernelIOOptions {
  connection: IConnectionInfo;
  /** Session id stamped on every outgoing header. */
  session: string;
  log?: Logger;
  /**
   * The kernel bundle, to run the heartbeat and control sockets in a sidecar process that
   * answers while a cell blocks the main thread (sidecar.ts). Without it (kernel run from
   * sources) both sockets live on the main thread.
   */
  sidecarScript?: string;
  /**
   * The kernel's parent, which the sidecar thread watches too: it keeps running while a cell
   * blocks the main thread, and ends a kernel that cannot act on the parent's death by itself
   * (parent-watch.ts). Ignored without a sidecar.
   */
  parent?: IWatchedParent;
  /** Called when the sidecar found the parent gone and stopped the main thread's JavaScript. */
  onParentGone?: (pid: number) => void;
}

/** Frames of a stream on the iopub socket before ZeroMQ drops messages (PUB never blocks). */
const IOPUB_HIGH_WATER_MARK = 100_000;

/** How a display is sent: its id, whether it updates an earlier one, its metadata. */
export interface IDisplayOptions {
  displayId?: string;
  update?: boolean;
  metadata?: JsonObject;
}

/** The sockets of one kernel, bound to the ports of its connection file. */
export class KernelIO {
  readonly session: string;
  /** Count of incoming messages rejected (bad signature, malformed); tests read it. */
  rejected = 0;
  private readonly key: string;
  private readonly log: Logger;
  private readonly shell: Router;
  private readonly control: Router | undefined;
  private readonly stdin: Router;
  private readonly iopub: Publisher;
  private readonly hb: Reply | undefined;
  private readonly sidecar: Sidecar | undefined;
  private readonly guard = new ReplayGuard();
  private readonly queues: Record<
    'shell' | 'control' | 'stdin' | 'iopub',
    SendQueue
  >;
  private closed = false;

  /** Loads zeromq (in this thread only, see load-zeromq.ts) and creates the sockets. */
  static async create(options: IKernelIOOptions): Promise<KernelIO> {
    return new KernelIO(options, await loadZeroMQ());
  }

  private constructor(
    private readonly options: IKernelIOOptions,
    zmq: ZeroMQModule
  ) {
    this.session = options.session;
    this.shell = new zmq.Router();
    this.stdin = new zmq.Router();
    this.iopub = new zmq.Publisher();
    this.key = options.connection.key;
    this.log =
      options.log ?? (line => process.stderr.write(`[deni-kernel] ${line}\n`));
    if (options.sidecarScript) {
      this.sidecar = new Sidecar(
        options.sidecarScript,
        options.connection,
        this.log,
        {
          onStoppedCell: () => this.recover(),
          onParentGone: options.onParentGone,
          parent: options.parent
        }
      );
    } else {
      this.control = new zmq.Router();
      this.hb = new zmq.Reply();
    }
    for (const socket of this.sockets()) {
      // Pending messages must not keep a dying kernel alive.
      socket.linger = 0;
    }
    // Status and output must not be dropped under a burst (kernel output is batched, so the
    // count stays far below this).
    this.iopub.sendHighWaterMark = IOPUB_HIGH_WATER_MARK;
    this.queues = {
      shell: new SendQueue(this.shell, this.log),
      control: new SendQueue(
        (this.control ?? this.sidecar) as { send(f: Buffer[]): Promise<void> },
        this.log
      ),
      stdin: new SendQueue(this.stdin, this.log),
      iopub: new SendQueue(this.iopub, this.log)
    };
  }

  private sockets(): (Router | Publisher | Reply)[] {
    return [this.shell, this.control, this.stdin, this.iopub, this.hb].filter(
      (s): s is Router | Publisher | Reply => s !== undefined
    );
  }

  /** Binds every socket; resolves once all ports listen. */
  async bind(): Promise<void> {
    const c = this.options.connection;
    await Promise.all([
      this.shell.bind(endpoint(c, 'shell_port')),
      this.control?.bind(endpoint(c, 'control_port')),
      this.stdin.bind(endpoint(c, 'stdin_port')),
      this.iopub.bind(endpoint(c, 'iopub_port')),
      this.hb?.bind(endpoint(c, 'hb_port')),
      this.sidecar?.start()
    ]);
  }

  /** After the sidecar terminated a cell: restart the send loops it may have stalled. */
  recover(): void {
    for (const queue of Object.values(this.queues)) {
      queue.recover();
    }
  }

  /** Tells the sidecar whether a code cell runs (it may then stop a cell that ignores interrupts). */
  cellRunning(running: boolean): void {
    this.sidecar?.cellRunning(running);
  }

  /**
   * Starts the receive loops. Shell requests are handled one at a time (execution order is the
   * notebook's order); control requests run beside them so interrupts reach a busy kernel.
   */
  listen(handler: RequestHandler): void {
    void this.heartbeat();
    void this.receive('shell', this.shell, handler);
    void this.receive(
      'control',
      this.control ?? (this.sidecar as Sidecar).frames(),
      handler
    );
  }

  private async heartbeat(): Promise<void> {
    const hb = this.hb;
    if (!hb) {
      return;
    }
    try {
      for await (const frames of hb) {
        await hb.send(frames);
      }
    } catch (err) {
      if (!this.closed) {
        this.log(`heartbeat stopped: ${(err as Error).message}`);
      }
    }
  }

  private async receive(
    channel: 'shell' | 'control',
    socket: AsyncIterable<Buffer[]>,
    handler: RequestHandler
  ): Promise<void> {
    try {
      for await (const frames of socket) {
        let request: IMessage;
        try {
          // Control requests were checked for replays by the sidecar already.
          request = decode(
            frames,
            this.key,
            channel === 'shell' || !this.sidecar ? this.guard : undefined
          );
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
    options: IDisplayOptions = {}
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

  /** Closes every socket (the sidecar's after its last sends); pending receives end. */
  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    for (const socket of this.sockets()) {
      socket.close();
    }
    await this.sidecar?.close();
  }
}
