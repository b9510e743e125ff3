/**
 * The 2-D toy sets. Spiral and vertical are handgrad's own generators (the book's); circles, XOR and two
 * gaussians are drawn here with handgrad's seeded Random. Every set is deterministic in its seed.
 */
import { Random, spiralData, trainTestSplit, verticalData, type Tensor } from 'handgrad';
import { matrix } from './matrix.js';
import type { DataSpec, DatasetName } from './protocol.js';

export interface PlaygroundData {
  readonly classes: number;
  readonly xTrain: Tensor;
  readonly yTrain: Int32Array;
  readonly xTest: Tensor;
  readonly yTest: Int32Array;
  /** The square region shown by the boundary view (and sampled by its grid). */
  readonly domain: Domain;
}

export interface Domain {
  readonly xMin: number;
  readonly xMax: number;
  readonly yMin: number;
  readonly yMax: number;
}

export const CLASS_COUNT: Record<DatasetName, number> = { spiral: 3, circles: 2, xor: 2, gaussians: 2, vertical: 3 };

/** Builds the data set `spec` describes, adds its jitter, and splits it into train and test. */
export function makeData(spec: DataSpec): PlaygroundData {
  const classes = CLASS_COUNT[spec.dataset];
  const perClass = Math.max(2, Math.round(spec.size / classes));
  const { x, y } = generate(spec.dataset, perClass, classes, spec.seed);
  if (spec.noise > 0) {
    const rng = new Random(spec.seed + 1);
    for (let i = 0; i < x.data.length; i++) x.data[i] += spec.noise * rng.normal();
  }
  const split = trainTestSplit(x, y, { testFraction: spec.testFraction, seed: spec.seed + 2 });
  return {
    classes,
    xTrain: split.xTrain,
    yTrain: split.yTrain as Int32Array,
    xTest: split.xTest,
    yTest: split.yTest as Int32Array,
    domain: domainOf(x.data),
  };
}

function generate(name: DatasetName, perClass: number, classes: number, seed: number): { x: Tensor; y: Int32Array } {
  switch (name) {
    case 'spiral':
      return spiralData({ samples: perClass, classes, seed });
    case 'vertical':
      return verticalData({ samples: perClass, classes, seed });
    case 'circles':
      return circles(perClass, new Random(seed));
    case 'xor':
      return xor(perClass, new Random(seed));
    case 'gaussians':
      return gaussians(perClass, new Random(seed));
  }
}

/** Class 0 inside radius 0.5, class 1 on a ring of radius 0.7–1. */
function circles(perClass: number, rng: Random): { x: Tensor; y: Int32Array } {
  return byClass(perClass, 2, (k) => {
    const r = k === 0 ? 0.5 * Math.sqrt(rng.uniform()) : 0.7 + 0.3 * rng.uniform();
    const angle = 2 * Math.PI * rng.uniform();
    return [r * Math.cos(angle), r * Math.sin(angle)];
  });
}

/** Points in the four quadrants of [−1, 1]²; the class is 1 where the signs of x and y differ. */
function xor(perClass: number, rng: Random): { x: Tensor; y: Int32Array } {
  return byClass(perClass, 2, (k) => {
    const sx = rng.uniform() < 0.5 ? -1 : 1;
    const sy = k === 0 ? sx : -sx;
    return [sx * (0.05 + 0.95 * rng.uniform()), sy * (0.05 + 0.95 * rng.uniform())];
  });
}

/** Two round blobs, std 0.25, centred at (−0.5, −0.5) and (0.5, 0.5). */
function gaussians(perClass: number, rng: Random): { x: Tensor; y: Int32Array } {
  return byClass(perClass, 2, (k) => {
    const c = k === 0 ? -0.5 : 0.5;
    return [c + 0.25 * rng.normal(), c + 0.25 * rng.normal()];
  });
}

function byClass(perClass: number, classes: number, point: (k: number) => [number, number]): { x: Tensor; y: Int32Array } {
  const n = perClass * classes;
  const data = new Float32Array(2 * n);
  const y = new Int32Array(n);
  for (let k = 0; k < classes; k++) {
    for (let i = 0; i < perClass; i++) {
      const row = k * perClass + i;
      [data[2 * row], data[2 * row + 1]] = point(k);
      y[row] = k;
    }
  }
  return { x: matrix(n, 2, data), y };
}

/** A square around every point with a 10 % margin. */
export function domainOf(xy: Float32Array): Domain {
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (let i = 0; i < xy.length; i += 2) {
    xMin = Math.min(xMin, xy[i]);
    xMax = Math.max(xMax, xy[i]);
    yMin = Math.min(yMin, xy[i + 1]);
    yMax = Math.max(yMax, xy[i + 1]);
  }
  const half = (Math.max(xMax - xMin, yMax - yMin) / 2) * 1.1 || 1;
  const cx = (xMin + xMax) / 2;
  const cy = (yMin + yMax) / 2;
  return { xMin: cx - half, xMax: cx + half, yMin: cy - half, yMax: cy + half };
}

/** The centres of a `size × size` grid over `domain`, row 0 at the top (largest y), as a `[size², 2]` tensor. */
export function gridPoints(domain: Domain, size: number): Tensor {
  const data = new Float32Array(size * size * 2);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const k = 2 * (row * size + col);
      data[k] = domain.xMin + ((col + 0.5) / size) * (domain.xMax - domain.xMin);
      data[k + 1] = domain.yMax - ((row + 0.5) / size) * (domain.yMax - domain.yMin);
    }
  }
  return matrix(size * size, 2, data);
}
