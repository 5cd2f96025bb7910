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
 */
import { fork } from 'node:child_process';
import { Session } from 'node:inspector';
import { MessagePort } from 'node:worker_threads';
import { Escalation } from './escalation';
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

/** Ends the JavaScript the main thread is running now (it continues with its event loop). */
function terminateMainThread(): void {
  const session = new Session();
  session.connectToMainThread();
  session.post('Runtime.terminateExecution', () => session.disconnect());
}

/** The sidecar thread's body (main.ts runs it in the worker). */
export function runSidecarThread(
  data: ISidecarThreadData,
  port: MessagePort
): void {
  const { script, connection, stuckMs } = data.deniSidecar;
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
