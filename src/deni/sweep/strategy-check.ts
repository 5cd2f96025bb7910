import { fieldError, type ISpecError } from './spec';
import type { ISweepSpec } from './types';

/**
 * Checks every strategy's parameter overrides with the strategy itself (names, types, ranges), so
 * a typo fails the sweep before any run starts instead of failing every run. Loads
 * src/deni/strategies lazily (it pulls in tfjs). Returns the problems; empty when all are valid.
 */
export async function checkStrategyParams(
  spec: ISweepSpec
): Promise<ISpecError[]> {
  const { getStrategy } = await import('../strategies');
  const { loadParaphraseFile } = await import('../data');
  const errors: ISpecError[] = [];
  spec.strategies.forEach((entry, i) => {
    const strategy = getStrategy(entry.name);
    try {
      strategy.resolveParams(entry.params);
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
        return;
      }
    }
    // A schedule that does not fit the budget (no NI cycle, no DE step) fails here, not per run.
    // All-data's T depends on the data set's size, known only when its runs start.
    if (strategy.dataNeeds(entry.params).allData) {
      return;
    }
    try {
      strategy.plan({
        samples: spec.budget.samples,
        epochs: spec.budget.epochs,
        batchSize: spec.budget.batchSize,
        params: entry.params
      });
    } catch (e) {
      errors.push(
        fieldError(
          `/strategies/${i}`,
          entry,
          `a schedule that fits the budget (samples ${spec.budget.samples}, epochs ${spec.budget.epochs}, batch ${spec.budget.batchSize})`,
          (e as Error).message
        )
      );
    }
  });
  return errors;
}
