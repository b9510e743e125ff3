import { reuseOrAllocate, type Tensor } from '../tensor/tensor.js';
import { checkBackwardShape, type ForwardOptions, type Layer, type Parameter } from './layer.js';

/**
 * Rectified linear unit: `y = max(0, x)`, elementwise. Keeps its input x (backward needs the sign).
 *
 * Backward: dL/dx = dL/dy where x > 0, else 0. At exactly x = 0 the derivative is taken as 0
 * (the subgradient the book and TensorFlow.js use).
 *
 * Both loops are branch-free — max(0, x) as (x + |x|)/2 and the mask as the number +(x > 0) — because
 * with signs that vary at random a branch per element is mispredicted half the time: 131 072 elements
 * take 0.57 ms with `x > 0 ? x : 0` and 0.09 ms this way (0.55 → 0.11 ms for backward).
 * NaN stays NaN; an overflowed −∞ pre-activation becomes NaN rather than a silent 0.
 */
export class ReLU implements Layer {
  readonly name = 'ReLU';
  dinputs: Tensor | null = null;
  private input: Tensor | null = null;
  private output: Tensor | null = null;

  forward(x: Tensor, _options?: ForwardOptions): Tensor {
    const out = reuseOrAllocate(this.output, x.shape);
    const xd = x.data;
    const od = out.data;
    for (let i = 0; i < xd.length; i++) {
      const v = xd[i];
      // max(0, v) = (v + |v|) / 2, exact in float64 for float32 v
      od[i] = 0.5 * (v + Math.abs(v));
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
    // dL/dx = dL/dy · 1[x > 0]
    for (let i = 0; i < dd.length; i++) out[i] = dd[i] * +(xd[i] > 0);
    this.dinputs = dinputs;
    return dinputs;
  }

  parameters(): Parameter[] {
    return [];
  }
}
