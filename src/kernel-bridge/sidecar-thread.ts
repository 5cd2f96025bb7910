/**
 * The sidecar thread: a worker thread of the kernel process that never loads zeromq (see
 * sidecar-messages.ts). It forks the sidecar process, which owns the heartbeat and control
 * sockets, verifies each control request and hands it to the main thread, which acknowledges it
 * on arrival. Because the relay runs here, a cell that keeps the main thread busy never blocks
 * it, and an interrupt or shutdown that the main thread leaves unacknowledged is escalated
 * (escalation.ts): a SIGINT, then V8's terminateExecution through the inspector (as a debugger's
 * "stop" does), which only a thread of the kernel's own process can do. The main thread then
 * handles the request as usual: the cell fails with KeyboardInterrupt and the kernel keeps its
 * state.
 *
 * It also watches the kernel's parent (parent-watch.ts), because the main thread's own watch
 * never runs while a cell spins, and nobody sends an interrupt once Jupyter is gone. A kernel
 * that still runs {@link ORPHAN_GRACE_MS} after the parent's death gets its main thread's
 * JavaScript terminated and is told to stop (its usual stop path), and is killed with SIGKILL,
 * sidecar process first, if it still runs after another grace period (JavaScript blocked in
 * native code cannot be terminated). This thread rather than the sidecar process does it: only
 * a thread of the kernel's own process can terminate the main thread's JavaScript, and the
 * parent, including a re-parenting, is seen exactly as the main thread sees it.
 */
import { ChildProcess, fork } from 'node:child_process';
import { writeSync } from 'node:fs';
import { Session } from 'node:inspector';
import { MessagePort } from 'node:worker_threads';
import { Escalation } from './escalation';
import {
  IWatchedParent,
  ORPHAN_GRACE_MS,
  OrphanExit,
  watchParent
} from './parent-watch';
import { ReplayGuard } from './protocol/replay-guard';
import { decode } from './protocol/wire';
import {
  FromSidecarProcess,
  FromSidecarThread,
  ISidecarThreadData,
  SIDECAR_PROCESS_ARG,
  ToSidecarProcess,
  ToSidecarThread,
  toBuffers
} from './sidecar-messages';

/**
 * Ends the JavaScript the main thread is running now (it continues with its event loop);
 * `then` runs once it has ended (never, if the main thread is blocked outside JavaScript).
 */
function terminateMainThread(then?: () => void): void {
  const session = new Session();
  session.connectToMainThread();
  session.post('Runtime.terminateExecution', () => {
    session.disconnect();
    then?.();
  });
}

/**
 * Writes a diagnostic now. This thread's process.stderr is relayed by the main thread, which
 * may be the one that is stuck; fd 2 is the kernel's stderr.
 */
function logNow(line: string): void {
  try {
    writeSync(2, `[deni-kernel] ${line}\n`);
  } catch {
    // stderr closed: nothing to tell
  }
}

/**
 * Watches the kernel's parent from this thread, and ends the kernel if it outlives the parent
 * by more than a grace period (parent-watch.ts has the steps and their timing).
 */
function watchForOrphan(
  parent: IWatchedParent,
  child: ChildProcess,
  post: (m: FromSidecarThread) => void
): OrphanExit {
  const orphan = new OrphanExit({
    terminate: () => {
      logNow(
        `parent process ${parent.pid} is gone and the main thread did not act on its parent's death within ${ORPHAN_GRACE_MS} ms: terminating its JavaScript`
      );
      // The main thread is told only once its JavaScript has ended, so that the termination
      // cannot cut into the stop path it then runs.
      terminateMainThread(() => post({ kind: 'parent-gone', pid: parent.pid }));
    },
    kill: () => {
      logNow(
        `the kernel did not stop after its parent's death: killing the kernel (pid ${process.pid}) and its sidecar process`
      );
      child.kill('SIGKILL');
      process.kill(process.pid, 'SIGKILL');
    }
  });
  watchParent(() => orphan.parentGone(), { parent });
  return orphan;
}

/** The sidecar thread's body (main.ts runs it in the worker). */
export function runSidecarThread(
  data: ISidecarThreadData,
  port: MessagePort
): void {
  const { script, connection, stuckMs, parent } = data.deniSidecar;
  const post = (m: FromSidecarThread): void => port.postMessage(m);
  const child = fork(script, [SIDECAR_PROCESS_ARG], {
    // Frames (Uint8Arrays) cross the IPC channel as they are, not as JSON.
    serialization: 'advanced',
    // Its diagnostics go where the kernel's go.
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // The kernel's Node options (an inspector port, a heap limit) are not the sidecar's.
    execArgv: []
  });
  const toChild = (m: ToSidecarProcess): void => {
    if (child.connected) {
      child.send(m);
    }
  };
  const guard = new ReplayGuard();
  const escalation = new Escalation(
    {
      sigint: () => process.kill(process.pid, 'SIGINT'),
      terminate: () => {
        terminateMainThread();
        post({ kind: 'stopped-cell' });
      }
    },
    stuckMs
  );
  const orphan = parent && watchForOrphan(parent, child, post);
  let started = false;
  let closing = false;
  let closed = false;
  const reportClosed = (): void => {
    if (!closed) {
      closed = true;
      post({ kind: 'closed' });
    }
  };

  const onRequest = (frames: Uint8Array[]): void => {
    let msgId: string;
    let msgType: string;
    try {
      const msg = decode(toBuffers(frames), connection.key, guard);
      msgId = msg.header.msg_id;
      msgType = msg.header.msg_type;
    } catch (err) {
      post({ kind: 'rejected', message: (err as Error).message });
      return;
    }
    if (msgType === 'interrupt_request' || msgType === 'shutdown_request') {
      escalation.request(msgId);
    }
    post({ kind: 'request', msgId, frames });
  };

  child.on('message', (m: FromSidecarProcess) => {
    if (m.kind === 'ready') {
      started = true;
      post({ kind: 'ready' });
    } else if (m.kind === 'failed') {
      post({ kind: 'failed', message: m.message });
    } else if (m.kind === 'request') {
      onRequest(m.frames);
    } else if (m.kind === 'closed') {
      reportClosed();
    }
  });
  child.on('error', err => {
    post({
      kind: started ? 'lost' : 'failed',
      message: `sidecar process: ${err.message}`
    });
  });
  child.on('exit', (code, signal) => {
    if (closing) {
      reportClosed();
    } else {
      const message = `sidecar process exited (${signal ?? `code ${code}`})`;
      post({ kind: started ? 'lost' : 'failed', message });
    }
  });
  port.on('message', (m: ToSidecarThread) => {
    if (m.kind === 'send') {
      toChild({ kind: 'send', frames: m.frames });
    } else if (m.kind === 'ack') {
      escalation.ack(m.msgId);
    } else if (m.kind === 'cell') {
      escalation.cell(m.running);
    } else if (m.kind === 'close') {
      closing = true;
      escalation.close();
      orphan?.close();
      if (child.connected) {
        toChild({ kind: 'close' });
      } else {
        reportClosed();
      }
    }
  });
  // The key travels over IPC, not in argv or the environment, where other processes see it.
  toChild({ kind: 'start', connection });
}
