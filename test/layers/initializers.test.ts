import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/index.js';
import { INITIALIZERS, initializeWeights, type InitializerName } from '../../src/layers/initializers.js';

/*
 * The weight initialisers: each draws from its documented distribution (checked on the sample's moments
 * and range with bounds several standard errors wide), deterministically for a seed, and an unknown name
 * is refused by name.
 */

function moments(a: Float32Array): { mean: number; std: number; min: number; max: number } {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of a) {
    sum += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = sum / a.length;
  let sq = 0;
  for (const v of a) sq += (v - mean) ** 2;
  return { mean, std: Math.sqrt(sq / a.length), min, max };
}

describe('initializeWeights', () => {
  it('draws from the named distribution for any fan-in and fan-out', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 0, max: 1e6 }), (nIn, nOut, seed) => {
        const n = 20_000; // the sample (the weight count does not change the distribution)
        const expected: Record<InitializerName, { std: number; limit?: number }> = {
          small: { std: 0.01 },
          he: { std: Math.sqrt(2 / nIn) },
          // U(−l, l) has standard deviation l/√3
          glorot: { std: Math.sqrt(6 / (nIn + nOut)) / Math.sqrt(3), limit: Math.sqrt(6 / (nIn + nOut)) },
        };
        for (const name of INITIALIZERS) {
          const w = new Float32Array(n);
          initializeWeights(name, w, nIn, nOut, new Random(seed));
          const m = moments(w);
          const { std, limit } = expected[name];
          // standard errors at n = 20 000: mean σ/141, std ≈ σ/200 — bounds of ~6 of them
          expect(Math.abs(m.mean), `${name} mean`).toBeLessThan((6 * std) / Math.sqrt(n));
          expect(Math.abs(m.std / std - 1), `${name} std`).toBeLessThan(0.03);
          if (limit !== undefined) {
            expect(m.min, `${name} min`).toBeGreaterThanOrEqual(-limit);
            expect(m.max, `${name} max`).toBeLessThanOrEqual(limit);
          }
        }
      }),
      { numRuns: 20 },
    );
  });

  it('is deterministic for a seed and differs between seeds', () => {
    for (const name of INITIALIZERS) {
      const draw = (seed: number) => {
        const w = new Float32Array(64);
        initializeWeights(name, w, 8, 8, new Random(seed));
        return Array.from(w);
      };
      expect(draw(3), name).toEqual(draw(3));
      expect(draw(3), name).not.toEqual(draw(4));
    }
  });

  it('refuses an unknown initializer by name, listing the known ones', () => {
    expect(() => initializeWeights('xavier' as InitializerName, new Float32Array(4), 2, 2, new Random(1))).toThrow(
      /initializeWeights: unknown initializer 'xavier' \(use 'small', 'he' or 'glorot'\)/,
    );
  });
});
