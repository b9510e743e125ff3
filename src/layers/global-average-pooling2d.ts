import { globalAvgPoolBackward, globalAvgPoolForward } from '../tensor/pooling.js';
import { reuseOrAllocate, type Tensor } from '../tensor/tensor.js';
import { checkBackwardShape, type ForwardOptions, type Layer, type Parameter } from './layer.js';

/**
 * Global average pooling over NHWC images (Keras `GlobalAveragePooling2D`): the mean of each channel over
 * all pixels, `y[n, c] = (1 / (H·W)) Σ_{iy, ix} x[n, iy, ix, c]`, from `[batch, H, W, C]` to `[batch, C]`.
 * Keeps only the input's shape.
 *
 * Backward: dy[n, c]/dx[n, iy, ix, c] = 1/(H·W), so dL/dx[n, iy, ix, c] = dL/dy[n, c] / (H·W).
 */
export class GlobalAveragePooling2D implements Layer {
  readonly name = 'GlobalAveragePooling2D';
  dinputs: Tensor | null = null;
  private output: Tensor | null = null;
  private inputShape: readonly number[] = [];

  forward(x: Tensor, _options?: ForwardOptions): Tensor {
    if (x.rank !== 4 || x.shape[1] === 0 || x.shape[2] === 0) {
      throw new RangeError(`${this.name}.forward: expected a 4-D input [batch, height, width, channels] with pixels, got shape ${x.shapeString()}`);
    }
    const [batch, h, w, channels] = x.shape;
    const out = reuseOrAllocate(this.output, [batch, channels]);
    globalAvgPoolForward(x.data, batch, h * w, channels, out.data);
    this.inputShape = x.shape;
    this.output = out;
    return out;
  }

  backward(dvalues: Tensor): Tensor {
    checkBackwardShape(this.name, this.output, dvalues);
    const [batch, h, w, channels] = this.inputShape;
    const dinputs = reuseOrAllocate(this.dinputs, this.inputShape);
    // dL/dx = dL/dy / (H·W), broadcast over the pixels
    globalAvgPoolBackward(dvalues.data, batch, h * w, channels, dinputs.data);
    this.dinputs = dinputs;
    return dinputs;
  }

  parameters(): Parameter[] {
    return [];
  }
}
