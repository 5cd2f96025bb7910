import { defineStrategy } from './define';
import { NOISE_PARAMS, noiseEvents } from './noise-schedule';

/**
 * PAPER.md baseline 3: Gaussian noise on the input (word) embeddings of the step's forward pass,
 * every 25 steps inside 30-90 % of T; std = sqrt(s2 / t) x std(embeddings). An 'input-noise'
 * event at step s means the forward pass of step s is noisy.
 */
export const inputNoiseStrategy = defineStrategy(
  'input-noise',
  'Gaussian noise on input embeddings every 25 steps in 30-90 % of training',
  NOISE_PARAMS,
  { events: (p, T) => noiseEvents('input-noise', p, T) }
);
