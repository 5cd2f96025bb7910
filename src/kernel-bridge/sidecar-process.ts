/**
 * The sidecar process: owns the kernel's heartbeat and control sockets, so that zeromq runs in
 * the main thread of its own process and never in a worker thread (see sidecar-messages.ts). It
 * echoes heartbeats by itself and passes control frames to and from the sidecar thread that
 * forked it, unchanged: verifying them is that thread's job. It exits when told to close, after
 * its last sends, and when its IPC channel drops (the kernel process is gone).
 */
import type { Reply, Router } from 'zeromq';
import { loadZeroMQ } from './load-zeromq';
import { IConnectionInfo, endpoint } from './protocol/connection';
import {
  FromSidecarProcess,
  ToSidecarProcess,
  toBuffers
} from './sidecar-messages';

/** How long the last control replies (a shutdown_reply) may take to leave after close. */
const CLOSE_LINGER_MS = 1000;

interface ISockets {
  hb: Reply;
  control: Router;
}

/** Sends to the sidecar thread; `then` runs once the message is handed over (or cannot be). */
function post(m: FromSidecarProcess, then?: () => void): void {
  if (process.connected && process.send) {
    process.send(m, undefined, undefined, () => then?.());
  } else {
    then?.();
  }
}

/** Ends the IPC channel; with the sockets closed the process then exits by itself. */
function disconnect(): void {
  if (process.connected) {
    process.disconnect();
  }
  // A handle left open must not keep an orphaned sidecar alive.
  setTimeout(() => process.exit(0), CLOSE_LINGER_MS + 1000).unref();
}

async function open(
  connection: IConnectionInfo
): Promise<ISockets | undefined> {
  const { Reply, Router } = await loadZeroMQ();
  const hb = new Reply();
  const control = new Router();
  // Pending messages must not keep a sidecar alive whose kernel is gone.
  hb.linger = 0;
  control.linger = 0;
  try {
    await Promise.all([
      hb.bind(endpoint(connection, 'hb_port')),
      control.bind(endpoint(connection, 'control_port'))
    ]);
  } catch (err) {
    hb.close();
    control.close();
    post({ kind: 'failed', message: (err as Error).message }, disconnect);
    return undefined;
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
  void (async () => {
    try {
      for await (const frames of control) {
        post({ kind: 'request', frames });
      }
    } catch {
      // closed
    }
  })();
  return { hb, control };
}

/** The sidecar process's body (main.ts runs it when argv says so and an IPC channel exists). */
export function runSidecarProcess(): void {
  let sockets: Promise<ISockets | undefined> = Promise.resolve(undefined);
  // zeromq 6 allows one send in flight per socket.
  let sending: Promise<void> = Promise.resolve();
  let closing = false;
  // An interrupt is for the kernel's cell: a Ctrl-C in a terminal, or a SIGINT to the kernel's
  // process group, must not take the heartbeat down with it.
  process.on('SIGINT', () => undefined);
  process.on('disconnect', () => {
    if (!closing) {
      // The kernel died without closing us (SIGKILL, crash): nothing is left to answer for.
      process.exit(0);
    }
  });
  process.on('message', (m: ToSidecarProcess) => {
    if (m.kind === 'start') {
      sockets = open(m.connection);
    } else if (m.kind === 'send') {
      sending = sending
        .then(async () => {
          await (await sockets)?.control.send(toBuffers(m.frames));
        })
        .catch(() => undefined);
    } else if (m.kind === 'close' && !closing) {
      closing = true;
      void sending.then(async () => {
        const bound = await sockets;
        if (bound) {
          // The replies just queued (shutdown_reply) still go out; then the process ends.
          bound.control.linger = CLOSE_LINGER_MS;
          bound.hb.close();
          bound.control.close();
        }
        post({ kind: 'closed' }, disconnect);
      });
    }
  });
}
