// A small seeded random-number generator, so every experiment, initialisation
// and test in nnlab can be reproduced exactly from one integer seed.
//
// The core is mulberry32: a 32-bit state advanced by a constant and mixed
// with a few multiply/xor-shift steps. It is fast, has a period of 2^32 and is
// plenty for shuffling data and drawing initial weights (it is not meant for
// cryptography).

export class Rng {
  /** The seed this generator was created with (print it to reproduce a failure). */
  readonly seed: number;
  private state: number;
  /** Box–Muller produces normals in pairs; the second one is kept here. */
  private spareNormal: number | null = null;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`Rng: seed must be a finite number, got ${seed}`);
    this.seed = seed;
    // Fold any finite number (negative, fractional, large) into 32 bits.
    this.state = (Math.trunc(seed) ^ Math.trunc(seed / 2 ** 32)) >>> 0;
  }

  /** A uniform number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A uniform number in [lo, hi). */
  uniform(lo = 0, hi = 1): number {
    if (!(hi >= lo)) throw new RangeError(`Rng.uniform: need lo ≤ hi, got [${lo}, ${hi})`);
    return lo + (hi - lo) * this.next();
  }

  /** A normal draw N(mean, sd²) by the Box–Muller transform. */
  normal(mean = 0, sd = 1): number {
    if (!(sd >= 0)) throw new RangeError(`Rng.normal: sd must be ≥ 0, got ${sd}`);
    let z: number;
    if (this.spareNormal !== null) {
      z = this.spareNormal;
      this.spareNormal = null;
    } else {
      // 1 − next() lies in (0, 1], so the logarithm is finite.
      const r = Math.sqrt(-2 * Math.log(1 - this.next()));
      const theta = 2 * Math.PI * this.next();
      z = r * Math.cos(theta);
      this.spareNormal = r * Math.sin(theta);
    }
    return mean + sd * z;
  }

  /** A uniform integer in 0..n−1. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`Rng.int: n must be a positive integer, got ${n}`);
    return Math.floor(this.next() * n);
  }

  /** Shuffles `arr` in place (Fisher–Yates) and returns it. */
  shuffle<T>(arr: T[]): T[] {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = arr[i];
      arr[i] = arr[j];
      arr[j] = tmp;
    }
    return arr;
  }

  /** A random ordering of 0..n−1. */
  permutation(n: number): number[] {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`Rng.permutation: n must be a non-negative integer, got ${n}`);
    return this.shuffle(Array.from({ length: n }, (_, i) => i));
  }
}
