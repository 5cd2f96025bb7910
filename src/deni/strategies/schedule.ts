import type { IScheduleEvent } from '../contract/types';

/**
 * Step of a fraction of the run: round(fraction x T), within [0, T]. PAPER.md's windows
 * (30 %, 60 %, 90 %, 25 %) are fractions of T; at T = 1250 they are exact.
 */
export function stepAt(fraction: number, totalSteps: number): number {
  return Math.min(totalSteps, Math.max(0, Math.round(fraction * totalSteps)));
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
  const out: INiCycle[] = [];
  let last = 0;
  for (let t = first; t < end; t++) {
    if (t - last >= o.gap && t + o.cycle <= o.limit) {
      out.push({ open: t, close: t + o.cycle });
      last = t + o.cycle;
      t = last - 1;
    }
  }
  return out;
}

/**
 * Steps of a periodic event inside [round(start x T), round(end x T)]: the first step of the
 * window (at least 1) and every `every` steps after it.
 */
export function periodicSteps(
  totalSteps: number,
  start: number,
  end: number,
  every: number
): number[] {
  const first = Math.max(1, stepAt(start, totalSteps));
  const last = stepAt(end, totalSteps);
  const out: number[] = [];
  for (let t = first; t <= last; t += every) {
    out.push(t);
  }
  return out;
}

/** Events sorted by step, keeping the given order within a step. */
export function sortEvents(events: IScheduleEvent[]): IScheduleEvent[] {
  return events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.step - b.e.step || a.i - b.i)
    .map(x => x.e);
}
