import { describe, expect, it } from 'vitest';
import { Random, setGlobalSeed } from '../../src/index.js';
import { randomFor } from '../../src/core/random.js';

describe('Random', () => {
  it('is reproducible by seed and differs across seeds', () => {
    const draw = (seed: number) => {
      const r = new Random(seed);
      return Array.from({ length: 8 }, () => r.uniform());
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
  });

  it('uniform lies in [0, 1) with mean ≈ 1/2; normal has mean ≈ 0 and std ≈ 1', () => {
    const r = new Random(123);
    const n = 100_000;
    let sum = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      sum += u;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(sum / n).toBeCloseTo(0.5, 2);
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s1 += z;
      s2 += z * z;
    }
    expect(s1 / n).toBeCloseTo(0, 1);
    expect(Math.sqrt(s2 / n - (s1 / n) ** 2)).toBeCloseTo(1, 1);
  });

  it('int(n) covers [0, n) evenly', () => {
    const r = new Random(5);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[r.int(4)]++;
    counts.forEach((c) => expect(Math.abs(c - 10_000)).toBeLessThan(500));
  });

  it('setGlobalSeed makes unseeded streams reproducible', () => {
    setGlobalSeed(9);
    const a = randomFor(undefined).uniform();
    const a2 = randomFor(undefined).uniform();
    setGlobalSeed(9);
    expect(randomFor(undefined).uniform()).toBe(a);
    expect(randomFor(undefined).uniform()).toBe(a2);
    expect(a).not.toBe(a2);
  });

  it('rejects a non-finite seed', () => {
    expect(() => new Random(Number.NaN)).toThrow('Random: seed must be a safe integer (|seed| < 2^53), got NaN');
  });
});
