import type { IScheduleEvent } from '../contract/types';
import { num, P, str } from './hyper-params';
import { checkCount, noiseMultiplier } from './schedule';
import type { IParamSpec, StrategyParams } from './types';

/** Schedule parameters of the noise-regularisation baselines (PAPER.md 3 and 4). */
const SCHEDULE_PARAMS: IParamSpec[] = [
  P.s2(),
  P.frac('start', 0.3, 'first noisy step: floor(start x T)'),
  P.frac('end', 0.9, 'no noisy step at or after end x T'),
  P.int(
    'clean',
    25,
    0,
    'a step is noisy once more than this many clean steps have passed since the previous noisy one (25: every 27th step)'
  )
];

/** How the input-noise baseline perturbs a noisy step. */
export const INPUT_NOISE_VARIANTS = ['pooled', 'embeddings'] as const;

/** Parameters of input noise (PAPER.md baseline 3). */
export const INPUT_NOISE_PARAMS: IParamSpec[] = [
  ...SCHEDULE_PARAMS,
  P.oneOf(
    'variant',
    INPUT_NOISE_VARIANTS,
    "pooled (the authors' code): N(0, s2) on the pooled representation, encoder without gradients on the step; " +
      'embeddings: N(0, 1) x sqrt(s2 / t) x std(embeddings) on the word embeddings, gradients through the encoder'
  )
];

/** Parameters of weight noise (PAPER.md baseline 4). */
export const WEIGHT_NOISE_PARAMS: IParamSpec[] = SCHEDULE_PARAMS;

/**
 * The noisy steps of PAPER.md baselines 3 and 4 as the authors' code runs them: inside
 * [start x T, end x T), the first at floor(start x T) (at least 1), then whenever more than
 * `clean` clean steps have passed since the previous noisy one (every clean + 2 steps: 375, 402,
 * 429, ... = 28 steps at T = 1,250).
 */
export function noisySteps(p: StrategyParams, T: number): number[] {
  const first = Math.max(1, Math.floor(num(p, 'start') * T));
  // The last step strictly before end x T; a noisy step every clean + 2 steps from the first.
  const last = Math.ceil(num(p, 'end') * T) - 1;
  const period = num(p, 'clean') + 2;
  if (last < first) {
    return [];
  }
  const count = Math.floor((last - first) / period) + 1;
  checkCount('noisy-step', count, T);
  return Array.from({ length: count }, (_, j) => first + j * period);
}

/**
 * Noise events of baseline 3 or 4; the event at step t means step t itself is noisy (weight
 * noise goes into the weights before its update). Input noise (pooled): multiplier sqrt(s2), the
 * std of N(0, s2); input noise (embeddings): sqrt(s2 / t) x std(embeddings); weight noise:
 * sqrt(s2 / t) x std(W).
 */
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
  const anneal = kind === 'weight-noise' || str(p, 'variant') === 'embeddings';
  const steps = noisySteps(p, T);
  if (steps.length === 0) {
    throw new RangeError(
      `strategy '${kind}': no noisy step fits T = ${T}: steps [floor(start ${num(p, 'start')} x T), ` +
        `end ${num(p, 'end')} x T) is empty; raise the epochs or samples, or widen start/end`
    );
  }
  return steps.map(step => ({
    step,
    kind,
    multiplier: noiseMultiplier(num(p, 's2'), step, anneal),
    models: 1
  }));
}
