import { defineStrategy } from './define';
import { num, P } from './hyper-params';
import { stepAt } from './schedule';

/** PAPER.md baseline 5: SWA of the weights after every step from 25 % of T; evaluates the average. */
export const swaStrategy = defineStrategy(
  'swa',
  'stochastic weight averaging of every step from 25 % of training; evaluates the average',
  [P.frac('start', 0.25, 'first averaged step (fraction of T)')],
  {
    prediction: () => 'swa',
    events: (p, T) => [
      {
        step: Math.max(1, stepAt(num(p, 'start'), T)),
        kind: 'swa-update',
        until: T,
        every: 1,
        models: 1
      }
    ]
  }
);
