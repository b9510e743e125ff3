import { checkInteger, checkNumber, checkOptions, checkPositive } from '../core/validate.js';
import { batchNormKernels } from '../tensor/kernels/batch-norm-kernels.js';
import { assertFinite } from '../tensor/ops.js';
import { Tensor, reuseOrAllocate } from '../tensor/tensor.js';
import { checkBackwardShape, type ForwardOptions, type Layer, type Parameter } from './layer.js';

/** Options for {@link BatchNormalization} (Keras's names and defaults). */
export interface BatchNormalizationOptions {
  /** Weight of the old value in the moving averages, in [0, 1). Default 0.99. */
  momentum?: number;
  /** Added to the variance before the square root, > 0. Default 1e-3. */
  epsilon?: number;
}

/**
 * Batch normalisation over the last axis (Keras `BatchNormalization(axis=-1)`): for `[batch, features]`
 * each feature, for NHWC images each channel, over every sample and pixel. With M the number of values per
 * channel in the batch:
 *
 *   μ = (1/M) Σ x,   σ² = (1/M) Σ (x − μ)²,   x̂ = (x − μ) / √(σ² + ε),   y = γ · x̂ + β
 *
 * - **Training** (`forward(x, { training: true })`): μ, σ² are the batch's; the moving averages are
 *   updated `m ← momentum · m + (1 − momentum) · μ` and `v ← momentum · v + (1 − momentum) · σ²`
 *   (σ² biased, as Keras 3).
 * - **Inference**: μ, σ² are the moving averages, so y is a fixed affine function of x.
 *
 * γ (`gamma`, ones at start) and β (`beta`, zeros) are trainable, `[1, C]` like Dense's biases; the moving
 * mean (zeros) and variance (ones) are not, and are saved with the model. Keeps x̂ and 1/√(σ² + ε).
 *
 * Backward, given g = dL/dy (sums over the M values of a channel):
 * - dL/dβ = Σ g,   dL/dγ = Σ g · x̂
 * - training:  dL/dx = γ / (M √(σ² + ε)) · (M·g − Σ g − x̂ · Σ g·x̂)   (μ and σ² depend on x too)
 * - inference: dL/dx = γ / √(v + ε) · g
 */
export class BatchNormalization implements Layer {
  readonly name: string;
  readonly channels: number;
  readonly momentum: number;
  readonly epsilon: number;
  /** Scale γ, `[1, C]`, ones at start. */
  readonly gamma: Tensor;
  /** Shift β, `[1, C]`, zeros at start. */
  readonly beta: Tensor;
  readonly dgamma: Tensor;
  readonly dbeta: Tensor;
  /** Moving average of the batch means, `[1, C]`, used at inference. Not trained by gradients. */
  readonly movingMean: Tensor;
  /** Moving average of the batch variances, `[1, C]`, used at inference. */
  readonly movingVariance: Tensor;
  dinputs: Tensor | null = null;

  private output: Tensor | null = null;
  private xhat: Tensor | null = null;
  private trainingForward = false;
  // per-channel statistics of the last forward, and scratch sums for backward (float64)
  private readonly mean: Float64Array;
  private readonly variance: Float64Array;
  private readonly invStd: Float64Array;
  private readonly sumDy: Float64Array;
  private readonly sumDyXhat: Float64Array;

  constructor(channels: number, options: BatchNormalizationOptions = {}) {
    checkInteger('BatchNormalization', 'channels', channels, { min: 1 });
    const op = `BatchNormalization(${channels})`;
    checkOptions(op, 'options', options, ['momentum', 'epsilon']);
    const momentum = checkNumber(op, 'momentum', options.momentum ?? 0.99, { min: 0, max: 1, maxExclusive: true });
    const epsilon = checkPositive(op, 'epsilon', options.epsilon ?? 1e-3);
    this.channels = channels;
    this.momentum = momentum;
    this.epsilon = epsilon;
    this.name = op;
    this.gamma = new Tensor([1, channels]);
    this.gamma.data.fill(1);
    this.beta = new Tensor([1, channels]);
    this.dgamma = new Tensor([1, channels]);
    this.dbeta = new Tensor([1, channels]);
    this.movingMean = new Tensor([1, channels]);
    this.movingVariance = new Tensor([1, channels]);
    this.movingVariance.data.fill(1);
    this.mean = new Float64Array(channels);
    this.variance = new Float64Array(channels);
    this.invStd = new Float64Array(channels);
    this.sumDy = new Float64Array(channels);
    this.sumDyXhat = new Float64Array(channels);
  }

  /** Normalises with the batch's statistics (training, updating the moving averages) or the moving ones. */
  forward(x: Tensor, options: ForwardOptions = {}): Tensor {
    const op = `${this.name}.forward`;
    const C = this.channels;
    if (x.rank < 2 || x.shape[x.rank - 1] !== C) {
      throw new RangeError(`${op}: expected an input whose last axis has ${C} channels, got shape ${x.shapeString()}`);
    }
    const rows = x.size / C;
    if (rows === 0) throw new RangeError(`${op}: input has no values: shape ${x.shapeString()}`);
    assertFinite(x, `${op}: input`);
    const out = reuseOrAllocate(this.output, x.shape);
    const xhat = reuseOrAllocate(this.xhat, x.shape);
    const training = options.training === true;
    if (training) {
      batchNormKernels().trainingForward(x.data, rows, C, this.gamma.data, this.beta.data, this.epsilon, this.mean, this.variance, this.invStd, xhat.data, out.data);
      // m ← momentum·m + (1 − momentum)·μ, likewise v with σ²
      const keep = this.momentum;
      const mm = this.movingMean.data;
      const mv = this.movingVariance.data;
      for (let c = 0; c < C; c++) {
        mm[c] = keep * mm[c] + (1 - keep) * this.mean[c];
        mv[c] = keep * mv[c] + (1 - keep) * this.variance[c];
      }
    } else {
      batchNormKernels().inferenceForward(x.data, rows, C, this.gamma.data, this.beta.data, this.epsilon, this.movingMean.data, this.movingVariance.data, this.mean, this.invStd, xhat.data, out.data);
    }
    this.trainingForward = training;
    this.xhat = xhat;
    this.output = out;
    return out;
  }

  backward(dvalues: Tensor): Tensor {
    checkBackwardShape(this.name, this.output, dvalues);
    const dinputs = reuseOrAllocate(this.dinputs, dvalues.shape);
    const rows = dvalues.size / this.channels;
    batchNormKernels().backward(
      dvalues.data, (this.xhat as Tensor).data, rows, this.channels, this.gamma.data, this.invStd, this.trainingForward,
      this.sumDy, this.sumDyXhat, this.dgamma.data, this.dbeta.data, dinputs.data,
    );
    this.dinputs = dinputs;
    return dinputs;
  }

  parameters(): Parameter[] {
    return [
      { name: 'gamma', value: this.gamma, grad: this.dgamma },
      { name: 'beta', value: this.beta, grad: this.dbeta },
    ];
  }
}
