import type { StrategyName } from '../contract/types';
import { allDataStrategy } from './all-data';
import { augmentStrategy } from './augment';
import { bestPracticesStrategy } from './best-practices';
import { deStrategy } from './de';
import { defaultStrategy } from './default';
import { deniStrategy } from './deni';
import { deniAugmentStrategy } from './deni-augment';
import { emaStrategy } from './ema';
import { ensembleStrategy } from './ensemble';
import { inputNoiseStrategy } from './input-noise';
import { mixoutStrategy } from './mixout';
import { niStrategy } from './ni';
import { priorNoiseStrategy } from './prior-noise';
import { swaStrategy } from './swa';
import type { IStrategy } from './types';
import { weightNoiseStrategy } from './weight-noise';

const STRATEGIES: readonly IStrategy[] = [
  defaultStrategy,
  ensembleStrategy,
  inputNoiseStrategy,
  weightNoiseStrategy,
  swaStrategy,
  mixoutStrategy,
  bestPracticesStrategy,
  augmentStrategy,
  allDataStrategy,
  deStrategy,
  niStrategy,
  deniStrategy,
  deniAugmentStrategy,
  emaStrategy,
  priorNoiseStrategy
];

/** Every strategy, in PAPER.md order (baselines, DENI and its ablations, then the extras). */
export function listStrategies(): readonly IStrategy[] {
  return STRATEGIES;
}

/** The strategy of a name; an unknown name throws listing the valid ones. */
export function getStrategy(name: string): IStrategy {
  const s = STRATEGIES.find(x => x.name === name);
  if (!s) {
    throw new RangeError(
      `unknown strategy '${name}' (valid: ${STRATEGIES.map(x => x.name).join(', ')})`
    );
  }
  return s;
}

/** Whether a string names a strategy. */
export function isStrategyName(name: string): name is StrategyName {
  return STRATEGIES.some(x => x.name === name);
}
