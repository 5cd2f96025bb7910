import { defineStrategy } from './define';
import { num, P } from './hyper-params';

/** PAPER.md baseline 2: K independent runs (own init, order, dropout), hard majority vote. */
export const ensembleStrategy = defineStrategy(
  'ensemble',
  'K independent fine-tuning runs (different init/order/dropout seeds), majority vote',
  [P.K()],
  { members: p => num(p, 'K'), prediction: () => 'vote' }
);
