/** Loss and accuracy over epochs, train (solid) and test (dashed), drawn on a canvas. */
import type { Progress } from '../protocol.js';
import { fitCanvas } from './canvas.js';

type Series = 'trainLoss' | 'testLoss' | 'trainAccuracy' | 'testAccuracy';

const MAX_POINTS = 1500;

export class CurvesView {
  private points: Progress[] = [];

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly train: Series,
    private readonly test: Series,
    private readonly title: string,
    /** Fixed y range, or null to fit from 0 to the largest value. */
    private readonly range: readonly [number, number] | null,
  ) {
    fitCanvas(canvas);
  }

  reset(): void {
    this.points = [];
    this.draw();
  }

  add(p: Progress): void {
    const last = this.points.at(-1);
    if (last !== undefined && last.step === p.step) return;
    this.points.push(p);
    // Keep the history bounded: drop every other old point once it grows long.
    if (this.points.length > MAX_POINTS) this.points = this.points.filter((_, k) => k % 2 === 0 || k === this.points.length - 1);
  }

  draw(): void {
    const ctx = this.canvas.getContext('2d') as CanvasRenderingContext2D;
    const { width: w, height: h } = this.canvas;
    const s = w / 370;
    ctx.clearRect(0, 0, w, h);
    const left = 40 * s;
    const right = w - 10 * s;
    const top = 22 * s;
    const bottom = h - 20 * s;
    ctx.font = `${11 * s}px system-ui, sans-serif`;
    ctx.fillStyle = '#3f3f46';
    ctx.fillText(this.title, left, 14 * s);
    const pts = this.points;
    let lo = 0;
    let hi = 1;
    if (this.range !== null) [lo, hi] = this.range;
    else if (pts.length > 0) hi = Math.max(...pts.map((p) => Math.max(p[this.train], p[this.test])));
    if (!(hi > lo)) hi = lo + 1;
    const maxEpoch = Math.max(1, pts.at(-1)?.epoch ?? 1);
    const X = (e: number): number => left + (e / maxEpoch) * (right - left);
    const Y = (v: number): number => bottom - ((Math.min(Math.max(v, lo), hi) - lo) / (hi - lo)) * (bottom - top);
    // Axes and a few grid lines.
    ctx.strokeStyle = '#e4e4e7';
    ctx.lineWidth = 1 * s;
    ctx.fillStyle = '#71717a';
    for (let k = 0; k <= 4; k++) {
      const v = lo + ((hi - lo) * k) / 4;
      ctx.beginPath();
      ctx.moveTo(left, Y(v));
      ctx.lineTo(right, Y(v));
      ctx.stroke();
      ctx.fillText(v.toFixed(hi - lo >= 4 ? 1 : 2), 4 * s, Y(v) + 4 * s);
    }
    ctx.fillText(`epoch ${pts.at(-1)?.epoch ?? 0}`, right - 60 * s, h - 5 * s);
    const line = (key: Series, dash: number[], color: string): void => {
      if (pts.length === 0) return;
      ctx.setLineDash(dash.map((d) => d * s));
      ctx.strokeStyle = color;
      ctx.lineWidth = 2 * s;
      ctx.beginPath();
      pts.forEach((p, k) => (k === 0 ? ctx.moveTo(X(p.epoch), Y(p[key])) : ctx.lineTo(X(p.epoch), Y(p[key]))));
      ctx.stroke();
      ctx.setLineDash([]);
    };
    line(this.train, [], '#18181b');
    line(this.test, [5, 4], '#a855f7');
    // Legend.
    ctx.fillStyle = '#18181b';
    ctx.fillText('— train', right - 130 * s, 14 * s);
    ctx.fillStyle = '#a855f7';
    ctx.fillText('- - test', right - 70 * s, 14 * s);
  }
}
