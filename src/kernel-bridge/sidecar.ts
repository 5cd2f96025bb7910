/**
 * The kernel main thread's end of the sidecar (sidecar-messages.ts has the whole picture): the
 * heartbeat and control sockets live in a sidecar process, owned by a sidecar thread of this
 * process, so that they answer while a cell keeps the main thread busy and a cell that ignores an
 * interrupt can still be stopped (sidecar-thread.ts). Here the control socket is frames in and
 * out, and each request is acknowledged as soon as it arrives. The sidecar thread also watches
 * the kernel's parent, and ends a kernel whose busy main thread misses the parent's death.
 */
import { Worker } from 'node:worker_threads';
import { IWatchedParent } from './parent-watch';
import { IConnectionInfo } from './protocol/connection';
import {
  FromSidecarThread,
  ISidecarThreadData,
  ToSidecarThread,
  toBuffers
} from './sidecar-messages';

/** What the kernel's main thread wants from its sidecar besides the control socket. */
export interface ISidecarOptions {
  /** The sidecar terminated a cell that ignored an interrupt (send loops may need a restart). */
  onStoppedCell?: () => void;
  /**
   * The parent is gone and the main thread had not acted on it: the sidecar stopped the main
   * thread's JavaScript, and the kernel should now stop (it is killed if it does not).
   */
  onParentGone?: (pid: number) => void;
  /** The kernel's parent, for the sidecar thread's own watch; without it nothing is watched. */
  parent?: IWatchedParent;
  /** How long an interrupt may stay unacknowledged before each escalation (tests). */
  stuckMs?: number;
}

/** How long {@link Sidecar.close} waits for the sidecar to confirm before ending it anyway. */
const CLOSE_TIMEOUT_MS = 1000;

/** The main thread's end of the sidecar: the control socket as frames in and out. */
export class Sidecar {
  private readonly worker: Worker;
  private readonly queue: Buffer[][] = [];
  private wake: (() => void) | undefined;
  private ended = false;
  private closing: Promise<void> | undefined;

  /**
   * Starts the sidecar thread from `script` (the kernel bundle, which runs the sidecar thread
   * when its workerData says so, and the sidecar process when its argv says so).
   */
  constructor(
    script: string,
    connection: IConnectionInfo,
    private readonly log: (line: string) => void,
    private readonly options: ISidecarOptions = {}
  ) {
    const { stuckMs, parent } = options;
    const data: ISidecarThreadData = {
      deniSidecar: { script, connection, stuckMs, parent }
    };
    this.worker = new Worker(script, { workerData: data });
    this.worker.unref();
  }

  /** Resolves once both sockets are bound. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.worker.once('error', reject);
      this.worker.on('message', (m: FromSidecarThread) => {
        if (m.kind === 'ready') {
          resolve();
        } else if (m.kind === 'failed') {
          reject(new Error(`sidecar could not bind: ${m.message}`));
        } else if (m.kind === 'request') {
          this.post({ kind: 'ack', msgId: m.msgId });
          this.queue.push(toBuffers(m.frames));
          this.wake?.();
        } else if (m.kind === 'rejected') {
          this.log(`control: ${m.message} (message ignored)`);
        } else if (m.kind === 'stopped-cell') {
          this.log(
            'a cell did not yield to an interrupt: its JavaScript was terminated'
          );
          this.options.onStoppedCell?.();
        } else if (m.kind === 'parent-gone') {
          this.log(
            `parent process ${m.pid} is gone: the busy main thread was terminated`
          );
          // Termination may have stalled the send loops, as for a stopped cell.
          this.options.onStoppedCell?.();
          this.options.onParentGone?.(m.pid);
        } else if (m.kind === 'lost') {
          this.log(`${m.message}: heartbeat and control no longer answer`);
        }
      });
    });
  }

  private post(m: ToSidecarThread): void {
    if (!this.ended) {
      this.worker.postMessage(m);
    }
  }

  /** Tells the sidecar whether a cell runs (only a running cell is ever terminated). */
  cellRunning(running: boolean): void {
    this.post({ kind: 'cell', running });
  }

  /** Control requests, verified by the sidecar (the kernel decodes them again). */
  async *frames(): AsyncGenerator<Buffer[]> {
    while (!this.ended) {
      const next = this.queue.shift();
      if (next) {
        yield next;
        continue;
      }
      await new Promise<void>(resolve => (this.wake = resolve));
      this.wake = undefined;
    }
  }

  /** Sends frames on the control socket. */
  send(frames: Buffer[]): Promise<void> {
    this.post({ kind: 'send', frames });
    return Promise.resolve();
  }

  /**
   * Closes the sidecar's sockets (the last replies are sent first) and ends the thread; the
   * sidecar process then exits by itself.
   */
  close(): Promise<void> {
    if (!this.closing) {
      this.closing = new Promise<void>(resolve => {
        const done = (): void => {
          this.ended = true;
          this.wake?.();
          // No zeromq in this thread, so ending it is safe (the old abort came from there).
          void this.worker.terminate().finally(resolve);
        };
        const timer = setTimeout(done, CLOSE_TIMEOUT_MS);
        this.worker.on('message', (m: FromSidecarThread) => {
          if (m.kind === 'closed') {
            clearTimeout(timer);
            done();
          }
        });
        this.post({ kind: 'close' });
      });
    }
    return this.closing;
  }
}
