import { defineStrategy } from './define';
import { INPUT_NOISE_PARAMS, noiseEvents } from './noise-schedule';

/**
 * PAPER.md baseline 3 as the authors' code runs it: on each noisy step (from 30 % of T, every
 * 27th step, before 90 %) N(0, s2) is added to the pooled representation that feeds the
 * classifier and the encoder runs without gradients, so only the classifier learns on that step.
 * `variant: embeddings` keeps the earlier reading (annealed noise on the word embeddings).
 */
export const inputNoiseStrategy = defineStrategy(
  'input-noise',
  'N(0, s2) on the pooled representation, head-only step, every 27th step in 30-90 % of training',
  INPUT_NOISE_PARAMS,
  { events: (p, T) => noiseEvents('input-noise', p, T) }
);
