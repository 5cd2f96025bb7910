import type { IScheduleEvent } from '../contract/types';
import { num, P } from './hyper-params';
import { niCycles, noiseMultiplier, stepAt } from './schedule';
import type { IParamSpec, StrategyParams } from './types';

/** DENI's delayed-ensemble parameters (PAPER.md). */
export const DE_PARAMS: IParamSpec[] = [
  P.K(),
  P.s2(),
  P.frac('deStart', 0.9, 'delayed ensemble starts at this fraction of T')
];

/** DENI's noisy-interpolation parameters (PAPER.md). */
export const NI_PARAMS: IParamSpec[] = [
  P.K(),
  P.s2(),
  P.frac('niStart', 0.3, 'NI window start (fraction of T)'),
  P.frac('niEnd', 0.6, 'NI window end (fraction of T)'),
  P.int('cycle', 125, 1, 'steps the K models train together in one NI cycle'),
  P.int(
    'gap',
    125,
    0,
    'single-model steps between NI cycles (from the start of training)'
  )
];

/** Both (DENI). */
export const DENI_PARAMS: IParamSpec[] = [...NI_PARAMS, DE_PARAMS[2]];

/**
 * DENI's schedule (PAPER.md steps 2 and 3). NI cycle: after step `open`, K-1 copies, noise with
 * multiplier sqrt(s2 / open) on each, K models train to `close`, then every parameter of the
 * main model becomes the average of the K. DE: after step round(deStart x T), K-1 copies with
 * noise sqrt(s2), all K train to T and vote.
 */
export function deniEvents(
  strategy: string,
  p: StrategyParams,
  T: number,
  parts: { ni: boolean; de: boolean }
): IScheduleEvent[] {
  const K = num(p, 'K');
  const s2 = num(p, 's2');
  const events: IScheduleEvent[] = [];
  let limit = T;
  let deStep = 0;
  if (parts.de) {
    deStep = stepAt(num(p, 'deStart'), T);
    if (deStep < 1 || deStep >= T) {
      throw new RangeError(
        `strategy '${strategy}': the delayed ensemble starts at step ${deStep} of ${T} ` +
          '(round(deStart x T)); it must be in [1, T - 1]: raise the epochs or move deStart'
      );
    }
    limit = deStep;
  }
  if (parts.ni) {
    if (num(p, 'niEnd') < num(p, 'niStart')) {
      throw new RangeError(
        `strategy '${strategy}': niEnd (${num(p, 'niEnd')}) must not be before niStart (${num(p, 'niStart')})`
      );
    }
    const cycles = niCycles(T, {
      start: num(p, 'niStart'),
      end: num(p, 'niEnd'),
      cycle: num(p, 'cycle'),
      gap: num(p, 'gap'),
      limit
    });
    for (const c of cycles) {
      events.push(
        { step: c.open, kind: 'copies', models: K - 1 },
        {
          step: c.open,
          kind: 'noise',
          multiplier: noiseMultiplier(s2, c.open, true),
          models: K - 1
        },
        { step: c.close, kind: 'average', models: K }
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
