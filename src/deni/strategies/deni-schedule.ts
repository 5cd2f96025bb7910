import { DENI_SCHEDULES, type DeniSchedule } from '../contract/strategies';
import type { IScheduleEvent } from '../contract/types';
import { num, P, str } from './hyper-params';
import { niCycles, noiseMultiplier, stepAt } from './schedule';
import type { IStrategyShape } from './build-plan';
import type { IParamSpec, ParamValue, StrategyParams } from './types';

/** T of the paper's budget (1,000 samples, 10 epochs, batch 8), for which its constants were set. */
export const PAPER_TOTAL_STEPS = 1250;

/** The paper's NI cycle and gap (125 steps) as a fraction of its T (10 %). */
export const PAPER_CYCLE_FRACTION = 125 / PAPER_TOTAL_STEPS;

const SCHEDULE_PARAM: IParamSpec = P.oneOf(
  'schedule',
  DENI_SCHEDULES,
  "paper: the paper's absolute constants (cycle = gap = 125 steps, NI noise sqrt(s2 / t)); " +
    "relative: cycle = gap = 10 % of T and NI noise sqrt(s2 / (t x 1250 / T)), the paper's " +
    'multipliers at the same fractions of training (explicit cycle/gap still override)'
);

/** DENI's delayed-ensemble parameters (PAPER.md). */
export const DE_PARAMS: IParamSpec[] = [
  P.K(),
  P.s2(),
  P.frac('deStart', 0.9, 'delayed ensemble starts at this fraction of T'),
  SCHEDULE_PARAM
];

/** DENI's noisy-interpolation parameters (PAPER.md). */
export const NI_PARAMS: IParamSpec[] = [
  P.K(),
  P.s2(),
  P.frac('niStart', 0.3, 'NI window start (fraction of T)'),
  P.frac('niEnd', 0.6, 'NI window end (fraction of T)'),
  P.int(
    'cycle',
    125,
    1,
    'steps the K models train together in one NI cycle (schedule relative: 10 % of T unless given)'
  ),
  P.int(
    'gap',
    125,
    0,
    'single-model steps between NI cycles, from the start of training (schedule relative: 10 % of T unless given)'
  ),
  SCHEDULE_PARAM
];

/** Both (DENI). */
export const DENI_PARAMS: IParamSpec[] = [
  ...NI_PARAMS.slice(0, -1),
  DE_PARAMS[2],
  SCHEDULE_PARAM
];

/** DENI's step constants for one run length, after the schedule and explicit overrides. */
export interface IDeniConstants {
  schedule: DeniSchedule;
  totalSteps: number;
  cycle: number;
  gap: number;
  /**
   * Step t -> the step the NI annealing divides by: t itself (paper) or t x 1250 / T (relative),
   * so the multiplier at a fraction of training equals the paper's at that fraction of 1,250 steps.
   */
  annealStep(t: number): number;
}

/**
 * The constants of a schedule at T steps. `relative` turns the paper's 125-step cycle and gap into
 * 10 % of T (at least 1 step) unless `cycle`/`gap` were given explicitly (`overrides`).
 */
export function deniConstants(
  p: StrategyParams,
  T: number,
  overrides: Record<string, ParamValue> = {}
): IDeniConstants {
  const schedule = str(p, 'schedule') as DeniSchedule;
  // DE alone has no cycle or gap.
  const given = (name: string, scaled: number): number =>
    typeof p[name] !== 'number'
      ? 0
      : schedule === 'paper' || name in overrides
        ? num(p, name)
        : scaled;
  const scaled = Math.max(1, Math.round(PAPER_CYCLE_FRACTION * T));
  return {
    schedule,
    totalSteps: T,
    cycle: given('cycle', scaled),
    gap: given('gap', scaled),
    annealStep: schedule === 'paper' ? t => t : t => (t * PAPER_TOTAL_STEPS) / T
  };
}

/** One line for `deni plan`: the constants a DENI-family plan used. */
export function describeDeniConstants(
  c: IDeniConstants,
  parts: { ni: boolean; de: boolean }
): string {
  const ni = parts.ni
    ? `NI cycle ${c.cycle} steps, gap ${c.gap} steps, noise sqrt(s2 / ${
        c.schedule === 'paper'
          ? 't'
          : `(t x ${PAPER_TOTAL_STEPS} / ${c.totalSteps})`
      }) x std(W)`
    : '';
  const de = parts.de ? 'DE noise sqrt(s2) x std(W)' : '';
  const scale =
    c.schedule === 'paper'
      ? "the paper's absolute constants"
      : `fractions of T = ${c.totalSteps} (cycle and gap 10 % of T unless given)`;
  return `schedule ${c.schedule} (${scale}): ${[ni, de].filter(Boolean).join('; ')}`;
}

/**
 * DENI's schedule (PAPER.md steps 2 and 3). NI cycle: after step `open`, K-1 copies, noise with
 * multiplier sqrt(s2 / open) (relative: sqrt(s2 / (open x 1250 / T))) on each, K models train to
 * `close`, then every parameter of the main model becomes the average of the K. DE: after step
 * round(deStart x T), K-1 copies with noise sqrt(s2), all K train to T and vote. A schedule that
 * fits no NI cycle or no DE step throws naming T and the constants.
 */
export function deniEvents(
  strategy: string,
  p: StrategyParams,
  T: number,
  parts: { ni: boolean; de: boolean },
  overrides: Record<string, ParamValue> = {}
): IScheduleEvent[] {
  const K = num(p, 'K');
  const s2 = num(p, 's2');
  const c = deniConstants(p, T, overrides);
  const events: IScheduleEvent[] = [];
  let limit = T;
  let deStep = 0;
  if (parts.de) {
    deStep = stepAt(num(p, 'deStart'), T);
    if (deStep < 1 || deStep >= T) {
      throw new RangeError(
        `strategy '${strategy}' (schedule ${c.schedule}): no delayed-ensemble step fits T = ${T}: ` +
          `it starts at step ${deStep} = round(deStart ${num(p, 'deStart')} x T), which must be in ` +
          '[1, T - 1]; raise the epochs or samples, or move deStart'
      );
    }
    limit = deStep;
  }
  if (parts.ni) {
    const niStart = num(p, 'niStart');
    const niEnd = num(p, 'niEnd');
    if (niEnd < niStart) {
      throw new RangeError(
        `strategy '${strategy}': niEnd (${niEnd}) must not be before niStart (${niStart})`
      );
    }
    const cycles = niCycles(T, {
      start: niStart,
      end: niEnd,
      cycle: c.cycle,
      gap: c.gap,
      limit
    });
    if (cycles.length === 0) {
      const first = Math.max(1, stepAt(niStart, T));
      const end = stepAt(niEnd, T);
      throw new RangeError(
        `strategy '${strategy}' (schedule ${c.schedule}): no noisy-interpolation cycle fits T = ${T}: ` +
          `a cycle of ${c.cycle} steps must open in steps [${first}, ${end}) (niStart ${niStart}, ` +
          `niEnd ${niEnd}) at least ${c.gap} steps (gap) after the start, and end by step ${limit}` +
          (parts.de
            ? ` (the delayed ensemble's start, deStart ${num(p, 'deStart')})`
            : ' (T)') +
          (c.schedule === 'paper'
            ? '; use schedule: relative (constants as fractions of T), or give a smaller cycle/gap'
            : '; give a smaller cycle/gap, or raise the epochs or samples')
      );
    }
    for (const cy of cycles) {
      events.push(
        { step: cy.open, kind: 'copies', models: K - 1 },
        {
          step: cy.open,
          kind: 'noise',
          multiplier: noiseMultiplier(s2, c.annealStep(cy.open), true),
          models: K - 1
        },
        { step: cy.close, kind: 'average', models: K }
      );
    }
  }
  if (parts.de) {
    events.push(
      { step: deStep, kind: 'copies', models: K - 1 },
      {
        step: deStep,
        kind: 'noise',
        multiplier: noiseMultiplier(s2, deStep, false),
        models: K - 1
      },
      { step: deStep, kind: 'ensemble-start', models: K }
    );
  }
  return events;
}

/** The plan shape of a DENI-family strategy: its events and the `deni plan` line on its constants. */
export function deniShape(
  strategy: string,
  parts: { ni: boolean; de: boolean }
): Required<Pick<IStrategyShape, 'events' | 'details' | 'effectiveParams'>> {
  return {
    effectiveParams: (p, T, o) => {
      const c = deniConstants(p, T, o);
      return parts.ni ? { ...p, cycle: c.cycle, gap: c.gap } : p;
    },
    events: (p, T, o) => deniEvents(strategy, p, T, parts, o),
    details: (p, T, o) => [describeDeniConstants(deniConstants(p, T, o), parts)]
  };
}
