/**
 * The kernel's sidecar thread: the heartbeat and control sockets live in a worker thread, so
 * that they answer while a cell keeps the main thread busy (`while (true) {}` after an `await`,
 * where vm's breakOnSigint no longer applies). Control requests are forwarded to the main
 * thread, which acknowledges each on arrival; an interrupt or shutdown that a busy cell leaves
 * unacknowledged for {@link STUCK_MS} ends the cell's JavaScript with V8's terminateExecution
 * (through the inspector, as a debugger's "stop" does), after which the main thread handles the
 * request as usual: the cell fails with KeyboardInterrupt and the kernel keeps its state.
 */
import { Session } from 'node:inspector';
import { MessagePort, Worker } from 'node:worker_threads';
import { Reply, Router } from 'zeromq';
import { IConnectionInfo, endpoint } from './protocol/connection';
import { ReplayGuard } from './protocol/replay-guard';
import { decode } from './protocol/wire';

/** How long a busy main thread may leave an interrupt unacknowledged before each escalation. */
export const STUCK_MS = 500;

/** workerData of the sidecar thread. */
export interface ISidecarData {
  deniSidecar: { connection: IConnectionInfo; stuckMs?: number };
}

/** Messages main -> sidecar. */
type ToSidecar =
  | { kind: 'send'; frames: Uint8Array[] }
  | { kind: 'ack'; msgId: string }
  | { kind: 'cell'; running: boolean }
  | { kind: 'close' };

/** Messages sidecar -> main. */
type FromSidecar =
  | { kind: 'ready' }
  | { kind: 'failed'; message: string }
  | { kind: 'request'; msgId: string; frames: Uint8Array[] }
  | { kind: 'rejected'; message: string }
  | { kind: 'stopped-cell' }
  | { kind: 'closed' };

const toBuffers = (frames: Uint8Array[]): Buffer[] =>
  frames.map(f => Buffer.from(f.buffer, f.byteOffset, f.byteLength));

/** Whether workerData asks this thread to be the sidecar. */
export function isSidecarData(data: unknown): data is ISidecarData {
  return (
    typeof data === 'object' &&
    data !== null &&
    'deniSidecar' in data &&
    typeof (data as ISidecarData).deniSidecar === 'object'
  );
}

/** Ends the JavaScript the main thread is running now (it continues with its event loop). */
function terminateMainThread(): void {
  const session = new Session();
  session.connectToMainThread();
  session.post('Runtime.terminateExecution', () => session.disconnect());
}

/** The sidecar thread's body (called by main.ts in the worker). */
export async function runSidecar(
  data: ISidecarData,
  port: MessagePort
): Promise<void> {
  const { connection, stuckMs = STUCK_MS } = data.deniSidecar;
  const post = (m: FromSidecar): void => port.postMessage(m);
  const hb = new Reply();
  const control = new Router();
  hb.linger = 0;
  control.linger = 0;
  const guard = new ReplayGuard();
  const unacked = new Map<string, NodeJS.Timeout>();
  let cellRunning = false;
  let sending: Promise<void> = Promise.resolve();
  let closed = false;
  port.on('message', (m: ToSidecar) => {
    if (m.kind === 'send') {
      sending = sending
        .then(() => control.send(toBuffers(m.frames)))
        .catch(() => undefined);
    } else if (m.kind === 'ack') {
      clearTimeout(unacked.get(m.msgId));
      unacked.delete(m.msgId);
    } else if (m.kind === 'cell') {
      cellRunning = m.running;
    } else if (m.kind === 'close') {
      closed = true;
      for (const timer of unacked.values()) {
        clearTimeout(timer);
      }
      void sending.finally(() => {
        hb.close();
        control.close();
        post({ kind: 'closed' });
        port.close();
      });
    }
  });
  try {
    await Promise.all([
      hb.bind(endpoint(connection, 'hb_port')),
      control.bind(endpoint(connection, 'control_port'))
    ]);
  } catch (err) {
    post({ kind: 'failed', message: (err as Error).message });
    return;
  }
  post({ kind: 'ready' });
  void (async () => {
    try {
      for await (const frames of hb) {
        await hb.send(frames);
      }
    } catch {
      // closed
    }
  })();
  try {
    for await (const frames of control) {
      let msgId: string;
      let msgType: string;
      try {
        const msg = decode(frames, connection.key, guard);
        msgId = msg.header.msg_id;
        msgType = msg.header.msg_type;
      } catch (err) {
        post({ kind: 'rejected', message: (err as Error).message });
        continue;
      }
      if (
        cellRunning &&
        (msgType === 'interrupt_request' || msgType === 'shutdown_request')
      ) {
        // First a SIGINT: while the cell's synchronous part runs, vm's breakOnSigint stops it
        // cleanly. A loop after an `await` ignores that: then V8's terminateExecution.
        const escalate = (step: number): NodeJS.Timeout =>
          setTimeout(() => {
            if (!cellRunning || closed) {
              unacked.delete(msgId);
            } else if (step === 0) {
              process.kill(process.pid, 'SIGINT');
              unacked.set(msgId, escalate(1));
            } else {
              unacked.delete(msgId);
              terminateMainThread();
              post({ kind: 'stopped-cell' });
            }
          }, stuckMs);
        unacked.set(msgId, escalate(0));
      }
      post({
        kind: 'request',
        msgId,
        frames: frames.map(f => new Uint8Array(f))
      });
    }
  } catch {
    // closed
  }
}

/** The main thread's end of the sidecar: the control socket as frames in and out. */
export class Sidecar {
  private readonly worker: Worker;
  private readonly queue: Buffer[][] = [];
  private wake: (() => void) | undefined;
  private ended = false;
  private closing: Promise<void> | undefined;

  /**
   * Starts the sidecar thread from `script` (the kernel bundle, which runs {@link runSidecar}
   * when its workerData says so).
   */
  constructor(
    script: string,
    connection: IConnectionInfo,
    private readonly log: (line: string) => void,
    private readonly onStoppedCell: () => void = () => undefined,
    stuckMs?: number
  ) {
    const data: ISidecarData = { deniSidecar: { connection, stuckMs } };
    this.worker = new Worker(script, { workerData: data });
    this.worker.unref();
  }

  /** Resolves once both sockets are bound. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.worker.once('error', reject);
      this.worker.on('message', (m: FromSidecar) => {
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
          this.onStoppedCell();
        }
      });
    });
  }

  private post(m: ToSidecar): void {
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

  /** Closes the sidecar's sockets (the last replies are sent first) and ends the thread. */
  close(): Promise<void> {
    if (!this.closing) {
      this.closing = new Promise<void>(resolve => {
        const done = (): void => {
          this.ended = true;
          this.wake?.();
          void this.worker.terminate().finally(resolve);
        };
        const timer = setTimeout(done, 500);
        this.worker.on('message', (m: FromSidecar) => {
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
