import jStat from 'jstat';
import { hashToUint32, Rng } from '../random';

/**
 * Power of the report's variance comparison (Brown-Forsythe, strategy against default) by seeded
 * simulation, the runs a study needs to detect a given std ratio, and the smallest ratio a finished
 * study could have detected. Simulation rather than a formula because the test is Brown-Forsythe
 * (no closed-form power) and because fine-tuning scores are not normal (failed runs make a heavy
 * lower tail): a pilot sweep's default runs are resampled to carry that shape into the estimate.
 */

/** The variance test whose power is simulated. */
export type VarianceTest = 'brown-forsythe' | 'f-test';

/**
 * The shape of default's scores the simulation draws from: normal (the stated assumption when
 * there is no pilot), or a pilot's standardised residuals resampled with replacement.
 */
export type ScoreModel =
  | { kind: 'normal' }
  | {
      kind: 'pilot';
      /** Residuals (score - its group's mean) / that group's std, pooled over the pilot's groups. */
      residuals: readonly number[];
      /** Where the residuals come from, for the printed assumption (e.g. `sweep quickstart`). */
      source: string;
    };

/** Settings shared by the power functions. */
export interface IPowerSettings {
  /** Two-sided significance level (default 0.05). */
  alpha?: number;
  /** Simulated studies per power estimate (default 2000; at most MAX_SIMULATIONS). */
  simulations?: number;
  /** Seed of the simulation (default 0): equal inputs and seed give equal answers. */
  seed?: number;
  /** Test to simulate (default brown-forsythe, the report's test). */
  test?: VarianceTest;
}

/** Defaults of the plan's power question. */
export const POWER_DEFAULTS = {
  alpha: 0.05,
  power: 0.8,
  simulations: 2000,
  maxRuns: 500
} as const;

/** Upper bound on simulations per estimate, so a plan's work stays bounded (seconds, not hours). */
export const MAX_SIMULATIONS = 20000;

/** Fewest runs per group the Brown-Forsythe statistic is defined for (two groups of two). */
export const MIN_RUNS = 2;

/** Most runs per group the search considers. */
export const MAX_RUNS_LIMIT = 100000;

/** Standard normal model, the assumption without a pilot. */
export const NORMAL_MODEL: ScoreModel = { kind: 'normal' };

/**
 * Score model from a pilot's default-strategy groups (one array of macro-F1 per configuration):
 * each group is centred on its mean and divided by its population std, so groups of different
 * spread pool into one shape; groups with fewer than two runs or no spread are skipped. Throws
 * when nothing usable remains.
 */
export function pilotModel(
  groups: readonly (readonly number[])[],
  source: string
): ScoreModel {
  const residuals: number[] = [];
  for (const g of groups) {
    if (g.length < 2) {
      continue;
    }
    const m = g.reduce((a, b) => a + b, 0) / g.length;
    const sd = Math.sqrt(g.reduce((a, b) => a + (b - m) ** 2, 0) / g.length);
    if (!(sd > 0)) {
      continue;
    }
    for (const v of g) {
      residuals.push((v - m) / sd);
    }
  }
  if (residuals.length < 2) {
    throw new RangeError(
      `pilot ${source}: needs a default-strategy group with at least two runs that differ ` +
        `(got ${groups.map(g => g.length).join(', ') || 'no'} default runs)`
    );
  }
  return { kind: 'pilot', residuals, source };
}

/** One line saying what the simulation assumed about the scores. */
export function describeScoreModel(model: ScoreModel): string {
  return model.kind === 'normal'
    ? 'assumption: normal macro-F1 (no pilot; failed runs make real scores heavier-tailed, so this is optimistic - pass a pilot sweep)'
    : `pilot: ${model.residuals.length} default runs of ${model.source}, resampled and scaled`;
}

function checkRatio(ratio: number, what = 'std ratio'): void {
  if (!(ratio > 0) || !Number.isFinite(ratio) || ratio === 1) {
    throw new RangeError(
      `${what} must be a positive number other than 1 (strategy std / default std, e.g. 0.5 to detect a halved std), got ${ratio}`
    );
  }
}

function checkAlpha(alpha: number): void {
  if (!(alpha > 0 && alpha < 1)) {
    throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  }
}

function checkPower(power: number): void {
  if (!(power > 0 && power < 1)) {
    throw new RangeError(`power must be in (0, 1), got ${power}`);
  }
}

function checkRuns(n: number, what: string): void {
  if (!Number.isInteger(n) || n < MIN_RUNS) {
    throw new RangeError(`${what} must be an integer >= ${MIN_RUNS}, got ${n}`);
  }
}

function simulationsOf(settings: IPowerSettings): number {
  const s = settings.simulations ?? POWER_DEFAULTS.simulations;
  if (!Number.isInteger(s) || s < 1 || s > MAX_SIMULATIONS) {
    throw new RangeError(
      `simulations must be an integer from 1 to ${MAX_SIMULATIONS}, got ${s}`
    );
  }
  return s;
}

/**
 * Closed-form power of the two-sided F test of equal variances on normal data: with
 * F = s1^2 / s2^2 ~ ratio^2 F(n1 - 1, n2 - 1), the test rejects outside the alpha / 2 and
 * 1 - alpha / 2 quantiles of F(n1 - 1, n2 - 1). The reference the simulation is checked against.
 */
export function fTestPower(
  ratio: number,
  n1: number,
  n2: number,
  alpha: number = POWER_DEFAULTS.alpha
): number {
  checkRatio(ratio);
  checkAlpha(alpha);
  checkRuns(n1, 'runs of the strategy');
  checkRuns(n2, 'runs of default');
  const d1 = n1 - 1;
  const d2 = n2 - 1;
  const lo = jStat.centralF.inv(alpha / 2, d1, d2);
  const hi = jStat.centralF.inv(1 - alpha / 2, d1, d2);
  const r2 = ratio * ratio;
  return (
    jStat.centralF.cdf(lo / r2, d1, d2) +
    (1 - jStat.centralF.cdf(hi / r2, d1, d2))
  );
}

/**
 * Critical value of the simulated test: W (Brown-Forsythe, F(1, n1 + n2 - 2) under equal
 * variances) is compared once against its quantile instead of computing a p-value per simulation.
 */
function criticalValues(
  test: VarianceTest,
  n1: number,
  n2: number,
  alpha: number
): [number, number] {
  if (test === 'f-test') {
    return [
      jStat.centralF.inv(alpha / 2, n1 - 1, n2 - 1),
      jStat.centralF.inv(1 - alpha / 2, n1 - 1, n2 - 1)
    ];
  }
  return [-Infinity, jStat.centralF.inv(1 - alpha, 1, n1 + n2 - 2)];
}

function medianOf(sorted: Float64Array, n: number): number {
  const h = n >> 1;
  return n % 2 === 1 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
}

/**
 * Brown-Forsythe W of two samples held in scratch arrays (sorted in place). The same statistic as
 * hypothesis.ts's brownForsythe(a, b) (checked in power.test.ts), without its allocations, because
 * a plan evaluates it hundreds of thousands of times.
 */
export function brownForsytheTwo(
  a: Float64Array,
  na: number,
  b: Float64Array,
  nb: number
): number {
  const sa = a.subarray(0, na).sort();
  const sb = b.subarray(0, nb).sort();
  const ma = medianOf(sa, na);
  const mb = medianOf(sb, nb);
  let za = 0;
  let zb = 0;
  for (let i = 0; i < na; i++) {
    za += Math.abs(sa[i] - ma);
  }
  for (let i = 0; i < nb; i++) {
    zb += Math.abs(sb[i] - mb);
  }
  za /= na;
  zb /= nb;
  const zGrand = (za * na + zb * nb) / (na + nb);
  const between = na * (za - zGrand) ** 2 + nb * (zb - zGrand) ** 2;
  let within = 0;
  for (let i = 0; i < na; i++) {
    within += (Math.abs(sa[i] - ma) - za) ** 2;
  }
  for (let i = 0; i < nb; i++) {
    within += (Math.abs(sb[i] - mb) - zb) ** 2;
  }
  if (within === 0) {
    // Undefined, as in brownForsythe (which returns null): the report shows no p-value, so the
    // simulated study does not reject either (NaN compares false). Two runs per group always land here.
    return NaN;
  }
  return (na + nb - 2) * (between / within);
}

function sampleVar(x: Float64Array, n: number): number {
  let m = 0;
  for (let i = 0; i < n; i++) {
    m += x[i];
  }
  m /= n;
  let s = 0;
  for (let i = 0; i < n; i++) {
    s += (x[i] - m) ** 2;
  }
  return s / (n - 1);
}

function draw(model: ScoreModel, rng: Rng): number {
  if (model.kind === 'normal') {
    return rng.normal();
  }
  return model.residuals[rng.int(model.residuals.length)];
}

/** A power estimate and the simulations behind it. */
export interface IPowerEstimate {
  power: number;
  simulations: number;
  /** Monte Carlo standard error of `power`. */
  standardError: number;
}

/**
 * Simulated power of the variance test: `simulations` times draw default's n2 scores and the
 * strategy's n1 scores (the same shape scaled by `ratio`) from `model`, and count how often the test
 * rejects at `alpha`. Every estimate starts from the same seeded stream (common random numbers), so
 * estimates for neighbouring n or ratios differ by the change, not by fresh noise, which keeps the
 * searches below monotone in practice.
 */
export function simulatePower(
  ratio: number,
  n1: number,
  n2: number,
  model: ScoreModel,
  settings: IPowerSettings = {}
): IPowerEstimate {
  checkRatio(ratio);
  checkRuns(n1, 'runs of the strategy');
  checkRuns(n2, 'runs of default');
  const alpha = settings.alpha ?? POWER_DEFAULTS.alpha;
  checkAlpha(alpha);
  const sims = simulationsOf(settings);
  const test = settings.test ?? 'brown-forsythe';
  const rng = new Rng(hashToUint32(`deni/report/power/${settings.seed ?? 0}`));
  const [lo, hi] = criticalValues(test, n1, n2, alpha);
  const a = new Float64Array(n1);
  const b = new Float64Array(n2);
  let rejected = 0;
  for (let s = 0; s < sims; s++) {
    for (let i = 0; i < n2; i++) {
      b[i] = draw(model, rng);
    }
    for (let i = 0; i < n1; i++) {
      a[i] = ratio * draw(model, rng);
    }
    let stat: number;
    if (test === 'f-test') {
      const vb = sampleVar(b, n2);
      stat = vb > 0 ? sampleVar(a, n1) / vb : 1;
    } else {
      stat = brownForsytheTwo(a, n1, b, n2);
    }
    if (stat > hi || stat < lo) {
      rejected++;
    }
  }
  const power = rejected / sims;
  return {
    power,
    simulations: sims,
    standardError: Math.sqrt((power * (1 - power)) / sims)
  };
}

/** Answer of runsNeeded. */
export interface IRunsNeeded {
  /** Runs per strategy (and for default), or null when even maxRuns falls short. */
  runs: number | null;
  /** Simulated power at `runs` (or at maxRuns when runs is null). */
  power: number;
  ratio: number;
  alpha: number;
  targetPower: number;
  simulations: number;
  maxRuns: number;
  /** The assumption or pilot behind the answer (see describeScoreModel). */
  assumption: string;
}

/** Options of runsNeeded. */
export interface IRunsNeededOptions extends IPowerSettings {
  /** Target power (default 0.8). */
  power?: number;
  /** Largest n searched (default 500). */
  maxRuns?: number;
}

/**
 * Fewest runs per strategy (the same number for default) at which the report's variance test
 * detects a std ratio `ratio` with at least the target power: binary search over n in
 * [MIN_RUNS, maxRuns], about log2(maxRuns) power estimates.
 */
export function runsNeeded(
  ratio: number,
  model: ScoreModel = NORMAL_MODEL,
  options: IRunsNeededOptions = {}
): IRunsNeeded {
  checkRatio(ratio);
  const target = options.power ?? POWER_DEFAULTS.power;
  checkPower(target);
  const maxRuns = options.maxRuns ?? POWER_DEFAULTS.maxRuns;
  if (
    !Number.isInteger(maxRuns) ||
    maxRuns < MIN_RUNS ||
    maxRuns > MAX_RUNS_LIMIT
  ) {
    throw new RangeError(
      `maxRuns must be an integer from ${MIN_RUNS} to ${MAX_RUNS_LIMIT}, got ${maxRuns}`
    );
  }
  const alpha = options.alpha ?? POWER_DEFAULTS.alpha;
  const at = (n: number) => simulatePower(ratio, n, n, model, options).power;
  const base = {
    ratio,
    alpha,
    targetPower: target,
    simulations: simulationsOf(options),
    maxRuns,
    assumption: describeScoreModel(model)
  };
  const top = at(maxRuns);
  if (top < target) {
    return { ...base, runs: null, power: top };
  }
  let lo = MIN_RUNS - 1; // power(lo) < target (by convention: no test below MIN_RUNS)
  let hi = maxRuns; // power(hi) >= target
  let hiPower = top;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    const p = at(mid);
    if (p >= target) {
      hi = mid;
      hiPower = p;
    } else {
      lo = mid;
    }
  }
  return { ...base, runs: hi, power: hiPower };
}

/** Options of detectableRatio. */
export interface IDetectableOptions extends IPowerSettings {
  /** Target power (default 0.8). */
  power?: number;
}

/**
 * The std reduction a study with n1 strategy runs and n2 default runs could have detected: the
 * largest ratio r < 1 (strategy std = r x default's) at which the test still reaches the target
 * power; ratios further from 1 (smaller r) are detected more often. Bisection on log r over
 * [0.01, 1), 16 steps (r to about 0.03 % of itself). Null when even r = 0.01 falls short (too few
 * runs for any realistic difference).
 */
export function detectableRatio(
  n1: number,
  n2: number,
  model: ScoreModel = NORMAL_MODEL,
  options: IDetectableOptions = {}
): number | null {
  const target = options.power ?? POWER_DEFAULTS.power;
  checkPower(target);
  checkRuns(n1, 'runs of the strategy');
  checkRuns(n2, 'runs of default');
  const at = (r: number) => simulatePower(r, n1, n2, model, options).power;
  let lo = Math.log(0.01); // power >= target here (checked)
  let hi = 0; // ratio 1: power = alpha < target
  if (at(Math.exp(lo)) < target) {
    return null;
  }
  for (let i = 0; i < 16; i++) {
    const mid = (lo + hi) / 2;
    if (at(Math.exp(mid)) >= target) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return Math.exp(lo);
}

const detectableCache = new Map<string, number | null>();

/**
 * detectableRatio under the normal assumption, memoised by (n1, n2, alpha, power, simulations):
 * the report asks it for every comparison and the answer depends on nothing else.
 */
export function detectableRatioNormal(
  n1: number,
  n2: number,
  options: IDetectableOptions = {}
): number | null {
  const key = JSON.stringify([
    n1,
    n2,
    options.alpha ?? POWER_DEFAULTS.alpha,
    options.power ?? POWER_DEFAULTS.power,
    options.simulations ?? POWER_DEFAULTS.simulations,
    options.seed ?? 0,
    options.test ?? 'brown-forsythe'
  ]);
  if (!detectableCache.has(key)) {
    if (detectableCache.size > 1000) {
      detectableCache.clear();
    }
    detectableCache.set(key, detectableRatio(n1, n2, NORMAL_MODEL, options));
  }
  return detectableCache.get(key) ?? null;
}
