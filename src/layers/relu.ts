import { reuseOrAllocate, type Tensor } from '../tensor/tensor.js';
import { checkBackwardShape, type ForwardOptions, type Layer, type Parameter } from './layer.js';

/**
 * Rectified linear unit: `y = max(0, x)`, elementwise. Keeps its input x (backward needs the sign).
 *
 * Backward: dL/dx = dL/dy where x > 0, else 0. At exactly x = 0 the derivative is taken as 0
 * (the subgradient the book and TensorFlow.js use).
 */
export class ReLU implements Layer {
  readonly name = 'ReLU';
  dinputs: Tensor | null = null;
  private input: Tensor | null = null;
  private output: Tensor | null = null;

  forward(x: Tensor, _options?: ForwardOptions): Tensor {
    const out = reuseOrAllocate(this.output, x.rows, x.cols);
    const xd = x.data;
    const od = out.data;
    for (let i = 0; i < xd.length; i++) {
      const v = xd[i];
      od[i] = v > 0 ? v : 0;
    }
    this.input = x;
    this.output = out;
    return out;
  }

  backward(dvalues: Tensor): Tensor {
    checkBackwardShape(this.name, this.output, dvalues);
    const xd = (this.input as Tensor).data;
    const dinputs = reuseOrAllocate(this.dinputs, dvalues.rows, dvalues.cols);
    const dd = dvalues.data;
    const out = dinputs.data;
    // dL/dx = dL/dy · 1[x > 0]
    for (let i = 0; i < dd.length; i++) out[i] = xd[i] > 0 ? dd[i] : 0;
    this.dinputs = dinputs;
    return dinputs;
  }

  parameters(): Parameter[] {
    return [];
  }
}
