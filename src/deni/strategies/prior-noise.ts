import { defineStrategy } from './define';
import { num } from './hyper-params';

/**
 * Extra strategy, NoisyTune (Wu et al. 2022): once, before training, every trainable tensor W
 * gets uniform noise U(-lambda/2, lambda/2) x std(W) (lambda 0.15).
 */
export const priorNoiseStrategy = defineStrategy(
  'prior-noise',
  'NoisyTune: uniform noise (lambda 0.15) x std(W) on every trainable tensor before training',
  [
    {
      name: 'lambda',
      type: 'number',
      default: 0.15,
      greaterThan: 0,
      description: 'relative noise intensity'
    }
  ],
  {
    events: p => [
      { step: 0, kind: 'prior-noise', multiplier: num(p, 'lambda'), models: 1 }
    ]
  }
);
