import type { Labels } from '../core/labels.js';
import type { Layer } from '../layers/layer.js';
import { ReLU } from '../layers/relu.js';
import { Sigmoid } from '../layers/sigmoid.js';
import { Tanh } from '../layers/tanh.js';
import type { Loss } from '../losses/loss.js';
import { Sequential } from '../model/sequential.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkInstance, checkOptions, checkTensor } from '../core/validate.js';
import { unravel } from './check-layer.js';

/** When a layer counts as unhealthy. Every threshold is documented with its default. */
export interface HealthThresholds {
  /** A ReLU layer is `dead` when at least this fraction of its units output 0 for the whole batch. Default 0.5. */
  dead?: number;
  /** A sigmoid/tanh layer is `saturated` when at least this fraction of its outputs sit in the flat tails. Default 0.5. */
  saturated?: number;
  /**
   * A layer is `exploding` when ‖dL/dW‖ / ‖W‖ exceeds this: any SGD learning rate above 1/threshold would
   * more than replace W in one step. Default 1000.
   */
  exploding?: number;
  /** A layer is `vanishing` when ‖dL/dW‖ / ‖W‖ is below this. Default 1e-7. */
  vanishing?: number;
}

/** Options for {@link diagnose}. */
export interface DiagnoseOptions {
  /** The loss to differentiate. Default: the model's compiled loss. */
  loss?: Loss;
  /**
   * Measure the update-to-weight ratio ‖ΔW‖ / ‖W‖ of the next optimizer step, by taking that step on a
   * copy of the model (serialized with its optimizer state), so the model itself is not changed.
   * Needs a compiled model whose layers are registered for saving. Default true.
   */
  measureUpdate?: boolean;
  thresholds?: HealthThresholds;
}

/** One parameter's scale and the scale of its gradient and update. */
export interface ParameterHealth {
  /** e.g. `"weights"`. */
  readonly name: string;
  /** ‖W‖ (Frobenius / L2 over all elements). */
  readonly norm: number;
  /** ‖dL/dW‖. */
  readonly gradNorm: number;
  /** ‖dL/dW‖ / ‖W‖; null when ‖W‖ = 0 (e.g. biases at initialisation). */
  readonly gradToWeight: number | null;
  /** ‖ΔW‖ / ‖W‖ of the next optimizer step; null when not measured or ‖W‖ = 0. */
  readonly updateToWeight: number | null;
}

/** What {@link diagnose} flags. */
export type HealthFlag = 'dead' | 'saturated' | 'exploding' | 'vanishing' | 'non-finite';

/** One layer's health on the diagnosed batch. */
export interface LayerHealth {
  readonly index: number;
  readonly name: string;
  /** Mean and standard deviation of the layer's output over the batch. */
  readonly activationMean: number;
  readonly activationStd: number;
  /** ReLU only: fraction of units (output features) that are 0 for every row of the batch. */
  readonly deadFraction: number | null;
  /**
   * Sigmoid / tanh only: fraction of outputs whose local derivative is below 5 % of its peak (σ outside
   * [0.0127, 0.9873]; |tanh| above 0.9747), where almost no gradient flows back.
   */
  readonly saturatedFraction: number | null;
  /** Per parameter, in the layer's order (empty for activations). */
  readonly parameters: readonly ParameterHealth[];
  /** ‖dL/dW‖ / ‖W‖ of the layer's first parameter (its weights); null for activations. */
  readonly gradToWeight: number | null;
  /** ‖ΔW‖ / ‖W‖ of the layer's first parameter for the next step; null when not measured. */
  readonly updateToWeight: number | null;
  readonly flags: readonly HealthFlag[];
}

/** Where a NaN or infinity first appeared, following the data through the forward then the backward pass. */
export interface NonFiniteOrigin {
  readonly pass: 'forward' | 'backward';
  /** Index of the layer in the model; −1 for the loss. */
  readonly layer: number;
  /** e.g. `"Dense(64→3)"` or the loss's name. */
  readonly layerName: string;
  /** e.g. `"output"`, `"weights"`, `"dinputs"`, `"dweights"`, `"loss"`. */
  readonly tensor: string;
  /** The first non-finite element, as indices, and its value. */
  readonly at: readonly number[];
  readonly value: number;
  /** One sentence, e.g. "NaN first appeared in the backward pass: layer 2 Dense(64→3) dinputs at [0, 1]". */
  readonly message: string;
}

/** The result of {@link diagnose}. */
export interface Diagnosis {
  /** The data loss on the batch (NaN when the forward pass went non-finite). */
  readonly loss: number;
  readonly layers: readonly LayerHealth[];
  /** Null when every activation, gradient and parameter is finite. */
  readonly nonFinite: NonFiniteOrigin | null;
  /** Why `updateToWeight` is null everywhere, when it is (e.g. the model is not compiled). */
  readonly updateNote: string | null;
}

const DEFAULT_THRESHOLDS: Required<HealthThresholds> = { dead: 0.5, saturated: 0.5, exploding: 1000, vanishing: 1e-7 };
const TRAINING = Object.freeze({ training: true });

/**
 * Gradient health of every layer on one batch: for activations, the fraction of dead ReLU units and of
 * saturated sigmoid/tanh outputs; for layers with parameters, ‖dL/dW‖ / ‖W‖ and the next step's
 * ‖ΔW‖ / ‖W‖; for every layer the output's mean and standard deviation. When a NaN or infinity shows up,
 * it names the first layer and tensor where it appeared, following the forward pass, then the backward pass
 * from the loss down — not just "the loss is NaN".
 *
 * Runs one forward (training mode) and one backward pass; the model's parameters and optimizer state are
 * not changed (the layers' gradient buffers are overwritten, as by any backward pass).
 */
export function diagnose(model: Sequential, x: Tensor, y: Labels, options: DiagnoseOptions = {}): Diagnosis {
  checkInstance('diagnose', 'model', model, Sequential, 'a Sequential model');
  checkTensor('diagnose', 'x', x);
  checkOptions('diagnose', 'options', options);
  const loss = options.loss ?? model.compiledWith?.loss;
  if (loss === undefined) throw new Error('diagnose: call compile({ loss, optimizer }) first (or pass options.loss)');
  const thresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
  const layers = model.layers;
  const outputs: Tensor[] = [];

  // Forward, layer by layer: a non-finite parameter or output is located before the next layer sees it.
  let nonFinite: NonFiniteOrigin | null = firstNonFinite('forward', -1, 'input', 'input', x);
  let out = x;
  for (let i = 0; i < layers.length && nonFinite === null; i++) {
    for (const p of layers[i].parameters()) {
      nonFinite ??= firstNonFinite('forward', i, layers[i].name, p.name, p.value);
    }
    if (nonFinite !== null) break;
    out = layers[i].forward(out, TRAINING);
    outputs.push(out);
    nonFinite = firstNonFinite('forward', i, layers[i].name, 'output', out);
  }
  let lossValue = NaN;
  if (nonFinite === null) {
    lossValue = loss.forward(out, y);
    if (!Number.isFinite(lossValue)) nonFinite = origin('forward', -1, loss.name, 'loss', [], lossValue);
  }
  if (nonFinite === null) nonFinite = backward(layers, out, y, loss);

  const measured: MeasuredUpdate =
    nonFinite !== null
      ? { ratios: null, note: 'not measured: a value is non-finite' }
      : options.measureUpdate === false
        ? { ratios: null, note: 'not measured (measureUpdate: false)' }
        : measureUpdate(model, x, y);
  const health = layers.map((layer, i) => layerHealth(layer, i, outputs[i], measured.ratios, thresholds, nonFinite));
  return { loss: lossValue, layers: health, nonFinite, updateNote: measured.note };
}

/**
 * The backward pass as {@link Sequential} runs it (including a loss's fused backward through the last layer),
 * one layer at a time so the first non-finite gradient is located. Checks each layer's parameter gradients
 * and its input gradient in that order.
 */
function backward(layers: readonly Layer[], yPred: Tensor, y: Labels, loss: Loss): NonFiniteOrigin | null {
  const last = layers.length - 1;
  let grad: Tensor;
  let next: number;
  const fused = loss.backwardThrough?.(layers[last], yPred, y) ?? null;
  if (fused !== null) {
    grad = fused;
    next = last - 1;
    const found = firstNonFinite('backward', last, layers[last].name, 'dinputs', grad);
    if (found) return found;
  } else {
    grad = loss.backward(yPred, y);
    next = last;
    const found = firstNonFinite('backward', -1, loss.name, 'dL/dprediction', grad);
    if (found) return found;
  }
  for (let i = next; i >= 0; i--) {
    const layer = layers[i];
    grad = layer.backward(grad);
    for (const p of layer.parameters()) {
      const found = firstNonFinite('backward', i, layer.name, `d${p.name}`, p.grad);
      if (found) return found;
    }
    const found = firstNonFinite('backward', i, layer.name, 'dinputs', grad);
    if (found) return found;
  }
  return null;
}

function firstNonFinite(pass: NonFiniteOrigin['pass'], layer: number, layerName: string, tensor: string, t: Tensor): NonFiniteOrigin | null {
  const d = t.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) return origin(pass, layer, layerName, tensor, unravel(i, t.shape), d[i]);
  }
  return null;
}

function origin(pass: NonFiniteOrigin['pass'], layer: number, layerName: string, tensor: string, at: number[], value: number): NonFiniteOrigin {
  const where = layer < 0 ? layerName : `layer ${layer} ${layerName}`;
  const position = at.length > 0 ? ` at [${at.join(', ')}]` : '';
  return {
    pass,
    layer,
    layerName,
    tensor,
    at,
    value,
    message: `${value} first appeared in the ${pass} pass: ${where} ${tensor}${position}`,
  };
}

interface MeasuredUpdate {
  /** ‖ΔW‖ / ‖W‖ by the model's parameter name, e.g. `"0:Dense(2→64).weights"`. */
  readonly ratios: Map<string, number | null> | null;
  readonly note: string | null;
}

/**
 * ‖ΔW‖ / ‖W‖ for every parameter over one optimizer step, taken on a copy of the model made through its
 * saved form (optimizer state included), so the real model and optimizer are untouched. Null when the
 * model cannot be copied that way (not compiled, or a layer that is not registered for saving).
 */
function measureUpdate(model: Sequential, x: Tensor, y: Labels): MeasuredUpdate {
  if (model.compiledWith === null) return { ratios: null, note: 'not measured: the model is not compiled' };
  let copy: Sequential;
  try {
    copy = Sequential.fromJSON(JSON.parse(JSON.stringify(model.toJSON({ includeOptimizer: true }))));
  } catch (err) {
    return { ratios: null, note: `not measured: the model cannot be copied (${err instanceof Error ? err.message : String(err)})` };
  }
  const before = copy.parameters().map((p) => p.value.data.slice());
  copy.trainStep(x, y);
  const ratios = new Map<string, number | null>();
  copy.parameters().forEach((p, k) => {
    let delta = 0;
    let norm = 0;
    for (let i = 0; i < p.value.size; i++) {
      const w = before[k][i];
      delta += (p.value.data[i] - w) ** 2;
      norm += w * w;
    }
    ratios.set(p.name, norm > 0 ? Math.sqrt(delta / norm) : null);
  });
  return { ratios, note: null };
}

function layerHealth(
  layer: Layer,
  index: number,
  output: Tensor | undefined,
  update: Map<string, number | null> | null,
  thresholds: Required<HealthThresholds>,
  nonFinite: NonFiniteOrigin | null,
): LayerHealth {
  const { mean, std } = output ? moments(output.data) : { mean: NaN, std: NaN };
  const deadFraction = layer instanceof ReLU && output ? dead(output) : null;
  const saturatedFraction =
    output && layer instanceof Sigmoid
      ? fraction(output.data, (s) => s * (1 - s) < 0.05 * 0.25)
      : output && layer instanceof Tanh
        ? fraction(output.data, (t) => 1 - t * t < 0.05)
        : null;
  const parameters = layer.parameters().map((p): ParameterHealth => {
    const norm = l2(p.value.data);
    const gradNorm = l2(p.grad.data);
    return {
      name: p.name,
      norm,
      gradNorm,
      gradToWeight: norm > 0 ? gradNorm / norm : null,
      updateToWeight: update?.get(`${index}:${layer.name}.${p.name}`) ?? null,
    };
  });
  const gradToWeight = parameters[0]?.gradToWeight ?? null;
  const flags: HealthFlag[] = [];
  if (nonFinite !== null && nonFinite.layer === index) flags.push('non-finite');
  if (deadFraction !== null && deadFraction >= thresholds.dead) flags.push('dead');
  if (saturatedFraction !== null && saturatedFraction >= thresholds.saturated) flags.push('saturated');
  if (gradToWeight !== null && gradToWeight > thresholds.exploding) flags.push('exploding');
  if (gradToWeight !== null && gradToWeight < thresholds.vanishing) flags.push('vanishing');
  return {
    index,
    name: layer.name,
    activationMean: mean,
    activationStd: std,
    deadFraction,
    saturatedFraction,
    parameters,
    gradToWeight,
    updateToWeight: parameters[0]?.updateToWeight ?? null,
    flags,
  };
}

/** Fraction of units (columns of the rows × cols reading) that are ≤ 0 on every row. */
function dead(t: Tensor): number {
  const rows = t.rows;
  const cols = t.cols;
  if (cols === 0) return 0;
  let count = 0;
  for (let j = 0; j < cols; j++) {
    let alive = false;
    for (let i = 0; i < rows && !alive; i++) alive = t.data[i * cols + j] > 0;
    if (!alive) count++;
  }
  return count / cols;
}

function fraction(d: ArrayLike<number>, test: (v: number) => boolean): number {
  if (d.length === 0) return 0;
  let n = 0;
  for (let i = 0; i < d.length; i++) if (test(d[i])) n++;
  return n / d.length;
}

function moments(d: ArrayLike<number>): { mean: number; std: number } {
  let sum = 0;
  for (let i = 0; i < d.length; i++) sum += d[i];
  const mean = sum / d.length;
  let sq = 0;
  for (let i = 0; i < d.length; i++) sq += (d[i] - mean) ** 2;
  return { mean, std: Math.sqrt(sq / d.length) };
}

function l2(d: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i] * d[i];
  return Math.sqrt(s);
}
