import { defineStrategy } from './define';
import { noiseEvents, WEIGHT_NOISE_PARAMS } from './noise-schedule';

/**
 * PAPER.md baseline 4: the input-noise schedule; on a noisy step t, N(0, 1) x sqrt(s2 / t) x
 * std(W) goes permanently into the selected weights (the classifier for full fine-tuning, all
 * trainable tensors for PEFT), then a normal training step is taken.
 */
export const weightNoiseStrategy = defineStrategy(
  'weight-noise',
  'noise sqrt(s2 / t) x std(W) into the selected weights before every 27th step in 30-90 % of training',
  WEIGHT_NOISE_PARAMS,
  { events: (p, T) => noiseEvents('weight-noise', p, T) }
);
