/** Starting a kernel process: sockets, kernel, signals, parent watch, uncaught errors. */
import { randomUUID } from 'node:crypto';
import { IDeniEngine } from './engine-types';
import { DeniKernel } from './kernel';
import { KernelIO } from './kernel-io';
import { watchParent, watchedParent } from './parent-watch';
import { readConnectionFile } from './protocol/connection';

/** A started kernel (for embedding and tests). */
export interface IStartedKernel {
  kernel: DeniKernel;
  io: KernelIO;
  /** Closes the sockets and exits the process with `code`. */
  stop(code: number): void;
}

const log = (line: string): void => {
  process.stderr.write(`[deni-kernel] ${line}\n`);
};

/** Starts the kernel on the ports of a connection file and wires process-level handlers. */
export async function startKernel(
  connectionFile: string,
  engine: IDeniEngine | Promise<IDeniEngine>,
  sidecarScript?: string
): Promise<IStartedKernel> {
  const connection = readConnectionFile(connectionFile);
  // Taken once, so that this thread and the sidecar thread watch the same parent.
  const parent = watchedParent();
  const io = await KernelIO.create({
    connection,
    session: randomUUID(),
    log,
    sidecarScript,
    parent,
    // The sidecar thread's watch, for a main thread that was too busy to run its own.
    onParentGone: pid => onParentGone(pid)
  });
  let stopping = false;
  const stop = (code: number): void => {
    if (stopping) {
      return;
    }
    stopping = true;
    // Give ZeroMQ a moment to hand the last reply to the OS before the process ends.
    const exit = (): void => {
      setTimeout(() => process.exit(code), 50).unref();
    };
    io.close().then(exit, exit);
  };
  const kernel = new DeniKernel(io, engine, {
    log,
    onShutdown: () => stop(0),
    onCell: running => io.cellRunning(running)
  });
  process.on('uncaughtException', err => kernel.reportStrayError(err));
  process.on('unhandledRejection', err => kernel.reportStrayError(err));
  process.on('SIGINT', () => {
    if (!kernel.interrupt()) {
      log('SIGINT with nothing running (ignored)');
    }
  });
  process.on('SIGTERM', () => {
    log('SIGTERM: shutting down');
    kernel.interrupt();
    stop(0);
  });
  process.on('SIGHUP', () => stop(0));
  let orphaned = false;
  function onParentGone(pid: number): void {
    if (!orphaned) {
      orphaned = true;
      log(`parent process ${pid} is gone: exiting`);
      kernel.interrupt();
      stop(0);
    }
  }
  watchParent(onParentGone, { parent });
  await io.bind();
  io.listen((channel, request) => kernel.handle(channel, request));
  await io.status(undefined, 'starting');
  log(
    `listening (${connection.transport}://${connection.ip}, shell port ${connection.shell_port})`
  );
  return { kernel, io, stop };
}
