/**
 * The mitigation strategies, declared once, in PAPER.md's order (baselines, DENI and its
 * ablations, then the extras). The `StrategyName` union, the report's order, the CLI's and the
 * magics' choices and the schema's `strategyName` enum (checked by contract.test.ts) derive from
 * this table; each strategy's behaviour lives in its own module of src/deni/strategies, which the
 * strategies registry keys by these names (the compiler checks that none is missing).
 */
export const STRATEGY_DEFINITIONS = [
  { name: 'default', kind: 'baseline' },
  { name: 'ensemble', kind: 'baseline' },
  { name: 'input-noise', kind: 'baseline' },
  { name: 'weight-noise', kind: 'baseline' },
  { name: 'swa', kind: 'baseline' },
  { name: 'mixout', kind: 'baseline' },
  { name: 'best-practices', kind: 'baseline' },
  { name: 'augment', kind: 'baseline', augments: true },
  { name: 'all-data', kind: 'baseline' },
  { name: 'de', kind: 'deni', scheduled: true },
  { name: 'ni', kind: 'deni', scheduled: true },
  { name: 'deni', kind: 'deni', scheduled: true },
  { name: 'deni-augment', kind: 'deni', scheduled: true, augments: true },
  { name: 'ema', kind: 'extra' },
  { name: 'prior-noise', kind: 'extra' }
] as const;

/** A strategy name. */
export type StrategyName = (typeof STRATEGY_DEFINITIONS)[number]['name'];

/** Every strategy name in PAPER.md's order. */
export const STRATEGY_NAMES: readonly StrategyName[] = STRATEGY_DEFINITIONS.map(
  d => d.name
);

/**
 * Strategies that add paraphrases of the labelled samples (PAPER.md baseline 8, DENI + aug.):
 * their labels say where the paraphrases come from.
 */
export const AUGMENTING_STRATEGIES: readonly StrategyName[] =
  STRATEGY_DEFINITIONS.filter(d => 'augments' in d && d.augments).map(
    d => d.name
  );

/**
 * Strategies with DENI's `schedule` parameter (`paper` | `relative`): a sweep-wide `schedule`
 * applies to them.
 */
export const SCHEDULED_STRATEGIES: readonly StrategyName[] =
  STRATEGY_DEFINITIONS.filter(d => 'scheduled' in d && d.scheduled).map(
    d => d.name
  );

/**
 * How DENI's step constants follow the run's length: `paper` (the absolute constants, tuned for
 * T = 1,250) or `relative` (the same fractions of T). The sweep schema's `schedule` enum and
 * `deni plan --schedule` list these (contract.test.ts checks the schema).
 */
export const DENI_SCHEDULES = ['paper', 'relative'] as const;

/** A DENI schedule. */
export type DeniSchedule = (typeof DENI_SCHEDULES)[number];

/** Whether a string names a strategy. */
export function isStrategyName(name: string): name is StrategyName {
  return (STRATEGY_NAMES as readonly string[]).includes(name);
}
