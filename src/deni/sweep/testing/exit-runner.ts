/**
 * Test double for executor tests: like fake-runner, but a run whose strategy has
 * `fakeExit: true` kills its worker process (exit code 3), as a crash or OOM kill would.
 */
import { runOne as fakeRun } from './fake-runner';
import type { IRunOptions, IRunResult, IRunSpec } from '../../contract/types';

/** Runs `spec`, or exits the process for `fakeExit` strategies. */
export async function runOne(
  spec: IRunSpec,
  options: IRunOptions
): Promise<IRunResult> {
  if (spec.strategy.params?.fakeExit === true) {
    process.exit(3);
  }
  return fakeRun(spec, options);
}
