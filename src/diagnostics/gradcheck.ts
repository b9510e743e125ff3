import { Random } from '../core/random.js';
import { checkFunction, checkHasMethods, checkInstance, checkInteger, checkOptions, checkPositive, checkSeed, checkTensor, invalid } from '../core/validate.js';
import type { Layer } from '../layers/layer.js';
import type { Labels } from '../core/labels.js';
import type { Loss } from '../losses/loss.js';
import { layerTypeOf, type JsonValue } from '../model/layer-registry.js';
import { Sequential } from '../model/sequential.js';
import { Tensor } from '../tensor/tensor.js';

/** Options for the gradient checkers. */
export interface GradCheckOptions {
  /**
   * Relative step: each element v is perturbed by ±epsilon·max(1, |v|). Default 1e-3.
   * The layers compute in float32, so a step much smaller than 1e-3 drowns in rounding noise.
   */
  epsilon?: number;
  /** Seed for the random output weights that turn a layer's output into a scalar. Default 0. */
  seed?: number;
  /** Check at most this many elements per tensor (spread evenly). Default: all. */
  maxElementsPerTensor?: number;
  /**
   * Run forward passes in training mode (default true). Layers such as BatchNormalization compute a
   * different function at inference; pass false to check that one. In training mode every forward of one
   * check replays the same random draws (Dropout applies one fixed mask), and the layers' state is
   * restored afterwards.
   */
  training?: boolean;
}

/** The comparison for one tensor (an input or a parameter). */
export interface GradCheckEntry {
  /** e.g. `"input"`, `"weights"`, `"0:Dense(2→64).biases"`. */
  readonly name: string;
  /** Largest `|a − n| / max(|a|, |n|, 1e-8)` over the checked elements. */
  readonly maxRelError: number;
  /** Largest `|a − n|` over the checked elements. */
  readonly maxAbsError: number;
  /** Flat index of the element with the largest relative error (−1 if none checked). */
  readonly worstIndex: number;
  /** Indices that were checked, and the analytic / numeric gradient at each. */
  readonly indices: readonly number[];
  readonly analytic: Float64Array;
  readonly numeric: Float64Array;
}

/** Result of a gradient check: one entry per tensor. */
export interface GradCheckReport {
  readonly entries: readonly GradCheckEntry[];
  /** Largest relative error over every entry. */
  readonly maxRelError: number;
  /**
   * True when every checked element satisfies `|a − n| ≤ atol + rtol · max(|a|, |n|)`.
   * The absolute term absorbs float32 noise on gradients that are (near) zero.
   */
  passes(rtol: number, atol: number): boolean;
}

/** A float32 array to perturb and the analytic gradient of the scalar function with respect to it. */
export interface GradCheckTarget {
  readonly name: string;
  readonly values: Float32Array;
  readonly analytic: ArrayLike<number>;
}

/**
 * Compares analytic gradients with central finite differences of `scalar()`:
 * `n = (f(v + h) − f(v − h)) / (2h)`, where h is the step actually representable in float32 and the
 * difference is taken in float64. Each perturbed element is restored bit-exactly afterwards (even if
 * `scalar` throws), so nothing the caller owns is changed.
 */
export function checkGradients(
  scalar: () => number,
  targets: readonly GradCheckTarget[],
  options: GradCheckOptions = {},
): GradCheckReport {
  const op = 'checkGradients';
  checkFunction(op, 'scalar', scalar);
  if (!Array.isArray(targets)) invalid(op, 'targets', 'an array of { name, values, analytic }', targets, true);
  checkOptions(op, 'options', options, ['epsilon', 'seed', 'maxElementsPerTensor', 'training']);
  const epsilon = checkPositive(op, 'epsilon', options.epsilon ?? 1e-3);
  // ≥ 1: a check of 0 elements (or NaN of them) would pass while checking nothing
  if (options.maxElementsPerTensor !== undefined) checkInteger(op, 'maxElementsPerTensor', options.maxElementsPerTensor, { min: 1 });
  if (options.seed !== undefined) checkSeed(op, 'seed', options.seed);
  const entries: GradCheckEntry[] = [];
  for (const target of targets) {
    const { values, analytic, name } = target;
    if (analytic.length !== values.length) {
      throw new RangeError(
        `checkGradients: '${name}' has ${values.length} values but ${analytic.length} analytic gradients`,
      );
    }
    const indices = pickIndices(values.length, options.maxElementsPerTensor);
    const a = new Float64Array(indices.length);
    const n = new Float64Array(indices.length);
    let maxRel = 0;
    let maxAbs = 0;
    let worst = -1;
    indices.forEach((index, k) => {
      const original = values[index];
      const h = epsilon * Math.max(1, Math.abs(original));
      let plus: number;
      let minus: number;
      let step: number;
      try {
        values[index] = original + h;
        const up = values[index]; // the float32 value really used
        plus = scalar();
        values[index] = original - h;
        const down = values[index];
        minus = scalar();
        step = up - down;
      } finally {
        values[index] = original;
      }
      a[k] = analytic[index];
      n[k] = (plus - minus) / step;
      const abs = Math.abs(a[k] - n[k]);
      const rel = abs / Math.max(Math.abs(a[k]), Math.abs(n[k]), 1e-8);
      if (!(rel <= maxRel)) {
        maxRel = rel;
        worst = index;
      }
      if (!(abs <= maxAbs)) maxAbs = abs;
    });
    entries.push({ name, maxRelError: maxRel, maxAbsError: maxAbs, worstIndex: worst, indices, analytic: a, numeric: n });
  }
  return makeReport(entries);
}

function makeReport(entries: GradCheckEntry[]): GradCheckReport {
  return {
    entries,
    maxRelError: entries.reduce((m, e) => Math.max(m, e.maxRelError), 0),
    passes(rtol: number, atol: number): boolean {
      return entries.every((e) =>
        e.indices.every((_, k) => {
          const a = e.analytic[k];
          const n = e.numeric[k];
          return Math.abs(a - n) <= atol + rtol * Math.max(Math.abs(a), Math.abs(n));
        }),
      );
    },
  };
}

function pickIndices(length: number, max: number | undefined): number[] {
  const count = max === undefined ? length : Math.min(length, max);
  const out: number[] = [];
  for (let k = 0; k < count; k++) out.push(Math.floor((k * length) / count));
  return out;
}

/** Σ r ⊙ y, accumulated in float64. */
function project(y: Tensor, r: Tensor): number {
  let s = 0;
  for (let i = 0; i < y.data.length; i++) s += y.data[i] * r.data[i];
  return s;
}

function randomWeights(like: Tensor, seed: number): Tensor {
  const r = new Tensor(like.shape);
  new Random(seed).fillUniform(r.data, -1, 1);
  return r;
}

/**
 * The check differentiates the function the backward pass differentiates: the training forward with its
 * random draws held fixed. Dropout's mask is a constant of that function (backward multiplies by the very
 * mask the forward drew), not a function of the inputs; letting each perturbed forward draw a fresh mask
 * turns the finite difference into noise, and checking in inference mode instead would check the identity,
 * never the mask. So every forward of a check starts from the layers' state as it was before the first
 * one — each layer's registered `getState`/`setState` (Dropout's random stream, BatchNormalization's
 * moving averages) — and the same state is restored at the end, so a check leaves the layers as it found
 * them. Layers with no registered state are left alone.
 */
function holdLayerState(layers: readonly Layer[]): { replay(): void } {
  const saved: { restore(): void }[] = [];
  for (const layer of layers) {
    const entry = layerTypeOf(layer);
    if (!entry?.getState || !entry.setState) continue;
    const state: JsonValue = entry.getState(layer);
    const setState = entry.setState;
    saved.push({ restore: () => setState(layer, state) });
  }
  return { replay: () => saved.forEach((s) => s.restore()) };
}

/** Runs `check` with every forward replaying the layers' starting state, and restores that state after. */
function withLayerStateHeld<T>(layers: readonly Layer[], check: (replay: () => void) => T): T {
  const held = holdLayerState(layers);
  try {
    return check(held.replay);
  } finally {
    held.replay();
  }
}

/**
 * Checks a layer's `backward` against central differences of its `forward`.
 *
 * The layer's output is reduced to a scalar with fixed random weights, `L = Σ r ⊙ layer.forward(x)`, so
 * `backward(r)` must return dL/dx and fill the parameter gradients. Checks the input and every parameter.
 * A layer with a regularisation penalty adds it to its parameter gradients, so then
 * `L = Σ r ⊙ layer.forward(x) + layer.regularizationLoss()`.
 * Works for any object implementing {@link Layer}, so users can check layers of their own.
 *
 * @example
 * const report = gradCheck(new Dense(3, 4), Tensor.fromArray([[1, 2, 3]]));
 * report.passes(1e-3, 1e-4); // true
 */
export function gradCheck(layer: Layer, x: Tensor, options: GradCheckOptions = {}): GradCheckReport {
  checkHasMethods('gradCheck', 'layer', layer, ['forward', 'backward', 'parameters'], 'a Layer');
  checkTensor('gradCheck', 'x', x);
  const input = x.clone();
  const forwardOptions = { training: options.training ?? true };
  return withLayerStateHeld([layer], (replay) => {
    // every forward (the analytic one and each perturbed one) draws the same Dropout mask: see holdLayerState
    const forward = (): Tensor => {
      replay();
      return layer.forward(input, forwardOptions);
    };
    const y = forward();
    const r = randomWeights(y, options.seed ?? 0);
    const dinputs = layer.backward(r).clone();
    const targets: GradCheckTarget[] = [{ name: 'input', values: input.data, analytic: dinputs.data }];
    for (const p of layer.parameters()) {
      targets.push({ name: p.name, values: p.value.data, analytic: p.grad.data.slice() });
    }
    const penalty = (): number => (layer.regularizationLoss ? layer.regularizationLoss() : 0);
    return checkGradients(() => project(forward(), r) + penalty(), targets, options);
  });
}

/**
 * Checks a loss's `backward` against central differences of its `forward`, with respect to the
 * predictions.
 */
export function gradCheckLoss(loss: Loss, yPred: Tensor, yTrue: Labels, options: GradCheckOptions = {}): GradCheckReport {
  checkHasMethods('gradCheckLoss', 'loss', loss, ['forward', 'backward'], 'a Loss');
  checkTensor('gradCheckLoss', 'yPred', yPred);
  const pred = yPred.clone();
  const analytic = loss.backward(pred, yTrue).data.slice();
  return checkGradients(() => loss.forward(pred, yTrue), [{ name: 'predictions', values: pred.data, analytic }], options);
}

/**
 * Checks a whole model: the loss at `model.forward(x)` plus the model's regularisation penalty against every
 * parameter (and the input), using the model's own backward (including the fused Softmax + cross-entropy
 * path when it applies).
 */
export function gradCheckModel(
  model: Sequential,
  loss: Loss,
  x: Tensor,
  yTrue: Labels,
  options: GradCheckOptions = {},
): GradCheckReport {
  checkInstance('gradCheckModel', 'model', model, Sequential, 'a Sequential model');
  checkHasMethods('gradCheckModel', 'loss', loss, ['forward', 'backward'], 'a Loss');
  checkTensor('gradCheckModel', 'x', x);
  const input = x.clone();
  const forwardOptions = { training: options.training ?? true };
  return withLayerStateHeld(model.layers, (replay) => {
    // every forward (the analytic one and each perturbed one) draws the same Dropout masks: see holdLayerState
    const forward = (): Tensor => {
      replay();
      return model.forward(input, forwardOptions);
    };
    const yPred = forward();
    const dinputs = model.backward(yPred, yTrue, loss).clone();
    const targets: GradCheckTarget[] = [{ name: 'input', values: input.data, analytic: dinputs.data }];
    for (const p of model.parameters()) {
      targets.push({ name: p.name, values: p.value.data, analytic: p.grad.data.slice() });
    }
    return checkGradients(() => loss.forward(forward(), yTrue) + model.regularizationLoss(), targets, options);
  });
}
