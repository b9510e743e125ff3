/**
 * A small line chart as PNG (pngjs), for examples that compare curves — e.g. a regression model's
 * prediction against its target. Draws a frame, grid lines with numeric tick labels, each series as an
 * anti-aliased line, and a legend, with a built-in 5×7 pixel font (no font files needed).
 */
import { PNG } from 'pngjs';

/** RGB, 0–255. */
export type Rgb = readonly [number, number, number];

export interface Series {
  /** Legend text (letters a–z, digits, space, '.', '-', ':'). */
  label: string;
  xs: ArrayLike<number>;
  ys: ArrayLike<number>;
  color: Rgb;
  /** Line width in pixels. Default 2.5. */
  width?: number;
}

export interface LinePlotOptions {
  width?: number;
  height?: number;
  /** Axis titles (same character set as labels). Default 'x' and none. */
  xLabel?: string;
  yLabel?: string;
}

// 5×7 glyphs, one string per row, '#' = ink.
const GLYPHS: Record<string, string[]> = {
  '0': ['.###.', '#...#', '#..##', '#.#.#', '##..#', '#...#', '.###.'],
  '1': ['..#..', '.##..', '..#..', '..#..', '..#..', '..#..', '.###.'],
  '2': ['.###.', '#...#', '....#', '...#.', '..#..', '.#...', '#####'],
  '3': ['#####', '...#.', '..#..', '...#.', '....#', '#...#', '.###.'],
  '4': ['...#.', '..##.', '.#.#.', '#..#.', '#####', '...#.', '...#.'],
  '5': ['#####', '#....', '####.', '....#', '....#', '#...#', '.###.'],
  '6': ['..##.', '.#...', '#....', '####.', '#...#', '#...#', '.###.'],
  '7': ['#####', '....#', '...#.', '..#..', '.#...', '.#...', '.#...'],
  '8': ['.###.', '#...#', '#...#', '.###.', '#...#', '#...#', '.###.'],
  '9': ['.###.', '#...#', '#...#', '.####', '....#', '...#.', '.##..'],
  '.': ['.....', '.....', '.....', '.....', '.....', '.##..', '.##..'],
  '-': ['.....', '.....', '.....', '.###.', '.....', '.....', '.....'],
  ':': ['.....', '.##..', '.##..', '.....', '.##..', '.##..', '.....'],
  ' ': ['.....', '.....', '.....', '.....', '.....', '.....', '.....'],
  a: ['.....', '.....', '.###.', '....#', '.####', '#...#', '.####'],
  c: ['.....', '.....', '.###.', '#....', '#....', '#...#', '.###.'],
  d: ['....#', '....#', '.##.#', '#..##', '#...#', '#...#', '.####'],
  e: ['.....', '.....', '.###.', '#...#', '#####', '#....', '.###.'],
  g: ['.....', '.....', '.####', '#...#', '.####', '....#', '.###.'],
  h: ['#....', '#....', '#.##.', '##..#', '#...#', '#...#', '#...#'],
  i: ['..#..', '.....', '.##..', '..#..', '..#..', '..#..', '.###.'],
  l: ['.##..', '..#..', '..#..', '..#..', '..#..', '..#..', '.###.'],
  n: ['.....', '.....', '#.##.', '##..#', '#...#', '#...#', '#...#'],
  o: ['.....', '.....', '.###.', '#...#', '#...#', '#...#', '.###.'],
  p: ['.....', '.....', '####.', '#...#', '####.', '#....', '#....'],
  r: ['.....', '.....', '#.##.', '##..#', '#....', '#....', '#....'],
  s: ['.....', '.....', '.####', '#....', '.###.', '....#', '####.'],
  t: ['.#...', '.#...', '###..', '.#...', '.#...', '.#..#', '..##.'],
  u: ['.....', '.....', '#...#', '#...#', '#...#', '#..##', '.##.#'],
  x: ['.....', '.....', '#...#', '.#.#.', '..#..', '.#.#.', '#...#'],
  y: ['.....', '#...#', '#...#', '.####', '....#', '#...#', '.###.'],
};

class Canvas {
  readonly png: PNG;
  constructor(readonly width: number, readonly height: number) {
    this.png = new PNG({ width, height });
    this.png.data.fill(255);
  }
  /** Blends `color` into pixel (x, y) with opacity `alpha`. */
  blend(x: number, y: number, color: Rgb, alpha: number): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height || alpha <= 0) return;
    const o = 4 * (y * this.width + x);
    const a = Math.min(1, alpha);
    for (let c = 0; c < 3; c++) this.png.data[o + c] = Math.round(this.png.data[o + c] + (color[c] - this.png.data[o + c]) * a);
  }
  rect(x0: number, y0: number, x1: number, y1: number, color: Rgb): void {
    for (let y = Math.round(y0); y < Math.round(y1); y++) for (let x = Math.round(x0); x < Math.round(x1); x++) this.blend(x, y, color, 1);
  }
  /** An anti-aliased round-capped segment of the given width. */
  segment(ax: number, ay: number, bx: number, by: number, width: number, color: Rgb): void {
    const r = width / 2;
    const minX = Math.floor(Math.min(ax, bx) - r - 1);
    const maxX = Math.ceil(Math.max(ax, bx) + r + 1);
    const minY = Math.floor(Math.min(ay, by) - r - 1);
    const maxY = Math.ceil(Math.max(ay, by) + r + 1);
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy || 1;
    for (let y = minY; y <= maxY; y++) {
      for (let x = minX; x <= maxX; x++) {
        const px = x + 0.5;
        const py = y + 0.5;
        const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
        const d = Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
        const cover = r + 0.5 - d;
        if (cover > 0) this.maxBlend(x, y, color, Math.min(1, cover));
      }
    }
  }
  /** Like blend, but a pixel covered by two overlapping segments of one line is not darkened twice. */
  private coverage = new Map<number, number>();
  private maxBlend(x: number, y: number, color: Rgb, alpha: number): void {
    const k = y * this.width + x;
    const before = this.coverage.get(k) ?? 0;
    if (alpha <= before) return;
    this.coverage.set(k, alpha);
    this.blend(x, y, color, (alpha - before) / (1 - before));
  }
  endStroke(): void {
    this.coverage.clear();
  }
  /** Text with its top-left corner at (x, y), each font pixel drawn `scale`×`scale`. */
  text(s: string, x: number, y: number, color: Rgb, scale = 2): void {
    let cx = x;
    for (const ch of s) {
      const glyph = GLYPHS[ch] ?? GLYPHS[' '];
      glyph.forEach((row, gy) => {
        for (let gx = 0; gx < 5; gx++) if (row[gx] === '#') this.rect(cx + gx * scale, y + gy * scale, cx + (gx + 1) * scale, y + (gy + 1) * scale, color);
      });
      cx += 6 * scale;
    }
  }
}

/** Width in pixels of `s` drawn by {@link Canvas.text} at `scale`. */
const textWidth = (s: string, scale = 2): number => s.length * 6 * scale - scale;

/** A "nice" tick step (1, 2, 2.5 or 5 × 10^k) giving about `target` ticks over [lo, hi]. */
function tickStep(lo: number, hi: number, target = 5): number {
  const raw = (hi - lo) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
}

/** Tick positions at multiples of the nice step inside [lo, hi]. */
function ticks(lo: number, hi: number, target = 5): number[] {
  const step = tickStep(lo, hi, target);
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

const label = (v: number): string => String(Number(v.toPrecision(6)));

/** Renders the series on shared axes and returns the encoded PNG. */
export function linePlotPng(series: readonly Series[], options: LinePlotOptions = {}): Buffer {
  const width = options.width ?? 720;
  const height = options.height ?? 420;
  const canvas = new Canvas(width, height);
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.xs.length; i++) {
      xMin = Math.min(xMin, s.xs[i]);
      xMax = Math.max(xMax, s.xs[i]);
      yMin = Math.min(yMin, s.ys[i]);
      yMax = Math.max(yMax, s.ys[i]);
    }
  }
  const yPad = (yMax - yMin || 1) * 0.08;
  yMin -= yPad;
  yMax += yPad;
  if (xMax === xMin) xMax = xMin + 1;
  // widen x outward to whole tick steps, so the axis starts and ends on a labelled tick
  const xStep = tickStep(xMin, xMax);
  xMin = Math.floor(xMin / xStep + 1e-9) * xStep;
  xMax = Math.ceil(xMax / xStep - 1e-9) * xStep;

  const left = 70;
  const right = 20;
  const top = 20;
  const bottom = 56;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const px = (x: number): number => left + ((x - xMin) / (xMax - xMin)) * plotW;
  const py = (y: number): number => top + ((yMax - y) / (yMax - yMin)) * plotH;

  const grid: Rgb = [228, 228, 228];
  const ink: Rgb = [70, 70, 70];
  for (const t of ticks(xMin, xMax)) {
    canvas.rect(px(t), top, px(t) + 1, top + plotH, grid);
    const s = label(t);
    canvas.text(s, px(t) - textWidth(s) / 2, top + plotH + 10, ink);
  }
  for (const t of ticks(yMin, yMax)) {
    canvas.rect(left, py(t), left + plotW, py(t) + 1, grid);
    const s = label(t);
    canvas.text(s, left - 10 - textWidth(s), py(t) - 7, ink);
  }
  const xTitle = options.xLabel ?? 'x';
  canvas.text(xTitle, left + plotW / 2 - textWidth(xTitle) / 2, top + plotH + 32, ink);
  if (options.yLabel) canvas.text(options.yLabel, 8, top + 2, ink);
  // frame
  canvas.rect(left, top, left + plotW, top + 1, ink);
  canvas.rect(left, top + plotH, left + plotW + 1, top + plotH + 1, ink);
  canvas.rect(left, top, left + 1, top + plotH, ink);
  canvas.rect(left + plotW, top, left + plotW + 1, top + plotH, ink);

  for (const s of series) {
    for (let i = 1; i < s.xs.length; i++) {
      canvas.segment(px(s.xs[i - 1]), py(s.ys[i - 1]), px(s.xs[i]), py(s.ys[i]), s.width ?? 2.5, s.color);
    }
    canvas.endStroke();
  }

  // legend, top right, on a white box
  const rowH = 22;
  const boxW = Math.max(...series.map((s) => textWidth(s.label))) + 56;
  const bx = left + plotW - boxW - 10;
  const by = top + 10;
  canvas.rect(bx, by, bx + boxW, by + rowH * series.length + 8, [255, 255, 255]);
  series.forEach((s, i) => {
    const y = by + 8 + i * rowH;
    canvas.segment(bx + 8, y + 7, bx + 36, y + 7, s.width ?? 2.5, s.color);
    canvas.endStroke();
    canvas.text(s.label, bx + 44, y, ink);
  });
  return PNG.sync.write(canvas.png);
}
