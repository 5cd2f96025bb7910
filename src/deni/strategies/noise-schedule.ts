import type { IScheduleEvent } from '../contract/types';
import { bool, num, P } from './hyper-params';
import { noiseMultiplier, periodicSteps } from './schedule';
import type { IParamSpec, StrategyParams } from './types';

/** Parameters of the noise-regularisation baselines (PAPER.md 3 and 4). */
export const NOISE_PARAMS: IParamSpec[] = [
  P.s2(),
  P.frac('start', 0.3, 'window start (fraction of T)'),
  P.frac('end', 0.9, 'window end (fraction of T)'),
  P.int('every', 25, 1, 'steps between noise injections'),
  {
    name: 'anneal',
    type: 'boolean',
    default: true,
    description: "scale noise by sqrt(s2 / t) as DENI's NI (false: sqrt(s2))"
  }
];

/** Noise events every `every` steps inside [start, end] of T, DENI's variance rule. */
export function noiseEvents(
  kind: 'input-noise' | 'weight-noise',
  p: StrategyParams,
  T: number
): IScheduleEvent[] {
  if (num(p, 'end') < num(p, 'start')) {
    throw new RangeError(
      `strategy '${kind}': end (${num(p, 'end')}) must not be before start (${num(p, 'start')})`
    );
  }
  return periodicSteps(T, num(p, 'start'), num(p, 'end'), num(p, 'every')).map(
    step => ({
      step,
      kind,
      multiplier: noiseMultiplier(num(p, 's2'), step, bool(p, 'anneal')),
      models: 1
    })
  );
}
