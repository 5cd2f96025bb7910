import { defineStrategy } from './define';

/** PAPER.md baseline 1: plain fine-tuning as in the setting. */
export const defaultStrategy = defineStrategy(
  'default',
  'plain fine-tuning (Adam, linear decay, 10 epochs)',
  [],
  {}
);
