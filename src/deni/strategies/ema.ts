import { defineStrategy } from './define';
import { num, P } from './hyper-params';
import { stepAt } from './schedule';

/**
 * Extra strategy of the authors' code: exponential moving average of the weights (decay 0.999)
 * updated after every step, no warm-up (as the authors ran it); evaluates the average. With
 * `warmup` the decay is min(d, (1+n)/(10+n)) after n updates, so a short run is not dominated by
 * the random initial head.
 */
export const emaStrategy = defineStrategy(
  'ema',
  'exponential moving average of the weights (decay 0.999); evaluates the average',
  [
    {
      name: 'decay',
      type: 'number',
      default: 0.999,
      min: 0,
      max: 1,
      description: 'EMA decay'
    },
    {
      name: 'warmup',
      type: 'boolean',
      default: false,
      description:
        "decay warm-up min(decay, (1+n)/(10+n)) (not in the authors' code)"
    },
    P.frac('start', 0, 'first update (fraction of T)')
  ],
  {
    prediction: () => 'ema',
    // SWA's uniform mean becomes a decay, warmed up as min(d, (1 + n) / (10 + n)).
    averageKeep: p => {
      const d = num(p, 'decay');
      return count =>
        p.warmup === true ? Math.min(d, (1 + count) / (10 + count)) : d;
    },
    events: (p, T) => [
      {
        step: Math.max(1, stepAt(num(p, 'start'), T)),
        kind: 'ema-update',
        until: T,
        every: 1,
        models: 1
      }
    ]
  }
);
