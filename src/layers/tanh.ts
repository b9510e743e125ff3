import { assertFinite } from '../tensor/ops.js';
import { reuseOrAllocate, type Tensor } from '../tensor/tensor.js';
import { checkBackwardShape, type ForwardOptions, type Layer, type Parameter } from './layer.js';

/**
 * Hyperbolic tangent, elementwise: `y = tanh(x) = (e^x − e^(−x)) / (e^x + e^(−x))`, in (−1, 1).
 * Keeps its output y (backward needs it).
 *
 * Backward: `d tanh(x)/dx = 1 − tanh²(x)`, so `dL/dx = dL/dy · (1 − y²)`.
 */
export class Tanh implements Layer {
  readonly name = 'Tanh';
  dinputs: Tensor | null = null;
  private output: Tensor | null = null;

  forward(x: Tensor, _options?: ForwardOptions): Tensor {
    assertFinite(x, `${this.name}.forward: input`);
    const out = reuseOrAllocate(this.output, x.shape);
    const xd = x.data;
    const od = out.data;
    for (let i = 0; i < xd.length; i++) od[i] = Math.tanh(xd[i]);
    this.output = out;
    return out;
  }

  backward(dvalues: Tensor): Tensor {
    const y = checkBackwardShape(this.name, this.output, dvalues);
    const dinputs = reuseOrAllocate(this.dinputs, dvalues.shape);
    const yd = y.data;
    const dd = dvalues.data;
    const out = dinputs.data;
    // dL/dx = dL/dy · (1 − y²)
    for (let i = 0; i < dd.length; i++) out[i] = dd[i] * (1 - yd[i] * yd[i]);
    this.dinputs = dinputs;
    return dinputs;
  }

  parameters(): Parameter[] {
    return [];
  }
}
