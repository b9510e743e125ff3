import { checkNumber, checkOptions } from '../core/validate.js';
import { reuseOrAllocate, type Tensor } from '../tensor/tensor.js';
import { checkBackwardShape, type ForwardOptions, type Layer, type Parameter } from './layer.js';

/** Options for {@link LeakyReLU}. */
export interface LeakyReLUOptions {
  /** Slope for negative inputs, a finite number ≥ 0. Default 0.01. */
  alpha?: number;
}

/**
 * Leaky rectified linear unit, elementwise: `y = x` for x > 0, `y = α·x` otherwise.
 * Unlike ReLU, a negative input still passes a small gradient, so units cannot "die".
 * Keeps its input x (backward needs its sign).
 *
 * Backward: `dL/dx = dL/dy` where x > 0, `α · dL/dy` otherwise (at exactly x = 0 the slope α is used,
 * as in TensorFlow.js).
 */
export class LeakyReLU implements Layer {
  readonly name: string;
  readonly alpha: number;
  dinputs: Tensor | null = null;
  private input: Tensor | null = null;
  private output: Tensor | null = null;

  constructor(options: LeakyReLUOptions = {}) {
    checkOptions('LeakyReLU', 'options', options, ['alpha']);
    const alpha = checkNumber('LeakyReLU', 'alpha', options.alpha ?? 0.01, { min: 0 });
    this.alpha = alpha;
    this.name = `LeakyReLU(α=${alpha})`;
  }

  forward(x: Tensor, _options?: ForwardOptions): Tensor {
    const out = reuseOrAllocate(this.output, x.shape);
    const xd = x.data;
    const od = out.data;
    const a = this.alpha;
    for (let i = 0; i < xd.length; i++) {
      const v = xd[i];
      od[i] = v > 0 ? v : a * v;
    }
    this.input = x;
    this.output = out;
    return out;
  }

  backward(dvalues: Tensor): Tensor {
    checkBackwardShape(this.name, this.output, dvalues);
    const xd = (this.input as Tensor).data;
    const dinputs = reuseOrAllocate(this.dinputs, dvalues.shape);
    const dd = dvalues.data;
    const out = dinputs.data;
    const a = this.alpha;
    // dL/dx = dL/dy · (x > 0 ? 1 : α)
    for (let i = 0; i < dd.length; i++) out[i] = xd[i] > 0 ? dd[i] : a * dd[i];
    this.dinputs = dinputs;
    return dinputs;
  }

  parameters(): Parameter[] {
    return [];
  }
}
