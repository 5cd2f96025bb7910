/**
 * The sidecar thread's escalation of unacknowledged interrupts, on fake timers: SIGINT, then
 * terminateExecution, only for a running cell, never after an acknowledgement or close.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Escalation } from './escalation';

const STUCK = 500;

function escalation(): { e: Escalation; steps: string[] } {
  const steps: string[] = [];
  const e = new Escalation(
    {
      sigint: () => steps.push('sigint'),
      terminate: () => steps.push('terminate')
    },
    STUCK
  );
  return { e, steps };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('Escalation', () => {
  it('sends SIGINT, then terminates, while a running cell leaves the request unacknowledged', () => {
    const { e, steps } = escalation();
    e.cell(true);
    e.request('a');
    vi.advanceTimersByTime(STUCK - 1);
    expect(steps).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(steps).toEqual(['sigint']);
    vi.advanceTimersByTime(STUCK);
    expect(steps).toEqual(['sigint', 'terminate']);
    vi.advanceTimersByTime(10 * STUCK);
    expect(steps).toEqual(['sigint', 'terminate']);
  });

  it('does nothing once the main thread acknowledges', () => {
    const { e, steps } = escalation();
    e.cell(true);
    e.request('a');
    vi.advanceTimersByTime(STUCK / 2);
    e.ack('a');
    vi.advanceTimersByTime(10 * STUCK);
    expect(steps).toEqual([]);
  });

  it('stops after SIGINT when the SIGINT ended the cell', () => {
    const { e, steps } = escalation();
    e.cell(true);
    e.request('a');
    vi.advanceTimersByTime(STUCK);
    e.cell(false);
    vi.advanceTimersByTime(10 * STUCK);
    expect(steps).toEqual(['sigint']);
  });

  it('stops a cell that starts after its interrupt arrived (the main thread was busy before it)', () => {
    const { e, steps } = escalation();
    e.request('a');
    vi.advanceTimersByTime(3 * STUCK);
    expect(steps).toEqual([]);
    e.cell(true);
    vi.advanceTimersByTime(STUCK);
    expect(steps).toEqual(['sigint']);
    vi.advanceTimersByTime(STUCK);
    expect(steps).toEqual(['sigint', 'terminate']);
  });

  it('never fires after close', () => {
    const { e, steps } = escalation();
    e.cell(true);
    e.request('a');
    e.close();
    e.request('b');
    vi.advanceTimersByTime(10 * STUCK);
    expect(steps).toEqual([]);
  });
});
