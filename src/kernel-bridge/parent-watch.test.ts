/**
 * The parent watch's one definition of "parent gone", and what the sidecar thread does when a
 * kernel outlives its parent (on fake timers): terminate after a grace period, kill after
 * another, no termination once the main thread is stopping by itself. kernel.test.ts kills
 * real parents of real kernels.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  IWatchedParent,
  OrphanExit,
  parentGone,
  watchParent,
  watchedParent
} from './parent-watch';

const GRACE = 2000;

/** The pid of a process that has already exited (its pid is not reused within the test). */
function deadPid(): number {
  const pid = spawnSync(process.execPath, ['-e', '0']).pid;
  expect(pid).toBeGreaterThan(1);
  return pid as number;
}

function orphanExit(): { o: OrphanExit; steps: string[] } {
  const steps: string[] = [];
  const o = new OrphanExit(
    {
      terminate: () => steps.push('terminate'),
      kill: () => steps.push('kill')
    },
    GRACE
  );
  return { o, steps };
}

describe('parentGone', () => {
  it('holds for a dead parent and for a re-parented process, not for a live parent', () => {
    const here = watchedParent({});
    expect(here).toEqual({ pid: process.ppid, osParent: process.ppid });
    expect(parentGone(here)).toBe(false);
    expect(parentGone({ ...here, pid: deadPid() })).toBe(true);
    // A live pid, but the OS parent is no longer the one the watch started with.
    expect(parentGone({ pid: process.pid, osParent: process.ppid + 1 })).toBe(
      true
    );
  });

  it('takes JPY_PARENT_PID over the OS parent', () => {
    expect(watchedParent({ JPY_PARENT_PID: '4242' }).pid).toBe(4242);
    expect(watchedParent({ JPY_PARENT_PID: '1' }).pid).toBe(process.ppid);
  });
});

describe('watchParent', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('calls back once when the parent is gone, never while it lives', () => {
    const alive: IWatchedParent = { pid: process.pid, osParent: process.ppid };
    const dead: IWatchedParent = { pid: deadPid(), osParent: process.ppid };
    const calls: number[] = [];
    const stopAlive = watchParent(pid => calls.push(pid), {
      parent: alive,
      intervalMs: 100
    });
    watchParent(pid => calls.push(pid), { parent: dead, intervalMs: 100 });
    vi.advanceTimersByTime(1000);
    expect(calls).toEqual([dead.pid]);
    stopAlive();
  });
});

describe('OrphanExit', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('terminates the main thread after the grace period, then kills', () => {
    const { o, steps } = orphanExit();
    o.parentGone();
    vi.advanceTimersByTime(GRACE - 1);
    expect(steps).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(steps).toEqual(['terminate']);
    vi.advanceTimersByTime(GRACE - 1);
    expect(steps).toEqual(['terminate']);
    vi.advanceTimersByTime(1);
    expect(steps).toEqual(['terminate', 'kill']);
  });

  it('does nothing while the parent lives', () => {
    const { steps } = orphanExit();
    vi.advanceTimersByTime(10 * GRACE);
    expect(steps).toEqual([]);
  });

  it('starts one sequence however often it is told', () => {
    const { o, steps } = orphanExit();
    o.parentGone();
    vi.advanceTimersByTime(GRACE);
    o.parentGone();
    vi.advanceTimersByTime(10 * GRACE);
    expect(steps).toEqual(['terminate', 'kill']);
  });

  it('does not terminate a main thread that is closing the sidecar, but kills it if it stalls', () => {
    const { o, steps } = orphanExit();
    o.parentGone();
    vi.advanceTimersByTime(GRACE / 2);
    o.close();
    vi.advanceTimersByTime(GRACE / 2);
    expect(steps).toEqual([]);
    vi.advanceTimersByTime(GRACE);
    expect(steps).toEqual(['kill']);
  });
});
