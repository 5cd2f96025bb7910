import { ADAMW_DEFAULTS } from '../train';
import { defineStrategy } from './define';
import { num, P } from './hyper-params';

/**
 * PAPER.md baseline 7: twice the epochs (20), AdamW, warm-up over 10 % of steps, linear decay.
 * The authors' code passes weight decay 0 whenever a schedule is set, so 0 is the default.
 */
export const bestPracticesStrategy = defineStrategy(
  'best-practices',
  '2x epochs, AdamW (weight decay 0, as the authors ran it), 10 % linear warm-up then linear decay',
  [
    {
      name: 'epochFactor',
      type: 'number',
      default: 2,
      greaterThan: 0,
      description: 'epochs = round(factor x budget epochs)'
    },
    P.frac('warmup', 0.1, 'warm-up fraction of the steps'),
    {
      name: 'weightDecay',
      type: 'number',
      default: 0,
      min: 0,
      description:
        "AdamW decoupled weight decay (the authors' effective value 0; PyTorch's default 0.01)"
    }
  ],
  {
    epochs: (p, e) => Math.max(1, Math.round(num(p, 'epochFactor') * e)),
    optimizer: p => ({ ...ADAMW_DEFAULTS, weightDecay: num(p, 'weightDecay') }),
    warmup: p => num(p, 'warmup')
  }
);
