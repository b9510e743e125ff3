/** The decision boundary: a heatmap of the model's class probabilities over the plane, with the data on top. */
import type { PlaygroundData } from '../datasets.js';
import { fitCanvas } from './canvas.js';
import { CLASS_COLORS, classColor } from './colors.js';

export class BoundaryView {
  private readonly ctx: CanvasRenderingContext2D;
  private readonly cells: HTMLCanvasElement;
  /** The data points, drawn once per data set: they do not move while the model trains. */
  private readonly points: HTMLCanvasElement;
  private data: PlaygroundData | null = null;

  constructor(private readonly canvas: HTMLCanvasElement, private readonly gridSize: number) {
    fitCanvas(canvas);
    this.ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
    this.cells = document.createElement('canvas');
    this.cells.width = gridSize;
    this.cells.height = gridSize;
    this.points = document.createElement('canvas');
    this.points.width = canvas.width;
    this.points.height = canvas.height;
  }

  setData(data: PlaygroundData): void {
    this.data = data;
    const ctx = this.cells.getContext('2d') as CanvasRenderingContext2D;
    ctx.fillStyle = '#f4f4f5';
    ctx.fillRect(0, 0, this.gridSize, this.gridSize);
    this.drawPoints(data);
    this.draw();
  }

  /** Colours each grid cell by the probability-weighted class colour, paler where the model is unsure. */
  setProbabilities(probs: Float32Array, classes: number): void {
    const ctx = this.cells.getContext('2d') as CanvasRenderingContext2D;
    const image = ctx.createImageData(this.gridSize, this.gridSize);
    const px = image.data;
    for (let cell = 0; cell < this.gridSize * this.gridSize; cell++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let max = 0;
      for (let k = 0; k < classes; k++) {
        const p = probs[cell * classes + k];
        const c = CLASS_COLORS[k % CLASS_COLORS.length];
        r += p * c[0];
        g += p * c[1];
        b += p * c[2];
        if (p > max) max = p;
      }
      const confidence = (max - 1 / classes) / (1 - 1 / classes);
      const alpha = 0.18 + 0.5 * confidence;
      px[4 * cell] = 255 * (1 - alpha) + r * alpha;
      px[4 * cell + 1] = 255 * (1 - alpha) + g * alpha;
      px[4 * cell + 2] = 255 * (1 - alpha) + b * alpha;
      px[4 * cell + 3] = 255;
    }
    ctx.putImageData(image, 0, 0);
    this.draw();
  }

  draw(): void {
    const { ctx, canvas } = this;
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(this.cells, 0, 0, canvas.width, canvas.height);
    ctx.drawImage(this.points, 0, 0);
  }

  private drawPoints(data: PlaygroundData): void {
    const ctx = this.points.getContext('2d') as CanvasRenderingContext2D;
    const w = this.points.width;
    const h = this.points.height;
    ctx.clearRect(0, 0, w, h);
    const { xMin, xMax, yMin, yMax } = data.domain;
    const toX = (v: number): number => ((v - xMin) / (xMax - xMin)) * w;
    const toY = (v: number): number => ((yMax - v) / (yMax - yMin)) * h;
    const scale = w / 400;
    // Training points: filled dots.
    ctx.lineWidth = 1 * scale;
    ctx.strokeStyle = 'rgba(255, 255, 255, 0.9)';
    for (let i = 0; i < data.yTrain.length; i++) {
      ctx.beginPath();
      ctx.arc(toX(data.xTrain.data[2 * i]), toY(data.xTrain.data[2 * i + 1]), 3.6 * scale, 0, 2 * Math.PI);
      ctx.fillStyle = classColor(data.yTrain[i]);
      ctx.fill();
      ctx.stroke();
    }
    // Test points: white dots with a thick ring in the class colour.
    ctx.lineWidth = 2.2 * scale;
    for (let i = 0; i < data.yTest.length; i++) {
      ctx.beginPath();
      ctx.arc(toX(data.xTest.data[2 * i]), toY(data.xTest.data[2 * i + 1]), 3.8 * scale, 0, 2 * Math.PI);
      ctx.fillStyle = '#fff';
      ctx.fill();
      ctx.strokeStyle = classColor(data.yTest[i]);
      ctx.stroke();
    }
  }
}
