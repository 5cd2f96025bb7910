import { defineStrategy } from './define';
import { DE_PARAMS, deniShape } from './deni-schedule';

/** DENI ablation: delayed ensemble alone (PAPER.md step 3 only). */
export const deStrategy = defineStrategy(
  'de',
  'delayed ensemble: K-1 noisy copies at 90 % of training, majority vote of K',
  DE_PARAMS,
  {
    ...deniShape('de', { ni: false, de: true })
  }
);
