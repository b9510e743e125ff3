import { convKernels } from '../tensor/kernels/conv-kernels.js';
import { reuseOrAllocate, type Tensor } from '../tensor/tensor.js';
import { checkBackwardShape, type ForwardOptions, type Layer, type Parameter } from './layer.js';

/**
 * Rectified linear unit: `y = max(0, x)`, elementwise. Keeps its input x (backward needs the sign).
 *
 * Backward: dL/dx = dL/dy where x > 0, else 0. At exactly x = 0 the derivative is taken as 0
 * (the subgradient the book and TensorFlow.js use).
 *
 * NaN stays NaN; an overflowed −∞ pre-activation becomes NaN rather than a silent 0.
 * The loops are the active kernel path's (`../tensor/relu.ts` in JS, conv.wat in WebAssembly SIMD).
 */
export class ReLU implements Layer {
  readonly name = 'ReLU';
  dinputs: Tensor | null = null;
  private input: Tensor | null = null;
  private output: Tensor | null = null;

  forward(x: Tensor, _options?: ForwardOptions): Tensor {
    const out = reuseOrAllocate(this.output, x.shape);
    // y = max(0, x)
    convKernels().relu(x.data, out.data, x.size);
    this.input = x;
    this.output = out;
    return out;
  }

  backward(dvalues: Tensor): Tensor {
    checkBackwardShape(this.name, this.output, dvalues);
    const dinputs = reuseOrAllocate(this.dinputs, dvalues.shape);
    // dL/dx = dL/dy · 1[x > 0]
    convKernels().reluBackward(dvalues.data, (this.input as Tensor).data, dinputs.data, dvalues.size);
    this.dinputs = dinputs;
    return dinputs;
  }

  parameters(): Parameter[] {
    return [];
  }
}
