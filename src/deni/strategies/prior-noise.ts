import { defineStrategy } from './define';
import { num, P, str } from './hyper-params';

/** How prior noise is drawn. */
export const PRIOR_NOISE_DISTRIBUTIONS = ['gaussian', 'uniform'] as const;

/**
 * Extra strategy of the authors' code: once, before training, every trainable tensor W gets
 * sqrt(s2) x std(W) x N(0, 1) (`gaussian`, the default); `uniform` is NoisyTune (Wu et al. 2022):
 * U(-lambda/2, lambda/2) x std(W).
 */
export const priorNoiseStrategy = defineStrategy(
  'prior-noise',
  'noise sqrt(s2) x std(W) x N(0, 1) on every trainable tensor before training (NoisyTune uniform as an option)',
  [
    P.oneOf(
      'distribution',
      PRIOR_NOISE_DISTRIBUTIONS,
      "gaussian (the authors' code): sqrt(s2) x std(W) x N(0, 1); uniform (NoisyTune): U(-lambda/2, lambda/2) x std(W)"
    ),
    P.s2(),
    {
      name: 'lambda',
      type: 'number',
      default: 0.15,
      greaterThan: 0,
      description: 'NoisyTune relative noise intensity (distribution uniform)'
    }
  ],
  {
    events: p => [
      {
        step: 0,
        kind: 'prior-noise',
        multiplier:
          str(p, 'distribution') === 'uniform'
            ? num(p, 'lambda')
            : Math.sqrt(num(p, 's2')),
        models: 1
      }
    ]
  }
);
