import { describe, expect, it } from 'vitest';
import {
  InterpolationError,
  hasInterpolation,
  interpolate
} from './interpolate';

const scope: Record<string, unknown> = {
  profile: 'tiny',
  runs: 3,
  budget: { samples: 16, epochs: 1 },
  strategies: ['default', { name: 'deni', params: { K: 3 } }]
};

function evaluate(expression: string): unknown {
  // A tiny evaluator over `scope` (the kernel uses the notebook's vm context).
  return new Function(...Object.keys(scope), `return (${expression});`)(
    ...Object.values(scope)
  );
}

describe('magic interpolation', () => {
  it('replaces strings, numbers and JSON values', () => {
    const body = [
      'name: s-${profile}',
      'runs: ${runs * 2}',
      'budget: ${budget}',
      'strategies: ${strategies}',
      "note: ${ { a: '}' }.a }"
    ].join('\n');
    expect(interpolate(body, evaluate)).toBe(
      [
        'name: s-tiny',
        'runs: 6',
        'budget: {"samples":16,"epochs":1}',
        'strategies: ["default",{"name":"deni","params":{"K":3}}]',
        'note: }'
      ].join('\n')
    );
  });

  it('keeps `$${` as a literal `${` and leaves plain text alone', () => {
    expect(hasInterpolation('a: $${x}')).toBe(false);
    expect(hasInterpolation('a: ${x}')).toBe(true);
    expect(interpolate('a: $${x} b: ${runs}', evaluate)).toBe('a: ${x} b: 3');
    expect(interpolate('no magic here', evaluate)).toBe('no magic here');
  });

  it('names the line and expression of undefined or failing values', () => {
    expect(() => interpolate('a: 1\nb: ${missing}', evaluate)).toThrow(
      /cannot evaluate \$\{missing\}.*\(line 2\)/
    );
    expect(() => interpolate('a: ${undefined}', evaluate)).toThrow(
      InterpolationError
    );
    expect(() => interpolate('a: ${undefined}', evaluate)).toThrow(
      /is undefined/
    );
    expect(() => interpolate('a:\n\n ${runs', evaluate)).toThrow(/line 3/);
  });
});
