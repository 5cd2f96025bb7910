import type { IReportTiming } from '../report/types';
import type { IRunResult, ISweepSpec } from '../contract/types';
import { measuredWallSeconds } from './estimate';
import { estimateSweep } from './sweep-estimate';

/**
 * Predicted against measured wall time of a stored sweep, for its report: the prediction from the
 * step times cached on this machine (never measured here: a report must not start processes), the
 * measurement from the runs' own start and finish times. Undefined when the sweep is not complete,
 * a step time is not cached, or the runs carry no times.
 */
export async function reportTiming(
  spec: ISweepSpec,
  results: readonly IRunResult[],
  total: number
): Promise<IReportTiming | undefined> {
  if (results.length === 0 || results.length < total) {
    return undefined;
  }
  const measured = measuredWallSeconds(results);
  if (measured === undefined || !(measured > 0)) {
    return undefined;
  }
  let estimate;
  try {
    estimate = await estimateSweep(spec, { measure: false });
  } catch {
    // A data set or model no longer on this machine: no prediction, the report goes on.
    return undefined;
  }
  if (!estimate) {
    return undefined;
  }
  return {
    predictedSeconds: estimate.seconds,
    measuredSeconds: measured,
    workers: estimate.workers
  };
}
