import type { Tensor } from '../tensor/tensor.js';
import { viewOf } from '../tensor/view.js';
import { checkBackwardShape, type ForwardOptions, type Layer, type Parameter } from './layer.js';

/**
 * Flattens every sample to one row: `[batch, d₁, d₂, …] → [batch, d₁·d₂·…]`, in row-major order (for NHWC
 * images: height, then width, then channels — as Keras's `Flatten` with `channels_last`).
 *
 * Copies nothing: the output is a view of the input's data, and backward's dL/dx is a view of dL/dy with
 * the input's shape (y_i = x_i, so dL/dx_i = dL/dy_i). Keeps the input's shape.
 */
export class Flatten implements Layer {
  readonly name = 'Flatten';
  dinputs: Tensor | null = null;
  private inputShape: readonly number[] = [];
  private output: Tensor | null = null;

  forward(x: Tensor, _options?: ForwardOptions): Tensor {
    if (x.rank < 1) throw new RangeError(`${this.name}.forward: expected at least a batch dimension, got shape ${x.shapeString()}`);
    this.inputShape = x.shape;
    this.output = viewOf(this.output, x, [x.rows, x.cols]);
    return this.output;
  }

  backward(dvalues: Tensor): Tensor {
    checkBackwardShape(this.name, this.output, dvalues);
    // dL/dx = dL/dy, seen with x's shape
    this.dinputs = viewOf(this.dinputs, dvalues, this.inputShape);
    return this.dinputs;
  }

  parameters(): Parameter[] {
    return [];
  }
}
