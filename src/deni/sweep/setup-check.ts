/**
 * Setup mistakes found before any run starts, as spec errors (`deni sweep` exits 2): an unknown
 * data set, a local data file that is missing or a folder, a strategy schedule that does not fit
 * the budget's T (or is too long to list). Without this each would fail every run, one by one.
 */
import {
  resolveRunContent,
  RunContentError,
  type RunContent
} from './run-content';
import { fieldError, SweepSpecError, type ISpecError } from './spec';
import type { DatasetRef, ISweepSpec } from '../contract/types';

/**
 * Checks data sets and strategy schedules of a sweep; returns the problems (empty when fine).
 * Local data files are loaded, and their warnings (empty texts with count and rows, unlabelled
 * rows) go to `onWarning`.
 * Loads src/deni/data and src/deni/strategies lazily.
 */
export async function checkSetup(
  spec: ISweepSpec,
  onWarning?: (line: string) => void
): Promise<ISpecError[]> {
  const { parseDatasetSpec } = await import('../data');
  const { getStrategy } = await import('../strategies');
  const errors: ISpecError[] = [];
  const datasets = Array.isArray(spec.dataset) ? spec.dataset : [spec.dataset];
  datasets.forEach((ref, i) => {
    try {
      parseDatasetSpec(ref);
    } catch (e) {
      errors.push(
        fieldError(
          Array.isArray(spec.dataset) ? `/dataset/${i}` : '/dataset',
          ref,
          'a built-in set, a paper or hf: set, or a local data file (see `deni datasets`)',
          (e as Error).message
        )
      );
    }
  });
  spec.strategies.forEach((entry, i) => {
    const strategy = getStrategy(entry.name);
    try {
      strategy.plan({
        samples: spec.budget.samples,
        epochs: spec.budget.epochs,
        batchSize: spec.budget.batchSize,
        params: entry.params,
        // All-data's T depends on the pool; any pool at least the budget checks the schedule.
        poolSamples: spec.budget.samples
      });
    } catch (e) {
      errors.push(
        fieldError(
          `/strategies/${i}`,
          entry,
          `a schedule that fits T = epochs x ceil(samples / batchSize) steps (see \`deni plan --strategy ${entry.name}\`)`,
          `does not fit the budget (samples ${spec.budget.samples}, epochs ${spec.budget.epochs}, batch ${spec.budget.batchSize}): ${(e as Error).message}`
        )
      );
    }
  });
  if (errors.length > 0) {
    return errors;
  }
  // Local files are read once here: a broken file is a spec error naming it, not N failed runs.
  const { loadDataset } = await import('../data');
  for (const [i, ref] of datasets.entries()) {
    if (parseDatasetSpec(ref).kind !== 'file') {
      continue;
    }
    try {
      const ds = await loadDataset(ref);
      for (const warning of ds.warnings) {
        onWarning?.(warning);
      }
    } catch (e) {
      errors.push(
        fieldError(
          Array.isArray(spec.dataset) ? `/dataset/${i}` : '/dataset',
          ref,
          'a readable data file with the named columns',
          (e as Error).message
        )
      );
    }
  }
  return errors;
}

/**
 * Fingerprints what the sweep's runs read (run-content.ts) for their keys. A missing data file
 * or a folder given as one is a SweepSpecError naming the path.
 */
export async function sweepContent(
  spec: ISweepSpec
): Promise<(dataset: DatasetRef, model: string) => RunContent | undefined> {
  const { BUILTIN_DATASETS } = await import('../data');
  const { MODELS } = await import('../model/registry');
  try {
    return await resolveRunContent(spec, {
      builtinModels: MODELS.map(m => m.name),
      builtinData: id => BUILTIN_DATASETS[id]?.card.package
    });
  } catch (e) {
    if (e instanceof RunContentError) {
      throw new SweepSpecError([
        fieldError(e.pointer, undefined, 'an existing data file', e.message)
      ]);
    }
    throw e;
  }
}
