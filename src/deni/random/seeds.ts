import type { FactorSeeds, RandomFactor } from '../contract/types';
import { hashToUint32, Rng } from './rng';

/** Every randomness factor, in a fixed order. */
export const FACTORS: readonly RandomFactor[] = [
  'split',
  'labels',
  'order',
  'init',
  'dropout',
  'noise',
  'augment'
];

/**
 * Factors fixed per sweep under the paper's protocol (PAPER.md: split and labelled-sample choice
 * fixed; initialisation, order, dropout and noise vary per run). Augmentation is fixed per sweep
 * too, so every run sees the same paraphrases.
 */
export const SWEEP_FIXED_FACTORS: readonly RandomFactor[] = [
  'split',
  'labels',
  'augment'
];

/**
 * The seed derivation rule. The seed of factor F for run R of a sweep with seed S is the first
 * 32 bits (big-endian) of SHA-256 over the UTF-8 text `deni/v1/S/R/F`, where R is the run index
 * for per-run factors and the literal `sweep` for factors fixed per sweep. The seed of run 7 is
 * therefore the same whatever else the sweep holds, and factors never share a stream.
 */
export function deriveSeed(
  sweepSeed: number,
  runIndex: number,
  factor: RandomFactor,
  fixed: readonly RandomFactor[] = SWEEP_FIXED_FACTORS
): number {
  if (!Number.isInteger(sweepSeed) || sweepSeed < 0) {
    throw new RangeError(
      `sweep seed must be a non-negative integer, got ${String(sweepSeed)}`
    );
  }
  if (!Number.isInteger(runIndex) || runIndex < 0) {
    throw new RangeError(
      `run index must be a non-negative integer, got ${String(runIndex)}`
    );
  }
  const run = fixed.includes(factor) ? 'sweep' : String(runIndex);
  return hashToUint32(`deni/v1/${sweepSeed}/${run}/${factor}`);
}

/** Seeds of every factor for one run (see deriveSeed). */
export function deriveSeeds(
  sweepSeed: number,
  runIndex: number,
  fixed: readonly RandomFactor[] = SWEEP_FIXED_FACTORS
): FactorSeeds {
  const seeds = {} as FactorSeeds;
  for (const f of FACTORS) {
    seeds[f] = deriveSeed(sweepSeed, runIndex, f, fixed);
  }
  return seeds;
}

/** One generator per factor, built from a run's seeds. */
export type FactorRngs = Record<RandomFactor, Rng>;

/** Fresh generators for every factor of a run. */
export function factorRngs(seeds: FactorSeeds): FactorRngs {
  const rngs = {} as FactorRngs;
  for (const f of FACTORS) {
    rngs[f] = new Rng(seeds[f]);
  }
  return rngs;
}
