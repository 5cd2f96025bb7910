/**
 * Exit when the process that started the kernel dies, so a kernel never outlives its Jupyter
 * server (an orphaned kernel keeps ports and pipes open, and a spinning one burns a core).
 *
 * Two watches use the one definition of "parent gone" here: the kernel's main thread
 * ({@link watchParent} in start.ts), which stops the kernel the normal way, and, when the kernel
 * runs from its bundle, the sidecar thread, which keeps running while a cell blocks the main
 * thread and then ends the kernel itself ({@link OrphanExit}, sidecar-thread.ts).
 */

/** The process a kernel watches, fixed when the kernel starts. */
export interface IWatchedParent {
  /** JPY_PARENT_PID (set by jupyter_client) or the OS parent. */
  pid: number;
  /** The OS parent when the kernel started: a change means the kernel was re-parented. */
  osParent: number;
}

/** The pid to watch: JPY_PARENT_PID (set by jupyter_client) or the OS parent. */
export function parentPid(env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.JPY_PARENT_PID);
  return Number.isInteger(fromEnv) && fromEnv > 1 ? fromEnv : process.ppid;
}

/**
 * The parent to watch, as seen now. The kernel's main thread takes it once at start and hands
 * it to the sidecar thread, so both watch the same process from the same starting point.
 */
export function watchedParent(
  env: NodeJS.ProcessEnv = process.env
): IWatchedParent {
  return { pid: parentPid(env), osParent: process.ppid };
}

/** Whether a pid is alive (EPERM means alive but owned by someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the watched parent is gone: dead, or this process was re-parented (the OS parent
 * changed, so a reused pid cannot pass for the parent). `process.ppid` is read afresh on each
 * call, in worker threads too.
 */
export function parentGone(parent: IWatchedParent): boolean {
  return !isAlive(parent.pid) || process.ppid !== parent.osParent;
}

/**
 * Polls the parent every `intervalMs`; calls `onDeath` once when {@link parentGone}. The parent
 * is `options.parent`, else `options.pid` (or {@link parentPid}) with the current OS parent.
 * Returns a function that stops watching.
 */
export function watchParent(
  onDeath: (pid: number) => void,
  options: { pid?: number; parent?: IWatchedParent; intervalMs?: number } = {}
): () => void {
  const parent = options.parent ?? {
    pid: options.pid ?? parentPid(),
    osParent: process.ppid
  };
  const timer = setInterval(() => {
    if (parentGone(parent)) {
      clearInterval(timer);
      onDeath(parent.pid);
    }
  }, options.intervalMs ?? 1000);
  // The sockets keep the kernel alive; the watch alone must not.
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * How long the kernel's main thread gets to act on its parent's death before the sidecar
 * thread steps in, and again before it kills the kernel. The main thread's own watch polls
 * every second and then stops within about 0.1 s (at most ~1 s, the sidecar's close timeout).
 */
export const ORPHAN_GRACE_MS = 2000;

/** The steps of {@link OrphanExit} (the sidecar thread passes the real ones). */
export interface IOrphanExitSteps {
  /**
   * Stops the JavaScript the main thread runs (V8's terminateExecution) and tells it that the
   * parent is gone, so that it runs its usual stop path.
   */
  terminate(): void;
  /** Ends the sidecar process and the kernel process at once (SIGKILL). */
  kill(): void;
}

/**
 * What the sidecar thread does once the parent is gone and the kernel still runs: after
 * {@link ORPHAN_GRACE_MS} (the main thread's own watch should have ended the kernel, and with
 * it this thread, by then) it terminates the main thread's JavaScript so that the main thread
 * can stop the normal way; after another grace period it kills the kernel. When the main
 * thread has begun to close the sidecar, it is stopping already: only the kill remains, in
 * case it stalls.
 */
export class OrphanExit {
  private timer: NodeJS.Timeout | undefined;
  private closing = false;

  constructor(
    private readonly steps: IOrphanExitSteps,
    private readonly graceMs: number = ORPHAN_GRACE_MS
  ) {}

  /** The parent is gone (called once by the sidecar thread's {@link watchParent}). */
  parentGone(): void {
    if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        if (!this.closing) {
          this.steps.terminate();
        }
        this.timer = setTimeout(() => this.steps.kill(), this.graceMs);
      }, this.graceMs);
    }
  }

  /** The main thread asked the sidecar to close: it is stopping by itself. */
  close(): void {
    this.closing = true;
  }
}
