import { defineStrategy } from './define';
import { deniShape, NI_PARAMS } from './deni-schedule';

/** DENI ablation: noisy interpolation alone (PAPER.md step 2 only, single-model prediction). */
export const niStrategy = defineStrategy(
  'ni',
  'noisy interpolation: 125-step cycles of K noisy copies averaged back, in 30-60 % of training',
  NI_PARAMS,
  {
    ...deniShape('ni', { ni: true, de: false }),
    prediction: () => 'main'
  }
);
