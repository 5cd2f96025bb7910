import { fieldError, type ISpecError } from './spec';
import type { ISweepSpec } from '../contract/types';

/**
 * Checks every strategy's parameter overrides with the strategy itself (names, types, ranges), so
 * a typo or a missing paraphrase file fails the sweep before any run starts instead of failing
 * every run (schedules are checked against the budget by setup-check.ts). Loads src/deni/run and
 * src/deni/data lazily (they pull in tfjs). Returns the problems; empty when all are valid.
 */
export async function checkStrategyParams(
  spec: ISweepSpec
): Promise<ISpecError[]> {
  const { getStrategy } = await import('../run');
  const { loadParaphraseFile } = await import('../data');
  const errors: ISpecError[] = [];
  spec.strategies.forEach((entry, i) => {
    const strategy = getStrategy(entry.name);
    try {
      strategy.resolveParams(entry.params);
    } catch (e) {
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
      return;
    }
    // A missing or malformed paraphrase file fails the sweep here, naming the file and row.
    const paraphrases = strategy.dataNeeds(entry.params).paraphrases;
    if (paraphrases) {
      try {
        loadParaphraseFile(paraphrases);
      } catch (e) {
        errors.push(
          fieldError(
            `/strategies/${i}/params/paraphrases`,
            paraphrases,
            'a CSV or JSONL file of text, paraphrase rows',
            (e as Error).message
          )
        );
      }
    }
  });
  return errors;
}
