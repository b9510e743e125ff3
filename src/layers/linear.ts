import { reuseOrAllocate, type Tensor } from '../tensor/tensor.js';
import { checkBackwardShape, type ForwardOptions, type Layer, type Parameter } from './layer.js';

/**
 * The identity activation, `y = x`: the output layer of a regression model (book ch. 17), where the
 * network must be free to predict any real number. Keeps nothing but its output buffer.
 *
 * Backward: `dy/dx = 1`, so `dL/dx = dL/dy` (copied into the layer's own buffer).
 */
export class Linear implements Layer {
  readonly name = 'Linear';
  dinputs: Tensor | null = null;
  private output: Tensor | null = null;

  forward(x: Tensor, _options?: ForwardOptions): Tensor {
    const out = reuseOrAllocate(this.output, x.shape);
    out.data.set(x.data); // y = x, in the layer's own buffer like every other layer's output
    this.output = out;
    return out;
  }

  backward(dvalues: Tensor): Tensor {
    checkBackwardShape(this.name, this.output, dvalues);
    const dinputs = reuseOrAllocate(this.dinputs, dvalues.shape);
    // dL/dx = dL/dy · 1
    dinputs.data.set(dvalues.data);
    this.dinputs = dinputs;
    return dinputs;
  }

  parameters(): Parameter[] {
    return [];
  }
}
