/**
 * The examples' pictures (Vega-Lite → SVG → resvg): the right things are drawn where they belong, every
 * picture has its title, axis titles and legend as text, and the text is actually rasterised with the
 * shipped font (resvg silently drops text it has no font for).
 */
import { PNG } from 'pngjs';
import type { TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/index.js';
import { CLASS_COLORS, chartSvg, renderChart, svgToPng } from '../../examples/lib/chart.js';
import { confusionCounts, greyImageUrl, misclassifiedView, testReportSpec } from '../../examples/lib/confusion-matrix.js';
import { decisionBoundarySpec, hexToRgb } from '../../examples/lib/decision-boundary.js';
import { lineChartSpec } from '../../examples/lib/line-chart.js';

type Image = { width: number; height: number; data: Buffer };

/** Pixels whose RGB is within `tolerance` of `rgb` (per channel). */
function matching(png: Image, rgb: readonly number[], tolerance = 2): { x: number; y: number }[] {
  const out: { x: number; y: number }[] = [];
  for (let i = 0; i < png.width * png.height; i++) {
    const o = 4 * i;
    if ([0, 1, 2].every((c) => Math.abs(png.data[o + c] - rgb[c]) <= tolerance)) out.push({ x: i % png.width, y: Math.floor(i / png.width) });
  }
  return out;
}

/** Dark pixels (text ink) inside the rectangle. */
function inkIn(png: Image, x0: number, y0: number, x1: number, y1: number): number {
  let n = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (png.data[4 * (y * png.width + x)] < 100) n++;
  return n;
}

/** The text content of every <text> element in an SVG. */
const texts = (svg: string): string[] => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

describe('svgToPng', () => {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="4" y="30" font-family="DejaVu Sans" font-size="24">Hello, 0.92</text></svg>';

  it('rasterises text with the font shipped in dejavu-fonts-ttf (not the system’s)', async () => {
    const png = PNG.sync.read(await svgToPng(svg, { scale: 1 }));
    expect([png.width, png.height]).toEqual([200, 40]);
    expect(inkIn(png, 0, 0, 200, 40)).toBeGreaterThan(150);
  });

  it('falls back to the shipped font for a family it does not have, never a blank', async () => {
    const png = PNG.sync.read(await svgToPng(svg.replace('DejaVu Sans', 'No Such Font'), { scale: 1 }));
    expect(inkIn(png, 0, 0, 200, 40)).toBeGreaterThan(150);
  });
});

describe('decisionBoundarySpec', () => {
  // class 0 left of x = 0, class 1 right of it, with certainty
  const predict = (p: Tensor) => {
    const out = new Tensor([p.rows, 2]);
    for (let i = 0; i < p.rows; i++) out.data[2 * i + (p.get(i, 0) < 0 ? 0 : 1)] = 1;
    return out;
  };
  const x = Tensor.fromArray([[-1, -1], [1, 1], [-0.5, 0.8]]);
  const spec = decisionBoundarySpec(predict, x, [0, 1, 1], { title: 'Known boundary', classNames: ['left', 'right'], size: 200, scale: 1, lighten: 0.5 });

  it('has a title, both axis titles and a legend naming the classes', async () => {
    const t = texts(await chartSvg(spec));
    for (const s of ['Known boundary', 'x₁', 'x₂', 'class', 'left', 'right']) expect(t).toContain(s);
  });

  it('shades each side of the boundary with its lightened class colour, left and right of each other', async () => {
    const png = PNG.sync.read(await renderChart(spec, { scale: 1 }));
    const light = (k: number) => hexToRgb(CLASS_COLORS[k]).map((v) => Math.round(v + (255 - v) * 0.5));
    const left = matching(png, light(0));
    const right = matching(png, light(1));
    // each region fills about half of the 200×200 plot area
    expect(left.length).toBeGreaterThan(15_000);
    expect(right.length).toBeGreaterThan(15_000);
    const meanX = (ps: { x: number }[]) => ps.reduce((s, p) => s + p.x, 0) / ps.length;
    expect(meanX(right) - meanX(left)).toBeGreaterThan(80); // ≈ 100: the two halves' centres
    // the points are drawn on top in their full class colour
    expect(matching(png, hexToRgb(CLASS_COLORS[0]), 0).length).toBeGreaterThan(10);
    expect(matching(png, hexToRgb(CLASS_COLORS[1]), 0).length).toBeGreaterThan(20);
  });

  it('rejects points that are not 2-D, naming the shape', () => {
    expect(() => decisionBoundarySpec(predict, new Tensor([2, 3]), [0, 1])).toThrow('points must be [n, 2], got [2, 3]');
  });
});

describe('lineChartSpec', () => {
  const xs = [0, 0.5, 1];
  const spec = lineChartSpec(
    [
      { label: 'target', xs, ys: [0, 1, 0], color: '#3c3c3c', width: 5 },
      { label: 'prediction', xs, ys: [0, 0.8, 0.1], color: '#f28e2c' },
    ],
    { title: 'Two curves', xLabel: 'input', yLabel: 'output' },
  );

  it('has a title, axis titles and a legend with both series', async () => {
    const t = texts(await chartSvg(spec));
    for (const s of ['Two curves', 'input', 'output', 'target', 'prediction']) expect(t).toContain(s);
  });

  it('draws both lines in their colours, the title in ink at the top', async () => {
    const png = PNG.sync.read(await renderChart(spec, { scale: 1 }));
    expect(matching(png, [0x3c, 0x3c, 0x3c], 0).length).toBeGreaterThan(500);
    expect(matching(png, [0xf2, 0x8e, 0x2c], 0).length).toBeGreaterThan(200);
    expect(inkIn(png, 0, 0, 200, 30)).toBeGreaterThan(50);
  });
});

describe('test report: confusion matrix and misclassified images', () => {
  const names = ['cat', 'dog', 'bird'];
  const counts = confusionCounts([0, 0, 1, 1, 2, 2, 2], [0, 1, 1, 1, 2, 0, 2], 3);

  it('counts true × predicted', () => {
    expect(counts).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 2],
    ]);
  });

  it('has a title, axis titles, the class names, every count and a legend; captions under each image', async () => {
    const pixels = new Float32Array(4).fill(0.5);
    const items = [{ pixels, height: 2, width: 2, truth: 'cat', predicted: 'dog', confidence: 0.83 }];
    const t = texts(await chartSvg(testReportSpec(counts, names, items, 'Heading')));
    for (const s of ['Heading', 'Confusion matrix (7 test images)', 'true class', 'predicted class', 'share of true class', 'cat', 'dog', 'bird', '2', '1 misclassified test images', '→ dog (0.83)']) {
      expect(t).toContain(s);
    }
  });

  it('puts no facet header (the item index) over the images', async () => {
    const pixels = new Float32Array(4);
    const items = [0, 1].map(() => ({ pixels, height: 2, width: 2, truth: 'cat', predicted: 'dog', confidence: 0.5 }));
    const t = texts(await chartSvg({ ...misclassifiedView(items, 'Grid') } as TopLevelSpec));
    expect(t.filter((s) => /^\d+$/.test(s))).toEqual([]);
    expect(t.filter((s) => s === 'cat')).toHaveLength(2);
  });

  it('draws each image dark on light, each pixel as a zoom×zoom block', () => {
    const url = greyImageUrl([0, 1, 0.5, 0], 2, 2, 3);
    const png = PNG.sync.read(Buffer.from(url.replace('data:image/png;base64,', ''), 'base64'));
    expect([png.width, png.height]).toEqual([6, 6]);
    const grey = (x: number, y: number) => png.data[4 * (y * 6 + x)];
    expect([grey(0, 0), grey(2, 2), grey(3, 0), grey(5, 2), grey(0, 3), grey(5, 5)]).toEqual([255, 255, 0, 0, 128, 255]);
  });
});
