import { describe, expect, it } from 'vitest';
import { spiralData, verticalData } from '../../src/index.js';

/** Wraps an angle into (−π, π]. */
const wrap = (a: number) => a - 2 * Math.PI * Math.round(a / (2 * Math.PI));

describe('spiralData', () => {
  it('has the requested shape, rows grouped by class', () => {
    const { x, y } = spiralData({ samples: 50, classes: 4, seed: 1 });
    expect(x.shape).toEqual([200, 2]);
    expect(y).toHaveLength(200);
    for (let k = 0; k < 4; k++) expect(Array.from(y.subarray(50 * k, 50 * (k + 1)))).toEqual(new Array(50).fill(k));
  });

  it('follows the book formula: radius = linspace(0, 1), angle 2.5·t with t = linspace(4k, 4k+4) + 0.2·N(0,1)', () => {
    const n = 500;
    const { x } = spiralData({ samples: n, classes: 3, seed: 2 });
    const residuals: number[] = [];
    for (let k = 0; k < 3; k++) {
      for (let i = 0; i < n; i++) {
        const row = k * n + i;
        const [a, b] = [x.get(row, 0), x.get(row, 1)];
        const r = i / (n - 1);
        expect(Math.hypot(a, b)).toBeCloseTo(r, 5); // x = (r·sin 2.5t, r·cos 2.5t) has length r
        // the angle of (sin, cos) is 2.5·t; its noise-free part is 2.5·(4k + 4i/(n−1)), noise 2.5·0.2·N = 0.5·N
        if (i > 0) residuals.push(wrap(Math.atan2(a, b) - 2.5 * (4 * k + (4 * i) / (n - 1))));
      }
    }
    const mean = residuals.reduce((s, v) => s + v, 0) / residuals.length;
    const std = Math.sqrt(residuals.reduce((s, v) => s + (v - mean) ** 2, 0) / residuals.length);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(std).toBeGreaterThan(0.46);
    expect(std).toBeLessThan(0.54);
  });

  it('is reproducible by seed and different across seeds', () => {
    expect(spiralData({ seed: 5 }).x.data).toEqual(spiralData({ seed: 5 }).x.data);
    expect(spiralData({ seed: 5 }).x.data).not.toEqual(spiralData({ seed: 6 }).x.data);
  });

  it('defaults to 100 samples × 3 classes and rejects bad counts', () => {
    expect(spiralData({ seed: 0 }).x.shape).toEqual([300, 2]);
    expect(() => spiralData({ samples: 0 })).toThrow('spiralData: samples must be an integer ≥ 1, got 0');
    expect(() => spiralData({ classes: 2.5 })).toThrow('spiralData: classes must be an integer ≥ 1, got 2.5');
  });
});

describe('verticalData', () => {
  it('puts class k around (k/3, 0.5) with spread 0.1', () => {
    const n = 2000;
    const { x, y } = verticalData({ samples: n, classes: 3, seed: 3 });
    expect(x.shape).toEqual([3 * n, 2]);
    for (let k = 0; k < 3; k++) {
      let mx = 0;
      let my = 0;
      let vx = 0;
      for (let i = k * n; i < (k + 1) * n; i++) {
        expect(y[i]).toBe(k);
        mx += x.get(i, 0) / n;
        my += x.get(i, 1) / n;
      }
      for (let i = k * n; i < (k + 1) * n; i++) vx += (x.get(i, 0) - mx) ** 2 / n;
      // standard error of a mean of 2000 draws with spread 0.1 is 0.0022: allow 0.01
      expect(Math.abs(mx - k / 3)).toBeLessThan(0.01);
      expect(Math.abs(my - 0.5)).toBeLessThan(0.01);
      expect(Math.sqrt(vx)).toBeCloseTo(0.1, 2);
    }
  });
});
