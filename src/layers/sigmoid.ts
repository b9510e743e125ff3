import { assertFinite } from '../tensor/ops.js';
import { reuseOrAllocate, type Tensor } from '../tensor/tensor.js';
import { checkBackwardShape, type ForwardOptions, type Layer, type Parameter } from './layer.js';

/**
 * Logistic sigmoid, elementwise: `σ(x) = 1 / (1 + e^(−x))`, squashing any real number into (0, 1).
 * Used as the output of binary classifiers (book ch. 16). Keeps its output σ (backward needs it).
 *
 * Backward: `dσ/dx = σ(x) · (1 − σ(x))`, so `dL/dx = dL/dσ · σ · (1 − σ)`.
 */
export class Sigmoid implements Layer {
  readonly name = 'Sigmoid';
  dinputs: Tensor | null = null;
  private output: Tensor | null = null;

  forward(x: Tensor, _options?: ForwardOptions): Tensor {
    assertFinite(x, `${this.name}.forward: input`);
    const out = reuseOrAllocate(this.output, x.shape);
    const xd = x.data;
    const od = out.data;
    for (let i = 0; i < xd.length; i++) {
      const v = xd[i];
      // Two algebraically equal forms; each only ever calls exp() on a non-positive number, so it never overflows.
      if (v >= 0) {
        od[i] = 1 / (1 + Math.exp(-v));
      } else {
        const e = Math.exp(v);
        od[i] = e / (1 + e);
      }
    }
    this.output = out;
    return out;
  }

  backward(dvalues: Tensor): Tensor {
    const y = checkBackwardShape(this.name, this.output, dvalues);
    const dinputs = reuseOrAllocate(this.dinputs, dvalues.shape);
    const yd = y.data;
    const dd = dvalues.data;
    const out = dinputs.data;
    // dL/dx = dL/dσ · σ(1 − σ)
    for (let i = 0; i < dd.length; i++) out[i] = dd[i] * yd[i] * (1 - yd[i]);
    this.dinputs = dinputs;
    return dinputs;
  }

  parameters(): Parameter[] {
    return [];
  }
}
