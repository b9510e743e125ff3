import { checkSeed, describeValue, showValue } from './validate.js';

/**
 * A small, fast, seedable pseudo-random generator (sfc32, seeded through splitmix32) with a normal
 * sampler. Every source of randomness in handgrad — initialisers, data generators, shuffling, dropout —
 * takes one of these, so the same seed gives a bit-identical run. `Math.random` is never used.
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** Second value of the last Box–Muller pair, served by the next `normal()` call. */
  private spareNormal: number | null = null;

  /** @param seed - a safe integer (|seed| < 2⁵³); seeds that differ in any bit give different streams. */
  constructor(seed: number) {
    checkSeed('Random', 'seed', seed);
    // splitmix32 spreads the seed's bits over the four state words, so nearby seeds give unrelated streams.
    let s = (seed ^ 0x9e3779b9) >>> 0; // the low 32 bits (seed ^ … takes them, two's complement)
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    // The high bits (0 for seeds in [0, 2³²), which keeps their streams unchanged) go into two words.
    const high = Math.floor(seed / 4294967296) >>> 0;
    if (high !== 0) {
      s = (s ^ high) >>> 0;
      this.c ^= next();
      this.d ^= next();
    }
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A uniformly distributed 32-bit unsigned integer. */
  nextUint32(): number {
    // sfc32 (Chris Doty-Humphrey's Small Fast Counting generator).
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal N(0, 1), by the Box–Muller transform. */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform(); // log(0) would be -Infinity
    const v = this.uniform();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }

  /** Fills `out` with N(mean, std²) samples and returns it. */
  fillNormal(out: Float32Array, mean = 0, std = 1): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = mean + std * this.normal();
    return out;
  }

  /** Fills `out` with uniform samples in [low, high) and returns it. */
  fillUniform(out: Float32Array, low = 0, high = 1): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = low + (high - low) * this.uniform();
    return out;
  }

  /**
   * The generator's complete state as plain numbers, e.g. to save a model whose Dropout masks must continue
   * exactly where they left off. {@link Random.setState} restores it.
   */
  getState(): RandomState {
    return { words: [this.a, this.b, this.c, this.d], spareNormal: this.spareNormal };
  }

  /**
   * Restores a state from {@link Random.getState}: the generator then continues that stream exactly.
   * @throws naming the field if the state is malformed
   */
  setState(state: RandomState): void {
    const words = state?.words;
    if (!Array.isArray(words) || words.length !== 4 || !words.every((w) => Number.isInteger(w) && w >= -(2 ** 31) && w < 2 ** 32)) {
      throw new RangeError(`Random.setState: words must be 4 32-bit integers, got ${showValue(words)}`);
    }
    const spare = state.spareNormal;
    if (spare !== null && !(typeof spare === 'number' && Number.isFinite(spare))) {
      throw new RangeError(`Random.setState: spareNormal must be a finite number or null, got ${describeValue(spare)}`);
    }
    [this.a, this.b, this.c, this.d] = words.map((w) => w | 0);
    this.spareNormal = spare;
  }

  /** A new generator whose seed is drawn from this one: independent streams from one root seed. */
  fork(): Random {
    return new Random(this.nextUint32());
  }
}

/** A snapshot of a {@link Random}: its four sfc32 state words and the cached second normal sample. */
export interface RandomState {
  readonly words: readonly number[];
  readonly spareNormal: number | null;
}

/** The generator used when a caller gives no seed. Reset it with {@link setGlobalSeed}. */
let globalRandom = new Random(42);

/**
 * Reseeds the default generator that layers and helpers use when no `seed` is passed, so a whole script
 * becomes reproducible with one call (like `torch.manual_seed`).
 */
export function setGlobalSeed(seed: number): void {
  globalRandom = new Random(checkSeed('setGlobalSeed', 'seed', seed));
}

/**
 * A generator for `seed`, or a fresh stream forked from the default generator when `seed` is undefined.
 * @throws naming `op` unless `seed` is undefined or a safe integer
 */
export function randomFor(seed: number | undefined, op = 'randomFor'): Random {
  if (seed === undefined) return globalRandom.fork();
  return new Random(checkSeed(op, 'seed', seed));
}
