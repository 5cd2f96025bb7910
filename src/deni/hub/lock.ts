import { mkdirSync } from 'node:fs';
import path from 'node:path';
import lockfile from 'proper-lockfile';

/**
 * A held cache lock, as `withCacheLock` hands it to its function. `lost` becomes the reason once
 * another process took the lock over (it looked stale to that process, e.g. while this one's event
 * loop was blocked for a minute): from then on the holder must stop writing files the lock guards,
 * such as a partial download that the other process may now be appending to.
 */
export interface ICacheLock {
  readonly lost?: Error;
}

/**
 * Runs `fn` holding a cross-process lock named `name` in `{cacheDir}/.locks` (proper-lockfile: an
 * atomic mkdir, refreshed while held and taken over when stale, so a process killed mid-download
 * never blocks the cache for good). Waits as long as another process holds it.
 */
export async function withCacheLock<T>(
  cacheDir: string,
  name: string,
  fn: (lock: ICacheLock) => Promise<T>,
  log?: (line: string) => void
): Promise<T> {
  const dir = path.join(cacheDir, '.locks');
  mkdirSync(dir, { recursive: true });
  const target = path.join(dir, name);
  let waiting = false;
  let release: (() => Promise<void>) | undefined;
  const held: { lost?: Error } = {};
  while (!release) {
    try {
      release = await lockfile.lock(target, {
        realpath: false,
        stale: 60_000,
        update: 10_000,
        onCompromised: e => {
          held.lost = e;
          log?.(
            `lock ${target}.lock was taken over (${e.message}); stopping any download under it`
          );
        }
      });
    } catch (e) {
      if ((e as { code?: string }).code !== 'ELOCKED') {
        throw e;
      }
      if (!waiting) {
        waiting = true;
        log?.(`waiting for another process that holds ${target}.lock`);
      }
      await new Promise(r => setTimeout(r, 200));
    }
  }
  try {
    return await fn(held);
  } finally {
    await release().catch(() => undefined);
  }
}
