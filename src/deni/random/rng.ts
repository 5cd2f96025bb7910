import { createHash } from 'node:crypto';
import { type RandomGenerator, xoroshiro128plus } from 'pure-rand';

/**
 * A seeded generator for one randomness factor. Wraps pure-rand's xoroshiro128+ (mutable use),
 * so the same seed gives the same stream on every platform and back-end.
 */
export class Rng {
  private gen: RandomGenerator;
  private spareNormal: number | null = null;

  /** @param seed a 32-bit unsigned integer (see deriveSeed). */
  constructor(readonly seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(
        `Rng seed must be an integer in [0, 2^32), got ${String(seed)}`
      );
    }
    this.gen = xoroshiro128plus(seed);
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    return this.gen.unsafeNext() >>> 0;
  }

  /** Uniform float in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n), without modulo bias. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 0x100000000) {
      throw new RangeError(`Rng.int needs an integer n in [1, 2^32], got ${n}`);
    }
    const limit = 0x100000000 - (0x100000000 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) {
        return x % n;
      }
    }
  }

  /** Standard normal draw (Marsaglia polar method; caches the second value). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    for (;;) {
      const u = this.uniform() * 2 - 1;
      const v = this.uniform() * 2 - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const m = Math.sqrt((-2 * Math.log(s)) / s);
        this.spareNormal = v * m;
        return u * m;
      }
    }
  }

  /** Float32Array of `n` normal draws with the given mean and std. */
  normalArray(n: number, mean = 0, std = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = mean + std * this.normal();
    }
    return out;
  }

  /** Float32Array of `n` uniform draws in [lo, hi). */
  uniformArray(n: number, lo = 0, hi = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = lo + (hi - lo) * this.uniform();
    }
    return out;
  }

  /** In-place Fisher-Yates shuffle; returns the same array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** A permutation of 0..n-1. */
  permutation(n: number): number[] {
    return this.shuffle(Array.from({ length: n }, (_, i) => i));
  }

  /** An independent child generator, seeded from this stream (for sub-streams such as ensemble members). */
  fork(label: string): Rng {
    return new Rng(
      hashToUint32(`${this.seed}/fork/${label}/${this.nextUint32()}`)
    );
  }
}

/** First 32 bits of SHA-256 of a string, as an unsigned integer. */
export function hashToUint32(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}
