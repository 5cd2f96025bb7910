import { createHash } from 'node:crypto';
import type { IRunSpec } from '../contract/types';

/**
 * Version tag hashed into every run key. Bump it when a change to the engine makes stored results
 * stale (different numbers for the same RunSpec), so old rows are no longer reused.
 */
export const RUN_KEY_VERSION = 'deni-run/v2';

/**
 * Canonical JSON: object keys sorted at every depth, `undefined` members dropped, no whitespace.
 * Two values that mean the same configuration give the same text, whatever order they were written in.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new TypeError(
        `canonicalJson: cannot encode the non-finite number ${value}`
      );
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map(v => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  }
  const obj = value as Record<string, unknown>;
  const parts = Object.keys(obj)
    .filter(k => obj[k] !== undefined)
    .sort()
    .map(k => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`);
  return `{${parts.join(',')}}`;
}

/** What a run key covers: the run's configuration, run index and seeds (not its sweep name). */
export function runIdentity(
  spec: Omit<IRunSpec, 'key'>
): Record<string, unknown> {
  const config: Record<string, unknown> = { ...spec };
  delete config.sweep;
  delete config.key;
  // An empty params object means the same as none.
  const strategy = spec.strategy;
  config.strategy =
    strategy.params && Object.keys(strategy.params).length > 0
      ? strategy
      : { name: strategy.name };
  return { v: RUN_KEY_VERSION, ...config };
}

/**
 * The store key of a run: SHA-256 (hex) of the canonical JSON of its configuration, run index and
 * per-factor seeds. The sweep name is left out, so the same run is reused across sweeps and renames.
 */
export function runKey(spec: Omit<IRunSpec, 'key'>): string {
  return createHash('sha256')
    .update(canonicalJson(runIdentity(spec)))
    .digest('hex');
}
