/**
 * The network as nodes and edges. Each edge is one weight of a Dense layer: its thickness and colour show
 * the weight (blue positive, orange negative) or, with the toggle, the last step's dL/dw. Clicking an edge
 * selects that weight for the inspector.
 *
 * The edges are painted on a canvas, which is cheap to repaint ten times a second; an SVG on top holds the
 * nodes and one invisible, clickable line per weight (`data-testid="weight"`) that never changes, so the
 * browser has nothing to re-rasterise there while training.
 */
import type { WeightRef } from '../chain-rule.js';
import type { DenseState } from '../protocol.js';
import { fitCanvas } from './canvas.js';
import { NEGATIVE, POSITIVE, classColor } from './colors.js';

const SVG = 'http://www.w3.org/2000/svg';

export type EdgeMode = 'weight' | 'gradient';

interface Edge {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

export class NetworkView {
  private edges: Edge[][] = [];
  private states: DenseState[] = [];
  private selected: WeightRef | null = null;
  private readonly width: number;
  private readonly height: number;
  mode: EdgeMode = 'weight';

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly svg: SVGSVGElement,
    private readonly onSelect: (weight: WeightRef) => void,
  ) {
    this.width = Number(svg.getAttribute('width'));
    this.height = Number(svg.getAttribute('height'));
    fitCanvas(canvas);
  }

  /** Lays out the nodes and edges for a new architecture (Dense layers from input to output). */
  build(dense: readonly { layer: number; nIn: number; nOut: number }[], activations: readonly string[]): void {
    const { svg, width, height } = this;
    svg.replaceChildren();
    this.edges = [];
    this.states = [];
    this.selected = null;
    const widths = [dense[0].nIn, ...dense.map((d) => d.nOut)];
    const columns = widths.length;
    const colX = (c: number): number => 40 + (c * (width - 80)) / (columns - 1);
    const nodeY = (c: number, u: number): number => {
      const n = widths[c];
      const gap = Math.min(22, (height - 50) / Math.max(1, n - 1));
      return height / 2 + 8 + (u - (n - 1) / 2) * gap;
    };
    const hits = document.createElementNS(SVG, 'g');
    const nodes = document.createElementNS(SVG, 'g');
    svg.append(hits, nodes);
    dense.forEach((d, c) => {
      const edges: Edge[] = [];
      for (let i = 0; i < d.nIn; i++) {
        for (let j = 0; j < d.nOut; j++) {
          const edge = { x1: colX(c), y1: nodeY(c, i), x2: colX(c + 1), y2: nodeY(c + 1, j) };
          edges.push(edge);
          const line = document.createElementNS(SVG, 'line');
          line.setAttribute('x1', String(edge.x1));
          line.setAttribute('y1', String(edge.y1));
          line.setAttribute('x2', String(edge.x2));
          line.setAttribute('y2', String(edge.y2));
          line.setAttribute('class', 'edge-hit');
          line.setAttribute('data-testid', 'weight');
          line.dataset.layer = String(d.layer);
          line.dataset.i = String(i);
          line.dataset.j = String(j);
          const title = document.createElementNS(SVG, 'title');
          line.append(title);
          line.addEventListener('click', () => this.onSelect({ layer: d.layer, i, j }));
          line.addEventListener('mouseenter', () => {
            const state = this.states[c];
            const k = i * d.nOut + j;
            title.textContent =
              state === undefined
                ? `weight [${i}, ${j}] of layer ${d.layer}`
                : `w[${i}, ${j}] = ${state.weights[k].toPrecision(4)}   dL/dw = ${state.dweights[k].toExponential(3)}   (click to inspect)`;
          });
          hits.append(line);
        }
      }
      this.edges.push(edges);
    });
    widths.forEach((n, c) => {
      for (let u = 0; u < n; u++) {
        const circle = document.createElementNS(SVG, 'circle');
        circle.setAttribute('cx', String(colX(c)));
        circle.setAttribute('cy', String(nodeY(c, u)));
        circle.setAttribute('r', c === 0 || c === columns - 1 ? '7' : '5');
        circle.setAttribute('class', 'node');
        if (c === columns - 1) circle.setAttribute('fill', classColor(u));
        nodes.append(circle);
      }
      const label = document.createElementNS(SVG, 'text');
      label.setAttribute('x', String(colX(c)));
      label.setAttribute('y', '14');
      label.setAttribute('text-anchor', 'middle');
      label.setAttribute('class', 'column-label');
      label.textContent = c === 0 ? 'input' : c === columns - 1 ? 'softmax' : activations[c - 1];
      nodes.append(label);
    });
    for (let u = 0; u < widths[0]; u++) {
      const t = document.createElementNS(SVG, 'text');
      t.setAttribute('x', String(colX(0) - 12));
      t.setAttribute('y', String(nodeY(0, u) + 4));
      t.setAttribute('text-anchor', 'end');
      t.setAttribute('class', 'node-label');
      t.textContent = `x${u + 1}`;
      nodes.append(t);
    }
    this.paint();
  }

  update(states: DenseState[]): void {
    this.states = states;
    this.paint();
  }

  select(weight: WeightRef | null): void {
    this.selected = weight;
    this.paint();
  }

  /** Repaints every edge from the latest weights (or gradients), each layer scaled to its own largest value. */
  paint(): void {
    const ctx = this.canvas.getContext('2d') as CanvasRenderingContext2D;
    const sx = this.canvas.width / this.width;
    const sy = this.canvas.height / this.height;
    ctx.setTransform(sx, 0, 0, sy, 0, 0);
    ctx.clearRect(0, 0, this.width, this.height);
    ctx.lineCap = 'round';
    this.states.forEach((state, c) => {
      const edges = this.edges[c];
      if (edges === undefined) return;
      const values = this.mode === 'weight' ? state.weights : state.dweights;
      let max = 1e-30;
      for (const v of values) max = Math.max(max, Math.abs(v));
      edges.forEach((e, k) => {
        const t = Math.abs(values[k]) / max;
        ctx.strokeStyle = values[k] >= 0 ? POSITIVE : NEGATIVE;
        ctx.globalAlpha = 0.12 + 0.8 * t;
        ctx.lineWidth = 0.4 + 4 * t;
        ctx.beginPath();
        ctx.moveTo(e.x1, e.y1);
        ctx.lineTo(e.x2, e.y2);
        ctx.stroke();
      });
    });
    ctx.globalAlpha = 1;
    const sel = this.selected;
    const c = sel === null ? -1 : this.states.findIndex((s) => s.layer === sel.layer);
    if (sel !== null && c >= 0) {
      const e = this.edges[c][sel.i * this.states[c].nOut + sel.j];
      ctx.strokeStyle = '#111';
      ctx.lineWidth = 3.5;
      ctx.beginPath();
      ctx.moveTo(e.x1, e.y1);
      ctx.lineTo(e.x2, e.y2);
      ctx.stroke();
    }
  }
}
