/**
 * Decision-boundary pictures for 2-D classifiers: the model's predicted class regions, shaded, under the
 * labelled points, with a title, both axes and a class legend. Reusable by any example: pass a function
 * that maps a batch of points to class probabilities.
 */
import { PNG } from 'pngjs';
import type { TopLevelSpec } from 'vega-lite';
import { Tensor } from 'handgrad';
import { CLASS_COLORS, renderChart } from './chart.js';

export interface DecisionBoundaryOptions {
  title?: string;
  /** Names for the legend, by class index. Default "class 0", "class 1", … */
  classNames?: readonly string[];
  /** Side of the square plot area in SVG pixels. Default 440. */
  size?: number;
  /** Output pixels per SVG pixel. Default 1.5. */
  scale?: number;
  /** Margin around the data's bounding box, as a fraction of its extent. Default 0.08. */
  padding?: number;
  /** How far region colours are lightened toward white (0 = full colour, 1 = white). Default 0.55. */
  lighten?: number;
}

/** A square view around the points: [x0, x0 + extent] × [y0, y0 + extent]. */
export interface View {
  x0: number;
  y0: number;
  extent: number;
}

export function squareView(x: Tensor, padding: number): View {
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < x.rows; i++) {
    minX = Math.min(minX, x.get(i, 0));
    maxX = Math.max(maxX, x.get(i, 0));
    minY = Math.min(minY, x.get(i, 1));
    maxY = Math.max(maxY, x.get(i, 1));
  }
  const extent = Math.max(maxX - minX, maxY - minY, 1e-9) * (1 + 2 * padding);
  return { x0: (minX + maxX - extent) / 2, y0: (minY + maxY - extent) / 2, extent };
}

/**
 * The decision regions as a `pixels`×`pixels` PNG over `view` (top row = largest y). Each pixel's colour
 * is the class colours mixed by the predicted probabilities, lightened: confident regions show a clean
 * class colour, uncertain borders blend.
 */
export function regionsPng(predictProba: (points: Tensor) => Tensor, view: View, pixels: number, lighten: number): Buffer {
  const png = new PNG({ width: pixels, height: pixels });
  const rgb = CLASS_COLORS.map(hexToRgb);
  const row = new Tensor([pixels, 2]); // one model call per image row, at pixel centres
  const step = view.extent / pixels;
  for (let r = 0; r < pixels; r++) {
    for (let c = 0; c < pixels; c++) {
      row.data[2 * c] = view.x0 + (c + 0.5) * step;
      row.data[2 * c + 1] = view.y0 + view.extent - (r + 0.5) * step;
    }
    const p = predictProba(row);
    for (let c = 0; c < pixels; c++) {
      const mixed = [0, 0, 0];
      for (let k = 0; k < p.cols; k++) {
        const w = p.get(c, k);
        for (let ch = 0; ch < 3; ch++) mixed[ch] += w * rgb[k % rgb.length][ch];
      }
      const o = 4 * (r * pixels + c);
      for (let ch = 0; ch < 3; ch++) png.data[o + ch] = Math.round(mixed[ch] + (255 - mixed[ch]) * lighten);
      png.data[o + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

/**
 * The Vega-Lite spec of the picture: the classifier's decision regions over the points' bounding box
 * (square, so the geometry is not distorted) with the points on top, coloured by their true class (so
 * misclassified points stand out against the region colour).
 *
 * @param predictProba - maps `[n, 2]` points to `[n, classes]` probabilities (e.g. `(x) => model.predict(x)`)
 * @param x - the points, `[n, 2]`
 * @param y - their class indices
 */
export function decisionBoundarySpec(
  predictProba: (points: Tensor) => Tensor,
  x: Tensor,
  y: ArrayLike<number>,
  options: DecisionBoundaryOptions = {},
): TopLevelSpec {
  if (x.cols !== 2) throw new RangeError(`decisionBoundaryPng: points must be [n, 2], got ${x.shapeString()}`);
  const size = options.size ?? 440;
  const scale = options.scale ?? 1.5;
  const view = squareView(x, options.padding ?? 0.08);
  const classes = Math.max(...Array.from(y)) + 1;
  const names = Array.from({ length: classes }, (_, k) => options.classNames?.[k] ?? `class ${k}`);
  const regions = regionsPng(predictProba, view, Math.round(size * scale), options.lighten ?? 0.55);
  const axis = (lo: number) => ({ domain: [lo, lo + view.extent], nice: false, zero: false });
  const points = Array.from({ length: x.rows }, (_, i) => ({ x1: x.get(i, 0), x2: x.get(i, 1), label: names[y[i]] }));
  return {
    title: { text: options.title ?? 'Decision regions', subtitle: 'shading: predicted class · dots: true class' },
    width: size,
    height: size,
    layer: [
      {
        data: { values: [{ url: `data:image/png;base64,${regions.toString('base64')}` }] },
        mark: { type: 'image', width: size, height: size, aspect: false, align: 'center', baseline: 'middle', aria: false },
        encoding: {
          url: { field: 'url', type: 'nominal' },
          x: { datum: view.x0 + view.extent / 2, type: 'quantitative', scale: axis(view.x0) },
          y: { datum: view.y0 + view.extent / 2, type: 'quantitative', scale: axis(view.y0) },
        },
      },
      {
        data: { values: points },
        mark: { type: 'point', shape: 'circle', filled: true, size: 42, opacity: 1, stroke: 'white', strokeWidth: 1.2 },
        encoding: {
          x: { field: 'x1', type: 'quantitative', title: 'x₁' },
          y: { field: 'x2', type: 'quantitative', title: 'x₂' },
          color: { field: 'label', type: 'nominal', title: 'class', scale: { domain: names, range: CLASS_COLORS.slice(0, classes) } },
        },
      },
    ],
  };
}

/** {@link decisionBoundarySpec} rendered: the encoded PNG. */
export function decisionBoundaryPng(
  predictProba: (points: Tensor) => Tensor,
  x: Tensor,
  y: ArrayLike<number>,
  options: DecisionBoundaryOptions = {},
): Promise<Buffer> {
  return renderChart(decisionBoundarySpec(predictProba, x, y, options), { scale: options.scale ?? 1.5 });
}

export function hexToRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
