import {
  isStrategyName,
  STRATEGY_NAMES,
  type StrategyName
} from '../contract/strategies';
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

/** Each strategy's module, keyed by its name in the contract's table (none may be missing). */
const BY_NAME: { readonly [N in StrategyName]: IStrategy } = {
  default: defaultStrategy,
  ensemble: ensembleStrategy,
  'input-noise': inputNoiseStrategy,
  'weight-noise': weightNoiseStrategy,
  swa: swaStrategy,
  mixout: mixoutStrategy,
  'best-practices': bestPracticesStrategy,
  augment: augmentStrategy,
  'all-data': allDataStrategy,
  de: deStrategy,
  ni: niStrategy,
  deni: deniStrategy,
  'deni-augment': deniAugmentStrategy,
  ema: emaStrategy,
  'prior-noise': priorNoiseStrategy
};

const STRATEGIES: readonly IStrategy[] = STRATEGY_NAMES.map(n => BY_NAME[n]);

export { isStrategyName };

/** Every strategy, in PAPER.md order (baselines, DENI and its ablations, then the extras). */
export function listStrategies(): readonly IStrategy[] {
  return STRATEGIES;
}

/** The strategy of a name; an unknown name throws listing the valid ones. */
export function getStrategy(name: string): IStrategy {
  if (!isStrategyName(name)) {
    throw new RangeError(
      `unknown strategy '${name}' (valid: ${STRATEGIES.map(x => x.name).join(', ')})`
    );
  }
  return BY_NAME[name];
}
