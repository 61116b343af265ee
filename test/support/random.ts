/** Small seeded PRNG (mulberry32) so generated test inputs reproduce from their seed. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  bool(p = 0.5): boolean {
    return this.next() < p;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

/** The same generator as a plain function, for code that only needs numbers in [0, 1). */
export function prng(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}

/**
 * The seeds of a recorded fuzz suite: `n` from `base`, or the one in SLIPWAY_FUZZ_SEED (a replay),
 * or SLIPWAY_FUZZ_RUNS of them (with the oracle and SLIPWAY_RECORD=1, more than are recorded).
 */
export function fuzzSeeds(base: number, n: number, env: NodeJS.ProcessEnv = process.env): number[] {
  const fixed = env.SLIPWAY_FUZZ_SEED;
  if (fixed) return [Number(fixed)];
  const runs = env.SLIPWAY_FUZZ_RUNS;
  return Array.from({ length: runs ? Number(runs) : n }, (_, i) => base + i);
}
