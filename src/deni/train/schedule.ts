import type { IScheduleConfig } from './types';

/**
 * Learning rate of optimiser step `step` (1-based) under Hugging Face's
 * `get_linear_schedule_with_warmup`: the multiplier of step t is (t-1)/W during warm-up and
 * (T-(t-1))/(T-W) after it, so without warm-up the first step uses the base rate and the last
 * one base/T (never 0).
 */
export function linearLr(config: IScheduleConfig, step: number): number {
  const { baseLr, totalSteps, warmupSteps } = config;
  if (!Number.isInteger(step) || step < 1) {
    throw new RangeError(`schedule step must be an integer >= 1, got ${step}`);
  }
  const current = step - 1;
  if (current < warmupSteps) {
    return (baseLr * current) / Math.max(1, warmupSteps);
  }
  return (
    baseLr *
    Math.max(0, (totalSteps - current) / Math.max(1, totalSteps - warmupSteps))
  );
}

/** Validated schedule settings; `warmupFraction` of the total steps (rounded down) warm up. */
export function linearSchedule(
  baseLr: number,
  totalSteps: number,
  warmupFraction = 0
): IScheduleConfig {
  if (!(baseLr > 0) || !Number.isFinite(baseLr)) {
    throw new RangeError(
      `learning rate must be a positive number, got ${baseLr}`
    );
  }
  if (!Number.isInteger(totalSteps) || totalSteps < 1) {
    throw new RangeError(
      `total steps must be an integer >= 1, got ${totalSteps}`
    );
  }
  if (!(warmupFraction >= 0 && warmupFraction < 1)) {
    throw new RangeError(
      `warm-up fraction must be in [0, 1), got ${warmupFraction}`
    );
  }
  return {
    baseLr,
    totalSteps,
    warmupSteps: Math.floor(warmupFraction * totalSteps)
  };
}
