import { describe, expect, it } from 'vitest';
import { GrowableArray } from '../../src/data/growable-array.js';

describe('GrowableArray', () => {
  it('keeps every value while growing, in place up to its bound and by copying past it, and ends exact', () => {
    for (const bound of [Infinity, 5000, 10]) {
      const g = new GrowableArray(Float32Array, bound);
      for (let i = 0; i < 3000; i++) g.reserve(i + 1)[i] = i * 0.5;
      const out = g.finish(3000);
      expect(out.length).toBe(3000);
      expect(out[0]).toBe(0);
      expect(out[2999]).toBe(1499.5);
      expect(out.every((v, i) => v === i * 0.5)).toBe(true);
    }
    const labels = new GrowableArray(Int32Array, 4);
    labels.reserve(3).set([7, 8, 9]);
    expect(Array.from(labels.finish(3))).toEqual([7, 8, 9]);
    expect(new GrowableArray(Float32Array).finish(0).length).toBe(0);
  });
});
