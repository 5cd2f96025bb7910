/**
 * The messages of the kernel's sidecar, which keeps heartbeat and control answering while a cell
 * blocks the kernel's main thread. It has two parts, and nothing here loads zeromq:
 *
 *   kernel main thread  <-- MessagePort -->  sidecar thread  <-- IPC -->  sidecar process
 *   (sidecar.ts)                              (sidecar-thread.ts)          (sidecar-process.ts)
 *
 * The sidecar process owns the heartbeat and control sockets: zeromq.js is not safe in worker
 * threads (zeromq.js#411; tearing down its second instance corrupted the heap, RELIABILITY.md),
 * so every ZeroMQ socket lives in the main thread of some process. The sidecar thread owns the
 * sidecar process, verifies control requests, relays them, and escalates an interrupt that a busy
 * cell does not acknowledge (SIGINT, then V8's terminateExecution, which only a thread of the
 * kernel's own process can do). It also watches the kernel's parent, and ends a kernel whose
 * busy main thread cannot act on the parent's death (parent-watch.ts).
 */
import { IWatchedParent } from './parent-watch';
import { IConnectionInfo } from './protocol/connection';

/** argv[2] of the sidecar process (the kernel bundle forked by the sidecar thread). */
export const SIDECAR_PROCESS_ARG = '--deni-sidecar-process';

/** workerData of the sidecar thread. */
export interface ISidecarThreadData {
  deniSidecar: {
    /** The kernel bundle, forked as the sidecar process. */
    script: string;
    connection: IConnectionInfo;
    stuckMs?: number;
    /** The kernel's parent: when it is gone and the kernel stays, the thread ends the kernel. */
    parent?: IWatchedParent;
  };
}

/** Whether workerData asks this thread to be the sidecar thread. */
export function isSidecarThreadData(data: unknown): data is ISidecarThreadData {
  return (
    typeof data === 'object' &&
    data !== null &&
    'deniSidecar' in data &&
    typeof (data as ISidecarThreadData).deniSidecar === 'object'
  );
}

/** Kernel main thread -> sidecar thread. */
export type ToSidecarThread =
  | { kind: 'send'; frames: Uint8Array[] }
  | { kind: 'ack'; msgId: string }
  | { kind: 'cell'; running: boolean }
  | { kind: 'close' };

/** Sidecar thread -> kernel main thread. */
export type FromSidecarThread =
  | { kind: 'ready' }
  | { kind: 'failed'; message: string }
  | { kind: 'request'; msgId: string; frames: Uint8Array[] }
  | { kind: 'rejected'; message: string }
  | { kind: 'stopped-cell' }
  | { kind: 'parent-gone'; pid: number }
  | { kind: 'lost'; message: string }
  | { kind: 'closed' };

/** Sidecar thread -> sidecar process. */
export type ToSidecarProcess =
  | { kind: 'start'; connection: IConnectionInfo }
  | { kind: 'send'; frames: Uint8Array[] }
  | { kind: 'close' };

/** Sidecar process -> sidecar thread. */
export type FromSidecarProcess =
  | { kind: 'ready' }
  | { kind: 'failed'; message: string }
  | { kind: 'request'; frames: Uint8Array[] }
  | { kind: 'closed' };

/** Frames as Buffers again (a structured clone turns a Buffer into a plain Uint8Array). */
export const toBuffers = (frames: Uint8Array[]): Buffer[] =>
  frames.map(f => Buffer.from(f.buffer, f.byteOffset, f.byteLength));
