import { describe, expect, it } from 'vitest';
import { deriveSeed, deriveSeeds, Rng } from './index';

describe('Rng', () => {
  it('gives the same stream for the same seed and a different one otherwise', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const sa = Array.from({ length: 5 }, () => a.nextUint32());
    const sb = Array.from({ length: 5 }, () => b.nextUint32());
    const sc = Array.from({ length: 5 }, () => c.nextUint32());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
  });

  it('draws normals with mean ~0 and std ~1', () => {
    const xs = new Rng(7).normalArray(20000);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(Math.sqrt(variance) - 1)).toBeLessThan(0.03);
  });

  it('shuffles into a permutation, reproducibly', () => {
    const p = new Rng(1).permutation(50);
    expect([...p].sort((x, y) => x - y)).toEqual(
      Array.from({ length: 50 }, (_, i) => i)
    );
    expect(new Rng(1).permutation(50)).toEqual(p);
    expect(new Rng(2).permutation(50)).not.toEqual(p);
  });

  it('rejects bad seeds with the value in the message', () => {
    expect(() => new Rng(-1)).toThrow(/-1/);
    expect(() => new Rng(1.5)).toThrow(/1.5/);
  });
});

describe('seed derivation', () => {
  it('keeps split and labels fixed per sweep and varies the rest per run', () => {
    const r0 = deriveSeeds(1, 0);
    const r1 = deriveSeeds(1, 1);
    expect(r0.split).toBe(r1.split);
    expect(r0.labels).toBe(r1.labels);
    for (const f of ['order', 'init', 'dropout', 'noise'] as const) {
      expect(r0[f]).not.toBe(r1[f]);
    }
  });

  it('depends only on (sweep seed, run, factor)', () => {
    expect(deriveSeed(5, 7, 'init')).toBe(deriveSeed(5, 7, 'init'));
    expect(deriveSeed(5, 7, 'init')).not.toBe(deriveSeed(6, 7, 'init'));
    expect(deriveSeed(5, 7, 'init')).not.toBe(deriveSeed(5, 7, 'order'));
  });
});
