import type { IReportTiming } from '../report/types';
import type { IRunResult, ISweepSpec } from '../contract/types';
import {
  BACKEND_PREFERENCE,
  type ConcreteBackendName
} from '../contract/backends';
import { measuredWallSeconds } from './estimate';
import { estimateSweep } from './sweep-estimate';

/**
 * Predicted against measured wall time of a stored sweep, for its report: the prediction from the
 * step times cached on this machine (never measured here: a report must not start processes), the
 * measurement from the runs' own start and finish times. Undefined when the sweep is not complete,
 * a step time is not cached, the runs carry no times or ran on more than one back-end.
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
  // Priced on the back-end the runs ran on: a report never probes this machine for `auto`.
  const backends = new Set(results.map(r => r.backend));
  const [backend] = backends;
  if (backends.size !== 1 || !isConcreteBackend(backend)) {
    return undefined;
  }
  let estimate;
  try {
    estimate = await estimateSweep(spec, { measure: false, backend });
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

function isConcreteBackend(
  name: string | undefined
): name is ConcreteBackendName {
  return (BACKEND_PREFERENCE as readonly (string | undefined)[]).includes(name);
}
