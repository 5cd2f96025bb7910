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
  { name: 'augment', kind: 'baseline' },
  { name: 'all-data', kind: 'baseline' },
  { name: 'de', kind: 'deni' },
  { name: 'ni', kind: 'deni' },
  { name: 'deni', kind: 'deni' },
  { name: 'deni-augment', kind: 'deni' },
  { name: 'ema', kind: 'extra' },
  { name: 'prior-noise', kind: 'extra' }
] as const;

/** A strategy name. */
export type StrategyName = (typeof STRATEGY_DEFINITIONS)[number]['name'];

/** Every strategy name in PAPER.md's order. */
export const STRATEGY_NAMES: readonly StrategyName[] = STRATEGY_DEFINITIONS.map(
  d => d.name
);

/** Whether a string names a strategy. */
export function isStrategyName(name: string): name is StrategyName {
  return (STRATEGY_NAMES as readonly string[]).includes(name);
}
