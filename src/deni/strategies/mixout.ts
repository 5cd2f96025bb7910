import { defineStrategy } from './define';
import { num } from './hyper-params';

/**
 * PAPER.md baseline 6: the classifier head's weight becomes a mixout layer (p = 0.9) whose
 * target is its own initial weights; the dropout before the head is 0. Masks come from the
 * dropout stream.
 */
export const mixoutStrategy = defineStrategy(
  'mixout',
  'mixout (p 0.9) of the head towards its initial weights, head dropout 0',
  [
    {
      name: 'p',
      type: 'number',
      default: 0.9,
      greaterThan: 0,
      max: 0.999,
      description: 'probability of swapping a head weight for its initial value'
    }
  ],
  { headDropout: () => 0, headMixout: p => num(p, 'p') }
);
