import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/index.js';
import { CLASS_COLORS, decisionBoundaryPng } from '../../examples/lib/plot.js';

describe('decisionBoundaryPng', () => {
  it('colours each side of a known boundary with its lightened class colour and draws the points', () => {
    // class 0 left of x = 0, class 1 right of it, with certainty
    const predict = (p: Tensor) => {
      const out = new Tensor([p.rows, 2]);
      for (let i = 0; i < p.rows; i++) out.data[2 * i + (p.get(i, 0) < 0 ? 0 : 1)] = 1;
      return out;
    };
    const x = Tensor.fromArray([[-1, -1], [1, 1]]);
    const png = PNG.sync.read(decisionBoundaryPng(predict, x, [0, 1], { size: 100, padding: 0.1, lighten: 0.5 }));
    expect([png.width, png.height]).toEqual([100, 100]);
    const pixel = (c: number, r: number) => Array.from(png.data.subarray(4 * (r * 100 + c), 4 * (r * 100 + c) + 3));
    const light = (k: number) => CLASS_COLORS[k].map((v) => Math.round(v + (255 - v) * 0.5));
    expect(pixel(20, 50)).toEqual(light(0)); // left half, away from the points
    expect(pixel(80, 50)).toEqual(light(1));
    // the point (−1, −1) sits at the bottom-left, drawn in a darker shade of class 0
    const margin = (100 * 0.1) / 1.2; // padding 0.1 of the extent 2 on each side of a 2.4-wide view
    const [pc, pr] = [Math.floor(margin), Math.floor(100 - margin)];
    expect(pixel(pc, pr)).toEqual(CLASS_COLORS[0].map((v) => Math.round(v * 0.75)));
  });
});
