import type { ISweepProgress } from '../contract/types';
import { summaryText } from './summary';
import type { IReportBundle } from './types';

/** Progress as the bundle carries it. */
export type BundleProgress = NonNullable<IReportBundle['progress']>;

/** Report statuses. */
export const REPORT_STATUSES: readonly IReportBundle['status'][] = [
  'running',
  'done',
  'interrupted',
  'error'
];

/**
 * Progress in the bundle's shape, from either an executor's ISweepProgress (whose `current` is an
 * object) or an already converted one. Checks the counts, naming the bad field.
 */
export function toBundleProgress(
  progress: ISweepProgress | BundleProgress
): BundleProgress {
  const count = (name: 'done' | 'total' | 'cached' | 'failed'): number => {
    const v = progress[name];
    if (!Number.isInteger(v) || v < 0) {
      throw new RangeError(
        `progress.${name}: must be a non-negative integer, got ${String(v)}`
      );
    }
    return v;
  };
  const out: BundleProgress = {
    done: count('done'),
    total: count('total'),
    cached: count('cached'),
    failed: count('failed')
  };
  const current = progress.current;
  if (typeof current === 'string') {
    out.current = current;
  } else if (current && typeof current === 'object') {
    out.current =
      `run ${current.run} ${current.strategy} ${current.tuning}, ` +
      `step ${current.step} / ${current.totalSteps}`;
  }
  if (
    progress.etaSeconds !== undefined &&
    Number.isFinite(progress.etaSeconds)
  ) {
    out.etaSeconds = Math.max(0, progress.etaSeconds);
  }
  return out;
}

/** Throws unless `status` is one of REPORT_STATUSES. */
export function checkStatus(status: unknown): IReportBundle['status'] {
  if (!(REPORT_STATUSES as readonly unknown[]).includes(status)) {
    throw new RangeError(
      `report status: got ${JSON.stringify(status)}; valid: ${REPORT_STATUSES.join(', ')}`
    );
  }
  return status as IReportBundle['status'];
}

/**
 * A bundle with progress only (no runs finished yet, or a cheap live update between full
 * reports): empty statistics, tables and figures.
 */
export function progressBundle(
  sweep: string,
  progress: ISweepProgress | BundleProgress,
  options: { status?: IReportBundle['status']; error?: string } = {}
): IReportBundle {
  const bundle: IReportBundle = {
    version: 1,
    sweep,
    status: checkStatus(options.status ?? 'running'),
    progress: toBundleProgress(progress),
    stats: [],
    tables: [],
    figures: []
  };
  if (options.error !== undefined) {
    bundle.error = options.error;
  }
  bundle.summary = summaryText(bundle);
  return bundle;
}
