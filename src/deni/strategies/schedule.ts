import type { IScheduleEvent } from '../contract/types';

/**
 * Step of a fraction of the run: round(fraction x T), within [0, T]. PAPER.md's windows
 * (30 %, 60 %, 90 %, 25 %) are fractions of T; at T = 1250 they are exact.
 */
export function stepAt(fraction: number, totalSteps: number): number {
  return Math.min(totalSteps, Math.max(0, Math.round(fraction * totalSteps)));
}

/**
 * Most events one schedule may list. A budget inside the schema (10 M samples, 1000 epochs,
 * batch 1: T = 10^10 steps) would otherwise ask for billions of events and exhaust memory; the
 * count is computed in closed form before anything is allocated.
 */
export const MAX_SCHEDULE_EVENTS = 100_000;

/** A schedule too long to list (the plan names the budget that makes it so). */
export class ScheduleTooLargeError extends RangeError {
  constructor(what: string, count: number, totalSteps: number) {
    super(
      `the ${what} schedule would list ${Math.round(count).toLocaleString('en')} events at T = ${totalSteps.toLocaleString('en')} steps ` +
        `(more than ${MAX_SCHEDULE_EVENTS.toLocaleString('en')}); lower samples or epochs, or raise the batch size`
    );
    this.name = 'ScheduleTooLargeError';
  }
}

/** Throws {@link ScheduleTooLargeError} when a schedule would list more than MAX_SCHEDULE_EVENTS events. */
export function checkCount(
  what: string,
  count: number,
  totalSteps: number
): void {
  if (count > MAX_SCHEDULE_EVENTS) {
    throw new ScheduleTooLargeError(what, count, totalSteps);
  }
}

/** Noise multiplier sqrt(s2 / t) (annealed by the current step t >= 1) or sqrt(s2). */
export function noiseMultiplier(
  s2: number,
  step: number,
  anneal: boolean
): number {
  return anneal ? Math.sqrt(s2 / Math.max(1, step)) : Math.sqrt(s2);
}

/** One noisy-interpolation cycle: copies made after step `open`, averaged after step `close`. */
export interface INiCycle {
  open: number;
  close: number;
}

/**
 * DENI's noisy-interpolation cycles (PAPER.md): a cycle opens at a step t inside the window
 * [round(start x T), round(end x T)) once `gap` single-model steps have passed since the last
 * cycle closed (or since the start of training), and lasts `cycle` steps. A cycle that would
 * not finish before `limit` (DE's start, or T) is not opened, so cycles never overlap DE.
 */
export function niCycles(
  totalSteps: number,
  o: { start: number; end: number; cycle: number; gap: number; limit: number }
): INiCycle[] {
  const first = Math.max(1, stepAt(o.start, totalSteps));
  const end = stepAt(o.end, totalSteps);
  // Closed form of "open once `gap` steps passed since the last close": the first cycle opens
  // at max(first, gap), the next ones every cycle + gap steps.
  const t0 = Math.max(first, o.gap);
  const period = o.cycle + o.gap;
  const lastOpen = Math.min(end - 1, o.limit - o.cycle);
  if (t0 > lastOpen) {
    return [];
  }
  if (period <= 0) {
    return [{ open: t0, close: t0 + o.cycle }];
  }
  const count = Math.floor((lastOpen - t0) / period) + 1;
  checkCount('noisy-interpolation', count, totalSteps);
  return Array.from({ length: count }, (_, k) => {
    const open = t0 + k * period;
    return { open, close: open + o.cycle };
  });
}

/** Events sorted by step, keeping the given order within a step. */
export function sortEvents(events: IScheduleEvent[]): IScheduleEvent[] {
  return events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.step - b.e.step || a.i - b.i)
    .map(x => x.e);
}
