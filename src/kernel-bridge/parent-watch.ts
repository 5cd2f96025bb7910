/**
 * Exit when the process that started the kernel dies, so a kernel never outlives its Jupyter
 * server (an orphaned kernel keeps ports and pipes open).
 */

/** The pid to watch: JPY_PARENT_PID (set by jupyter_client) or the OS parent. */
export function parentPid(env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.JPY_PARENT_PID);
  return Number.isInteger(fromEnv) && fromEnv > 1 ? fromEnv : process.ppid;
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
 * Polls the parent every `intervalMs`; calls `onDeath` once when it is gone or when this
 * process was re-parented (the OS parent changed). Returns a function that stops watching.
 */
export function watchParent(
  onDeath: (pid: number) => void,
  options: { pid?: number; intervalMs?: number } = {}
): () => void {
  const pid = options.pid ?? parentPid();
  const osParent = process.ppid;
  const timer = setInterval(() => {
    if (!isAlive(pid) || process.ppid !== osParent) {
      clearInterval(timer);
      onDeath(pid);
    }
  }, options.intervalMs ?? 1000);
  // The sockets keep the kernel alive; the watch alone must not.
  timer.unref();
  return () => clearInterval(timer);
}
