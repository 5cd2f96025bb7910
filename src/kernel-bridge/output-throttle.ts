/**
 * Output policy between the kernel and its sockets: stream text is batched (one message per
 * stream every {@link FLUSH_MS}, as ipykernel does), consecutive updates of one display are
 * coalesced, and a cell's output is capped with a visible "output truncated" line. Status
 * messages pass straight through after the pending output, so `idle` is never lost or early.
 */
import type { IDisplayOptions, KernelIO } from './kernel-io';
import type {
  IErrorContent,
  IHeader,
  IMessage,
  JsonObject,
  MimeBundle
} from './protocol/messages';

/** What the throttle forwards to (KernelIO, or a recording double in tests). */
export type IOutputSink = Pick<
  KernelIO,
  | 'reply'
  | 'publish'
  | 'status'
  | 'stream'
  | 'display'
  | 'executeResult'
  | 'error'
>;

/** Milliseconds stream text waits for more before it is sent. */
export const FLUSH_MS = 50;

/** Limits of one request's output. */
export interface IOutputLimits {
  /** Characters of stream text (stdout + stderr) shown per cell. */
  streamChars: number;
  /** display_data messages per cell (updates of an existing display are not counted). */
  displays: number;
}

/** Default limits: about what JupyterLab renders without slowing down. */
export const DEFAULT_LIMITS: IOutputLimits = {
  streamChars: 1_000_000,
  displays: 1000
};

interface IPending {
  parent: IHeader | undefined;
  stdout: string;
  stderr: string;
  /** Latest update per display id, in first-update order. */
  updates: Map<string, { data: MimeBundle; metadata?: JsonObject }>;
}

interface IBudget {
  streamChars: number;
  displays: number;
  droppedChars: number;
  droppedDisplays: number;
  noticed: boolean;
}

const keyOf = (parent: IHeader | undefined): string => parent?.msg_id ?? '';

/** The transport the kernel talks to: batches, coalesces and caps output before the sink. */
export class OutputThrottle {
  private pending: IPending | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly budgets = new Map<string, IBudget>();

  constructor(
    private readonly sink: IOutputSink,
    private readonly limits: IOutputLimits = DEFAULT_LIMITS,
    private readonly flushMs = FLUSH_MS
  ) {}

  private budget(parent: IHeader | undefined): IBudget {
    const key = keyOf(parent);
    let b = this.budgets.get(key);
    if (!b) {
      b = {
        streamChars: this.limits.streamChars,
        displays: this.limits.displays,
        droppedChars: 0,
        droppedDisplays: 0,
        noticed: false
      };
      this.budgets.set(key, b);
      if (this.budgets.size > 64) {
        // Late output of long-finished requests: forget the oldest budget.
        this.budgets.delete(this.budgets.keys().next().value as string);
      }
    }
    return b;
  }

  private notice(): string {
    return `\n[output truncated: a cell shows at most ${this.limits.streamChars.toLocaleString('en')} characters and ${this.limits.displays} displays; the rest is not shown]\n`;
  }

  private buffer(parent: IHeader | undefined): IPending {
    if (this.pending && keyOf(this.pending.parent) !== keyOf(parent)) {
      void this.flush();
    }
    if (!this.pending) {
      this.pending = { parent, stdout: '', stderr: '', updates: new Map() };
    }
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref?.();
    }
    return this.pending;
  }

  /**
   * Both sends are queued synchronously, in order (the sink's queues keep that order); the
   * promise settles when both went out.
   */
  private after(first: Promise<void>, second: Promise<void>): Promise<void> {
    return Promise.all([first, second]).then(() => undefined);
  }

  /** Sends everything buffered now (order: stdout, stderr, display updates). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const p = this.pending;
    this.pending = undefined;
    if (!p) {
      return Promise.resolve();
    }
    const sends: Promise<void>[] = [];
    if (p.stdout) {
      sends.push(this.sink.stream(p.parent, 'stdout', p.stdout));
    }
    if (p.stderr) {
      sends.push(this.sink.stream(p.parent, 'stderr', p.stderr));
    }
    for (const [displayId, u] of p.updates) {
      sends.push(
        this.sink.display(p.parent, u.data, {
          displayId,
          update: true,
          metadata: u.metadata
        })
      );
    }
    return Promise.all(sends).then(() => undefined);
  }

  stream(
    parent: IHeader | undefined,
    name: 'stdout' | 'stderr',
    text: string
  ): Promise<void> {
    const b = this.budget(parent);
    let shown = text;
    if (text.length > b.streamChars) {
      shown = text.slice(0, b.streamChars);
      b.droppedChars += text.length - shown.length;
    }
    b.streamChars -= shown.length;
    const p = this.buffer(parent);
    p[name] += shown;
    if (b.droppedChars > 0 && !b.noticed) {
      b.noticed = true;
      p.stderr += this.notice();
    }
    return Promise.resolve();
  }

  display(
    parent: IHeader | undefined,
    data: MimeBundle,
    options: IDisplayOptions = {}
  ): Promise<void> {
    if (options.update && options.displayId) {
      // Only the latest state of a display matters: a progress bar updated 10,000 times in a
      // burst is one message.
      this.buffer(parent).updates.set(options.displayId, {
        data,
        metadata: options.metadata
      });
      return Promise.resolve();
    }
    const b = this.budget(parent);
    if (b.displays <= 0) {
      b.droppedDisplays += 1;
      if (!b.noticed) {
        b.noticed = true;
        this.buffer(parent).stderr += this.notice();
      }
      return Promise.resolve();
    }
    b.displays -= 1;
    const flushed = this.flush();
    return Promise.all([
      flushed,
      this.sink.display(parent, data, options)
    ]).then(() => undefined);
  }

  /** A reply, after the request's pending output. */
  reply(
    channel: 'shell' | 'control' | 'stdin',
    request: IMessage,
    msgType: string,
    content: JsonObject,
    metadata: JsonObject = {}
  ): Promise<void> {
    const flushed = channel === 'shell' ? this.flush() : Promise.resolve();
    return this.after(
      flushed,
      this.sink.reply(channel, request, msgType, content, metadata)
    );
  }

  publish(
    parent: IHeader | undefined,
    msgType: string,
    content: JsonObject,
    metadata: JsonObject = {}
  ): Promise<void> {
    return this.after(
      this.flush(),
      this.sink.publish(parent, msgType, content, metadata)
    );
  }

  /** Status after the pending output; `idle` also ends the request's output budget. */
  status(
    parent: IHeader | undefined,
    state: 'busy' | 'idle' | 'starting'
  ): Promise<void> {
    const flushed = this.flush();
    if (state === 'idle') {
      this.budgets.delete(keyOf(parent));
    }
    return this.after(flushed, this.sink.status(parent, state));
  }

  executeResult(
    parent: IHeader,
    executionCount: number,
    data: MimeBundle,
    metadata: JsonObject = {}
  ): Promise<void> {
    return this.after(
      this.flush(),
      this.sink.executeResult(parent, executionCount, data, metadata)
    );
  }

  error(parent: IHeader, content: IErrorContent): Promise<void> {
    return this.after(this.flush(), this.sink.error(parent, content));
  }
}
