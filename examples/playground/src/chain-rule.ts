/**
 * The weight inspector's arithmetic, done in the page on a replica of the worker's model: replay the
 * worker's last training step (same parameters, batch and Dropout masks) layer by layer, keep every
 * gradient on the way from the loss down to the chosen weight, and estimate dL/dw by central differences.
 */
import {
  CategoricalCrossEntropy,
  Dense,
  Dropout,
  LeakyReLU,
  ReLU,
  Sigmoid,
  Tanh,
  checkGradients,
  gradCheckModel,
  softmaxCrossEntropyBackward,
  type GradCheckOptions,
  type GradCheckReport,
  type Layer,
  type Sequential,
  type Tensor,
} from 'handgrad';
import { dropoutLayers } from './build-model.js';
import { FORMULAS, type Formula } from './formulas.js';
import { matrix } from './matrix.js';
import type { StepSnapshot } from './protocol.js';

/** One link of the chain: the gradient a layer's backward produced, read at one sample and one unit. */
export interface ChainStep {
  /** e.g. "Softmax + cross-entropy", "ReLU", "Dense(16→3)". */
  readonly layer: string;
  readonly formula: Formula;
  /** Name of the gradient this step produces, e.g. "dL/dz" (at the layer's input). */
  readonly produces: string;
  /** Shape of the produced gradient `[batch, units]`. */
  readonly shape: readonly [number, number];
  /** The unit the path goes through (the chosen weight's output unit, or above it the strongest one). */
  readonly unit: number;
  /** The produced gradient at (sample, unit). */
  readonly value: number;
  /** The local derivative at (sample, unit) for elementwise layers (mask, 1 − y², σ(1 − σ), m); null otherwise. */
  readonly local: number | null;
  /** The produced gradient's row for the shown sample (to draw as a strip). */
  readonly row: Float32Array;
}

export interface WeightRef {
  /** Index of the Dense layer in `model.layers`. */
  readonly layer: number;
  /** Input unit (row of W). */
  readonly i: number;
  /** Output unit (column of W). */
  readonly j: number;
}

export interface Inspection {
  readonly weight: WeightRef;
  readonly layerName: string;
  readonly value: number;
  readonly step: number;
  readonly batchSize: number;
  /** The sample whose term X[n,i]·G[n,j] is largest; the steps are read at this sample. */
  readonly sample: number;
  readonly loss: number;
  readonly steps: readonly ChainStep[];
  /** X[n,i] and G[n,j] = dL/dY[n,j] at the shown sample, and Σₙ X[n,i]·G[n,j] over the batch. */
  readonly x: number;
  readonly g: number;
  readonly dataTerm: number;
  /** 2λ·w (the L2 penalty's share of dL/dw), 0 without L2. */
  readonly penaltyTerm: number;
  /** dL/dw from the page's replay of the step. */
  readonly replayed: number;
  /** dL/dw as the worker's `trainStep` computed it. */
  readonly handgrad: number;
  /**
   * Central-difference estimates (L(w + h) − L(w − h)) / 2h from handgrad's `checkGradients`, at the
   * relative steps in {@link STEPS}. Two steps, because a step that straddles a ReLU kink (a unit whose
   * input is within h of 0 for some sample) measures the average of two slopes; a smaller step rarely does.
   */
  readonly numeric: readonly { readonly epsilon: number; readonly value: number }[];
}

const loss = new CategoricalCrossEntropy();
/** Relative finite-difference steps: handgrad's default, and one ten times smaller (see {@link Inspection.numeric}). */
export const STEPS = [1e-3, 1e-4] as const;
const TRAINING = { training: true };

/** Puts the replica in the state the worker's model had before the snapshot's step. */
export function restoreSnapshot(model: Sequential, snapshot: StepSnapshot): void {
  model.parameters().forEach((p, k) => p.value.data.set(snapshot.parameters[k]));
  restoreDropout(model, snapshot);
}

function restoreDropout(model: Sequential, snapshot: StepSnapshot): void {
  dropoutLayers(model).forEach((d, k) => d.rng.setState(snapshot.dropoutStates[k]));
}

/** The training objective of the snapshot's step (data loss + penalty), with the step's own Dropout masks. */
function objective(model: Sequential, snapshot: StepSnapshot, x: Tensor, y: Int32Array): number {
  restoreDropout(model, snapshot);
  return loss.forward(model.forward(x, TRAINING), y) + model.regularizationLoss();
}

/** Replays the snapshot's step on `model` (a replica with the same architecture) and follows the chain to `weight`. */
export function inspectWeight(model: Sequential, snapshot: StepSnapshot, weight: WeightRef): Inspection {
  const target = model.layers[weight.layer];
  if (!(target instanceof Dense)) throw new Error(`inspectWeight: layer ${weight.layer} is ${target.name}, not a Dense layer`);
  restoreSnapshot(model, snapshot);
  const n = snapshot.batchY.length;
  const x = matrix(n, 2, snapshot.batchX.slice());
  const y = snapshot.batchY;

  // Forward in training mode, keeping every layer's input (each layer owns its output buffer).
  const inputs: Tensor[] = [];
  let out = x;
  for (const layer of model.layers) {
    inputs.push(out);
    out = layer.forward(out, TRAINING);
  }
  const probs = out;
  const lossValue = loss.forward(probs, y) + model.regularizationLoss();

  // Backward from the loss to the target layer, one step at a time.
  const grads: { layer: string; formula: Formula; produces: string; tensor: Tensor; index: number }[] = [];
  let g = softmaxCrossEntropyBackward(probs, y).clone();
  grads.push({ layer: 'Softmax + cross-entropy', formula: FORMULAS.softmaxCrossEntropy, produces: 'dL/dz', tensor: g, index: model.layers.length - 1 });
  for (let k = model.layers.length - 2; k > weight.layer; k--) {
    const layer = model.layers[k];
    g = layer.backward(g).clone();
    grads.push({ layer: layer.name, formula: formulaOf(layer), produces: layer instanceof Dense ? 'dL/dX' : 'dL/dx', tensor: g, index: k });
  }
  target.backward(g);
  const xIn = inputs[weight.layer];

  // The sample contributing most to Σₙ X[n,i]·G[n,j].
  let sample = 0;
  let dataTerm = 0;
  for (let s = 0; s < n; s++) {
    const term = xIn.data[s * target.nIn + weight.i] * g.data[s * target.nOut + weight.j];
    dataTerm += term;
    const best = xIn.data[sample * target.nIn + weight.i] * g.data[sample * target.nOut + weight.j];
    if (Math.abs(term) > Math.abs(best)) sample = s;
  }

  // Read each step at the shown sample: in the target's block the path unit is j, above it the strongest unit.
  const steps: ChainStep[] = [];
  let blockUnit: number | null = weight.j;
  for (let s = grads.length - 1; s >= 0; s--) {
    const { tensor, index } = grads[s];
    const cols = tensor.cols;
    const row = tensor.data.slice(sample * cols, (sample + 1) * cols);
    const unit = blockUnit ?? strongest(row);
    const local = localDerivative(model.layers[index], inputs[index], sample, unit);
    steps.unshift({ layer: grads[s].layer, formula: grads[s].formula, produces: grads[s].produces, shape: [tensor.rows, cols], unit, value: row[unit], local, row });
    if (model.layers[index] instanceof Dense) blockUnit = null; // above the next Dense every unit feeds the path
  }

  const flat = weight.i * target.nOut + weight.j;
  const w = target.weights.data[flat];
  const l2 = target.options.weightL2 ?? 0;
  const replayed = target.dweights.data[flat];

  // Central difference of the same objective (same batch, same Dropout masks), perturbing only this weight.
  const one = target.weights.data.subarray(flat, flat + 1);
  const numeric = STEPS.map((epsilon) => {
    const report = checkGradients(() => objective(model, snapshot, x, y), [{ name: 'w', values: one, analytic: [replayed] }], { epsilon });
    return { epsilon, value: report.entries[0].numeric[0] };
  });

  return {
    weight,
    layerName: target.name,
    value: w,
    step: snapshot.step,
    batchSize: n,
    sample,
    loss: lossValue,
    steps,
    x: xIn.data[sample * target.nIn + weight.i],
    g: g.data[sample * target.nOut + weight.j],
    dataTerm,
    penaltyTerm: 2 * l2 * w,
    replayed,
    handgrad: snapshot.dweights[weight.layer][flat],
    numeric,
  };
}

function formulaOf(layer: Layer): Formula {
  if (layer instanceof Dense) return FORMULAS.denseInputs;
  if (layer instanceof ReLU) return FORMULAS.relu;
  if (layer instanceof LeakyReLU) return FORMULAS.leakyRelu;
  if (layer instanceof Tanh) return FORMULAS.tanh;
  if (layer instanceof Sigmoid) return FORMULAS.sigmoid;
  if (layer instanceof Dropout) return FORMULAS.dropout;
  throw new Error(`inspector: no formula for layer ${layer.name}`);
}

/** The elementwise layer's own derivative dy/dx at (sample, unit), from its kept input or output. */
function localDerivative(layer: Layer, input: Tensor, sample: number, unit: number): number | null {
  const k = sample * input.cols + unit;
  const x = input.data[k];
  if (layer instanceof ReLU) return x > 0 ? 1 : 0;
  if (layer instanceof LeakyReLU) return x > 0 ? 1 : layer.alpha;
  if (layer instanceof Tanh) return 1 - Math.tanh(x) ** 2;
  if (layer instanceof Sigmoid) {
    const s = 1 / (1 + Math.exp(-x));
    return s * (1 - s);
  }
  if (layer instanceof Dropout) return layer.mask?.data[k] ?? 1;
  return null;
}

function strongest(row: Float32Array): number {
  let best = 0;
  for (let u = 1; u < row.length; u++) if (Math.abs(row[u]) > Math.abs(row[best])) best = u;
  return best;
}

/** One row of the gradient-check table. */
export interface LayerCheck {
  readonly name: string;
  readonly maxRelError: number;
  readonly maxAbsError: number;
  readonly checked: number;
  /** Every checked element within {@link CHECK_TOLERANCE}. */
  readonly passes: boolean;
}

/**
 * The page's pass mark for an element: |a − n| ≤ rtol·max(|a|, |n|) + atol for the central difference at
 * either step. atol covers float32: the loss carries rounding of order 1e-8–1e-7, which the difference
 * divides by 2h (so the smaller step gets a larger atol).
 */
export const CHECK_TOLERANCE = { rtol: 1e-2, atol: [5e-5, 5e-4] } as const;

/**
 * handgrad's gradient check on the replica at the snapshot's batch: every parameter tensor of the model
 * against central differences. Without Dropout this is `gradCheckModel`; with Dropout the masks are
 * pinned to the step's (re-seeded before every forward), since a fresh mask per forward would compare two
 * different networks.
 */
export function checkModel(model: Sequential, snapshot: StepSnapshot, maxElementsPerTensor = 64): LayerCheck[] {
  const reports = STEPS.map((epsilon) => checkAtStep(model, snapshot, { maxElementsPerTensor, epsilon }));
  const [coarse, fine] = reports.map((r) => r.entries.filter((e) => e.name !== 'input'));
  return coarse.map((e, t) => {
    const f = fine[t];
    let maxRel = 0;
    let maxAbs = 0;
    let passes = true;
    e.indices.forEach((_, k) => {
      const a = e.analytic[k];
      // The estimate closer to the analytic gradient counts (the other one may straddle a kink).
      const errors = [e.numeric[k], f.numeric[k]].map((n) => ({ abs: Math.abs(a - n), scale: Math.max(Math.abs(a), Math.abs(n)) }));
      const best = errors[0].abs <= errors[1].abs ? 0 : 1;
      const { abs, scale } = errors[best];
      maxAbs = Math.max(maxAbs, abs);
      maxRel = Math.max(maxRel, abs / Math.max(scale, 1e-8));
      if (!(abs <= CHECK_TOLERANCE.atol[best] + CHECK_TOLERANCE.rtol * scale)) passes = false;
    });
    return { name: e.name, maxRelError: maxRel, maxAbsError: maxAbs, checked: e.indices.length, passes };
  });
}

function checkAtStep(model: Sequential, snapshot: StepSnapshot, options: GradCheckOptions): GradCheckReport {
  restoreSnapshot(model, snapshot);
  const n = snapshot.batchY.length;
  const x = matrix(n, 2, snapshot.batchX.slice());
  const y = snapshot.batchY;
  let report: GradCheckReport;
  if (dropoutLayers(model).length === 0) {
    report = gradCheckModel(model, loss, x, y, options);
  } else {
    const probs = model.forward(x, TRAINING);
    model.backward(probs, y, loss);
    const targets = model.parameters().map((p) => ({ name: p.name, values: p.value.data, analytic: p.grad.data.slice() }));
    report = checkGradients(() => objective(model, snapshot, x, y), targets, options);
  }
  restoreSnapshot(model, snapshot);
  return report;
}
