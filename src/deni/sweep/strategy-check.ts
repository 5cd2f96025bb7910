import { fieldError, type ISpecError } from './spec';
import type { ISweepSpec } from '../contract/types';

/**
 * Checks every strategy's parameter overrides with the strategy itself (names, types, ranges), so
 * a typo fails the sweep before any run starts instead of failing every run. Loads
 * src/deni/strategies lazily (it pulls in tfjs). Returns the problems; empty when all are valid.
 */
export async function checkStrategyParams(
  spec: ISweepSpec
): Promise<ISpecError[]> {
  const { getStrategy } = await import('../run');
  const errors: ISpecError[] = [];
  spec.strategies.forEach((entry, i) => {
    if (!entry.params) {
      return;
    }
    try {
      getStrategy(entry.name).resolveParams(entry.params);
    } catch (e) {
      const strategy = getStrategy(entry.name);
      const names = strategy.params.map(p => p.name).join(', ');
      errors.push(
        fieldError(
          `/strategies/${i}/params`,
          entry.params,
          names
            ? `parameters ${names} of strategy ${entry.name} (see \`deni strategies\`)`
            : `no parameters for ${entry.name}`,
          (e as Error).message
        )
      );
    }
  });
  return errors;
}
