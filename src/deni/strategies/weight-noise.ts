import { defineStrategy } from './define';
import { NOISE_PARAMS, noiseEvents } from './noise-schedule';

/**
 * PAPER.md baseline 4: the input-noise schedule, but the noise goes once into the selected
 * weights (head for full fine-tuning, all trainable tensors for PEFT) after the step.
 */
export const weightNoiseStrategy = defineStrategy(
  'weight-noise',
  'Gaussian noise on the selected weights every 25 steps in 30-90 % of training',
  NOISE_PARAMS,
  { events: (p, T) => noiseEvents('weight-noise', p, T) }
);
