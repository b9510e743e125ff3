import { avgPoolBackward, avgPoolForward } from '../tensor/pooling.js';
import { reuseOrAllocate, type Tensor } from '../tensor/tensor.js';
import { windowGeometry, type Padding, type WindowGeometry } from '../tensor/window-geometry.js';
import { checkBackwardShape, type ForwardOptions, type Layer, type Parameter } from './layer.js';
import { poolSettings, type Pool2DOptions } from './pool-options.js';

/**
 * 2-D average pooling over NHWC images (Keras `AveragePooling2D`): each output is the mean of its window,
 * per channel,
 *
 *   y[n, oy, ox, c] = (1/m) Σ_{(iy, ix) in the window, inside the image} x[n, iy, ix, c]
 *
 * where m counts the window's positions inside the image (with `'same'` padding the padded positions are
 * left out of both the sum and the count, as TensorFlow does). Keeps only the input's geometry.
 *
 * Backward: dy/dx = 1/m for each input of the window, so every input receives dL/dy / m from each window
 * it belongs to.
 */
export class AveragePooling2D implements Layer {
  readonly name: string;
  readonly poolSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: Padding;
  dinputs: Tensor | null = null;
  private output: Tensor | null = null;
  private inputShape: readonly number[] = [];
  private geometry: WindowGeometry | null = null;

  constructor(options: Pool2DOptions = {}) {
    const s = poolSettings('AveragePooling2D', options);
    this.poolSize = s.poolSize;
    this.strides = s.strides;
    this.padding = s.padding;
    this.name = s.name;
  }

  forward(x: Tensor, _options?: ForwardOptions): Tensor {
    const g = windowGeometry(`${this.name}.forward`, 'pool window', x.shape, this.poolSize, this.strides, this.padding);
    const out = reuseOrAllocate(this.output, [g.batch, g.outHeight, g.outWidth, g.channels]);
    avgPoolForward(x.data, g, out.data);
    this.geometry = g;
    this.inputShape = x.shape;
    this.output = out;
    return out;
  }

  backward(dvalues: Tensor): Tensor {
    checkBackwardShape(this.name, this.output, dvalues);
    const dinputs = reuseOrAllocate(this.dinputs, this.inputShape);
    // dL/dx = Σ over the windows containing x of dL/dy / m
    avgPoolBackward(dvalues.data, this.geometry as WindowGeometry, dinputs.data);
    this.dinputs = dinputs;
    return dinputs;
  }

  parameters(): Parameter[] {
    return [];
  }
}
