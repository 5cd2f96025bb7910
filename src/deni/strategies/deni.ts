import { defineStrategy } from './define';
import { DENI_PARAMS, deniShape } from './deni-schedule';

/** DENI (PAPER.md): noisy interpolation in 30-60 % of T, delayed ensemble from 90 %, vote of K. */
export const deniStrategy = defineStrategy(
  'deni',
  'delayed ensemble with noisy interpolation (K 10, s2 0.15, NI 30-60 %, DE 90 %)',
  DENI_PARAMS,
  {
    ...deniShape('deni', { ni: true, de: true })
  }
);
