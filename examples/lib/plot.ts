/**
 * Decision-boundary plots for 2-D classifiers, as PNG (pngjs). Reusable by any example: pass a function
 * that maps a batch of points to class probabilities, and the labelled points to draw on top.
 */
import { PNG } from 'pngjs';
import { Tensor } from '../../src/index.js';

/** RGB, 0–255. */
export type Rgb = readonly [number, number, number];

/** Distinct, colour-blind-friendly class colours (Tableau 10). */
export const CLASS_COLORS: readonly Rgb[] = [
  [78, 121, 167],
  [242, 142, 43],
  [89, 161, 79],
  [225, 87, 89],
  [176, 122, 161],
  [118, 183, 178],
  [237, 201, 72],
  [156, 117, 95],
  [255, 157, 167],
  [186, 176, 172],
];

export interface DecisionBoundaryOptions {
  /** Image width and height in pixels. Default 480. */
  size?: number;
  /** Margin around the data's bounding box, as a fraction of its extent. Default 0.08. */
  padding?: number;
  /** How far region colours are lightened toward white (0 = full colour, 1 = white). Default 0.55. */
  lighten?: number;
  /** Point radius in pixels. Default 3.5. */
  pointRadius?: number;
}

/**
 * Renders the classifier's decision regions over the points' bounding box (square, so the geometry is
 * not distorted) and draws the points on top.
 *
 * Each pixel's colour is the class colours mixed by the predicted probabilities, lightened: confident
 * regions show a clean class colour, uncertain borders blend. Points are drawn in a darker shade of their
 * true class with a white rim, so misclassified points stand out against the region colour.
 *
 * @param predictProba - maps `[n, 2]` points to `[n, classes]` probabilities (e.g. `(x) => model.predict(x)`)
 * @param x - the points, `[n, 2]`
 * @param y - their class indices
 * @returns the encoded PNG
 */
export function decisionBoundaryPng(
  predictProba: (points: Tensor) => Tensor,
  x: Tensor,
  y: ArrayLike<number>,
  options: DecisionBoundaryOptions = {},
): Buffer {
  const size = options.size ?? 480;
  const padding = options.padding ?? 0.08;
  const lighten = options.lighten ?? 0.55;
  const radius = options.pointRadius ?? 3.5;
  if (x.cols !== 2) throw new RangeError(`decisionBoundaryPng: points must be [n, 2], got ${x.shapeString()}`);

  // A square view around the data.
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
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  const x0 = cx - extent / 2;
  const y1 = cy + extent / 2; // top of the image is the largest y
  const scale = size / extent; // pixels per unit
  const toPixel = (px: number, py: number): [number, number] => [(px - x0) * scale, (y1 - py) * scale];

  const png = new PNG({ width: size, height: size });
  const out = png.data;

  // Regions: one model call per image row (pixel centres).
  const row = new Tensor([size, 2]);
  for (let r = 0; r < size; r++) {
    const py = y1 - (r + 0.5) / scale;
    for (let c = 0; c < size; c++) {
      row.data[2 * c] = x0 + (c + 0.5) / scale;
      row.data[2 * c + 1] = py;
    }
    const p = predictProba(row);
    for (let c = 0; c < size; c++) {
      let red = 0;
      let green = 0;
      let blue = 0;
      for (let k = 0; k < p.cols; k++) {
        const w = p.get(c, k);
        const color = CLASS_COLORS[k % CLASS_COLORS.length];
        red += w * color[0];
        green += w * color[1];
        blue += w * color[2];
      }
      const o = 4 * (r * size + c);
      out[o] = Math.round(red + (255 - red) * lighten);
      out[o + 1] = Math.round(green + (255 - green) * lighten);
      out[o + 2] = Math.round(blue + (255 - blue) * lighten);
      out[o + 3] = 255;
    }
  }

  // Points: anti-aliased discs with a white rim.
  for (let i = 0; i < x.rows; i++) {
    const [px, py] = toPixel(x.get(i, 0), x.get(i, 1));
    const base = CLASS_COLORS[y[i] % CLASS_COLORS.length];
    const fill: Rgb = [base[0] * 0.75, base[1] * 0.75, base[2] * 0.75];
    const rim = radius + 1.2;
    for (let r = Math.floor(py - rim - 1); r <= Math.ceil(py + rim + 1); r++) {
      for (let c = Math.floor(px - rim - 1); c <= Math.ceil(px + rim + 1); c++) {
        if (r < 0 || c < 0 || r >= size || c >= size) continue;
        const d = Math.hypot(c + 0.5 - px, r + 0.5 - py);
        const rimCover = clamp01(rim + 0.5 - d);
        const fillCover = clamp01(radius + 0.5 - d);
        if (rimCover === 0) continue;
        const o = 4 * (r * size + c);
        for (let ch = 0; ch < 3; ch++) {
          const withRim = out[o + ch] + (255 - out[o + ch]) * rimCover;
          out[o + ch] = Math.round(withRim + (fill[ch] - withRim) * fillCover);
        }
      }
    }
  }
  return PNG.sync.write(png);
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
