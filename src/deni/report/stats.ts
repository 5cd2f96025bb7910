import { hashToUint32, Rng } from '../random';
import type { IRunResult } from '../contract/types';
import {
  bootstrapMeanStd,
  bootstrapStdRatio,
  DEFAULT_CONFIDENCE,
  DEFAULT_RESAMPLES
} from './bootstrap';
import { mean, populationStd, sampleStd } from './descriptive';
import {
  configId,
  findBaselines,
  groupId,
  groupResults,
  type IGroupOrder,
  type IRunGroup
} from './groups';
import { brownForsythe, welchTTest } from './hypothesis';
import { pairByRun, signFlipTest, winsTiesLosses } from './paired';
import { detectableRatioNormal } from './power';
import type { IGroupStats, IPairedStats } from './types';

/** Simulations per power estimate behind the report's detectable ratio (standard error <= 0.016). */
const REPORT_SIMULATIONS = 1000;

/** Options of computeStats. */
export interface IStatsOptions {
  /**
   * Generator for the bootstrap. One draw from it seeds every group's own streams (hashed with the
   * group's identity and the statistic: one stream for the mean and std intervals, others for the
   * std-ratio interval, the paired-difference interval and the sign-flip Monte Carlo), so a group's
   * intervals do not depend on which other groups are present, and no statistic takes anything
   * from the stream behind another's.
   */
  rng: Rng;
  /** Bootstrap resamples (default 2000). */
  resamples?: number;
  /** Confidence level of the intervals (default 0.95). */
  confidence?: number;
  /** Order of data sets, models and tunings (see groupResults). */
  order?: IGroupOrder;
  /**
   * Work out, per comparison with default, the smallest std ratio its runs could have detected
   * at this power and alpha (seconds of simulation the first time for each pair of run counts, so
   * reports of running sweeps leave it out).
   */
  detectable?: { power: number; alpha: number };
}

/** The cost ratios against the baselines (absent where the baseline is missing or measured 0). */
type RatioField =
  'costVsDefault' | 'costVsEnsemble' | 'wallVsDefault' | 'wallVsEnsemble';

/** Whether a run failed: macro-F1 below chance level 100 / classes (PAPER.md). */
export function isFailedRun(result: IRunResult): boolean {
  const classes = result.perClassF1.length;
  return classes > 0 && result.macroF1 < 100 / classes;
}

/**
 * Statistics of every (dataset, model, tuning, strategy) group: mean, population and sample std,
 * min, max, failed runs, bootstrap intervals, Brown-Forsythe and Welch tests against the
 * configuration's `default` group with a bootstrap interval of the std ratio, the comparison with
 * `default` paired by run index (`paired`), and mean model-steps and wall seconds relative to
 * `default` and `ensemble`.
 * Groups come out in the order of groupResults. Comparisons are absent where their baseline group
 * is missing or the test is undefined (fewer than two runs, no spread at all).
 */
export function computeStats(
  results: readonly IRunResult[],
  options: IStatsOptions
): IGroupStats[] {
  return statsOfGroups(groupResults(results, options.order), options);
}

/** computeStats on already grouped runs (see groupResults). */
export function statsOfGroups(
  groups: readonly IRunGroup[],
  options: IStatsOptions
): IGroupStats[] {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const streamBase = options.rng.nextUint32();
  const baselines = findBaselines(groups);
  return groups.map(g => {
    const f1 = g.results.map(r => r.macroF1);
    const classes = classCount(g);
    const groupRng = new Rng(
      hashToUint32(`deni/report/bootstrap/${streamBase}/${groupId(g)}`)
    );
    const boot = bootstrapMeanStd(f1, groupRng, resamples, confidence);
    const steps = mean(g.results.map(r => r.cost.modelSteps));
    const stats: IGroupStats = {
      dataset: g.dataset,
      model: g.model,
      tuning: g.tuning,
      strategy: g.strategy,
      strategyName: g.strategyName,
      ...(g.strategyParams ? { strategyParams: g.strategyParams } : {}),
      runs: f1.length,
      mean: mean(f1),
      std: populationStd(f1),
      sampleStd: sampleStd(f1),
      min: f1.reduce((a, b) => Math.min(a, b)),
      max: f1.reduce((a, b) => Math.max(a, b)),
      failed: g.results.filter(isFailedRun).length,
      ...(classes > 0 ? { classes, failThreshold: 100 / classes } : {}),
      meanCI: boot.meanCI,
      stdCI: boot.stdCI,
      confidence,
      resamples,
      modelSteps: steps,
      testForwardPasses: mean(
        g.results.map(r => finite(r.cost.testForwardPasses))
      ),
      wallSeconds: mean(g.results.map(r => finite(r.cost.wallSeconds))),
      peakTensorBytes: g.results.reduce(
        (m, r) => Math.max(m, finite(r.cost.peakTensorBytes)),
        0
      ),
      peakRssBytes: g.results.reduce(
        (m, r) => Math.max(m, finite(r.cost.peakRssBytes)),
        0
      )
    };
    const base = baselines.get(configId(g));
    if (base?.default && base.default !== g) {
      const ref = base.default.results.map(r => r.macroF1);
      const bf = brownForsythe(f1, ref);
      if (bf) {
        stats.varianceStat = bf.statistic;
        stats.varianceP = bf.p;
      }
      const welch = welchTTest(f1, ref);
      if (welch) {
        stats.meanStat = welch.statistic;
        stats.meanP = welch.p;
        stats.meanDf = welch.df[0];
      }
      stats.meanDiff = stats.mean - mean(ref);
      if (options.detectable && f1.length >= 2 && ref.length >= 2) {
        const { power, alpha } = options.detectable;
        stats.detectableStdRatio = detectableRatioNormal(
          f1.length,
          ref.length,
          {
            power,
            alpha,
            simulations: REPORT_SIMULATIONS
          }
        );
        stats.detectPower = power;
        stats.detectAlpha = alpha;
      }
      // "No spread" means all values equal: their two-pass std can be a rounding residue, not 0.
      if (new Set(ref).size > 1) {
        stats.stdVsDefault = stats.std / populationStd(ref);
        // Its own stream, so the mean and std intervals above stay what they were without it.
        const ratioRng = new Rng(
          hashToUint32(
            `deni/report/bootstrap-std-ratio/${streamBase}/${groupId(g)}`
          )
        );
        const ratio = bootstrapStdRatio(
          f1,
          ref,
          ratioRng,
          resamples,
          confidence
        );
        stats.stdRatioCI = ratio.ci;
        stats.stdRatioDropped = ratio.dropped;
      }
      const paired = pairedStats(g, base.default, {
        // Streams of their own, so every interval above stays what it was without them.
        bootstrap: new Rng(
          hashToUint32(
            `deni/report/bootstrap-paired/${streamBase}/${groupId(g)}`
          )
        ),
        signFlip: new Rng(
          hashToUint32(`deni/report/sign-flip/${streamBase}/${groupId(g)}`)
        ),
        resamples,
        confidence
      });
      if (paired) {
        stats.paired = paired;
      }
    }
    const relative = (
      own: number,
      of: (r: IRunResult) => number,
      to: IRunGroup | undefined
    ): number | undefined => {
      if (!to) {
        return undefined;
      }
      const ref = mean(to.results.map(of));
      return ref > 0 ? own / ref : undefined;
    };
    const stepsOf = (r: IRunResult) => r.cost.modelSteps;
    const wallOf = (r: IRunResult) => finite(r.cost.wallSeconds);
    const measured = stats.wallSeconds > 0;
    const ratios: [RatioField, number | undefined][] = [
      ['costVsDefault', relative(steps, stepsOf, base?.default)],
      ['costVsEnsemble', relative(steps, stepsOf, base?.ensemble)],
      // A group without measured wall time (all 0) has no meaningful ratio.
      [
        'wallVsDefault',
        measured
          ? relative(stats.wallSeconds, wallOf, base?.default)
          : undefined
      ],
      [
        'wallVsEnsemble',
        measured
          ? relative(stats.wallSeconds, wallOf, base?.ensemble)
          : undefined
      ]
    ];
    for (const [field, value] of ratios) {
      if (value !== undefined) {
        stats[field] = value;
      }
    }
    return stats;
  });
}

/**
 * A group against default paired by run index (see report/paired.ts): mean difference, its
 * percentile bootstrap interval (pairs resampled), the sign-flip p and wins / ties / losses.
 * Undefined when no run pairs up.
 */
function pairedStats(
  g: IRunGroup,
  base: IRunGroup,
  options: {
    bootstrap: Rng;
    signFlip: Rng;
    resamples: number;
    confidence: number;
  }
): IPairedStats | undefined {
  const pairable = (r: IRunResult) => ({
    run: r.spec.run,
    value: r.macroF1,
    failed: isFailedRun(r)
  });
  const { diffs } = pairByRun(
    g.results.map(pairable),
    base.results.map(pairable)
  );
  if (diffs.length === 0) {
    return undefined;
  }
  const boot = bootstrapMeanStd(
    diffs,
    options.bootstrap,
    options.resamples,
    options.confidence
  );
  const test = signFlipTest(diffs, { rng: options.signFlip });
  return {
    pairs: diffs.length,
    meanDiff: mean(diffs),
    ci: boot.meanCI,
    p: test.p,
    exact: test.exact,
    patterns: test.patterns,
    ...winsTiesLosses(diffs)
  };
}

function classCount(g: IRunGroup): number {
  const counts = new Set(g.results.map(r => r.perClassF1.length));
  if (counts.size > 1) {
    throw new Error(
      `group ${g.dataset} / ${g.model} / ${g.tuning} / ${g.strategy}: runs disagree on the number ` +
        `of classes (perClassF1 lengths ${[...counts].join(', ')}); all runs of a group must share one`
    );
  }
  return [...counts][0] ?? 0;
}

function finite(x: number | undefined): number {
  return typeof x === 'number' && Number.isFinite(x) ? x : 0;
}
