import { avgPoolBackward, avgPoolForward } from '../tensor/pooling.js';
import type { Tensor } from '../tensor/tensor.js';
import type { WindowGeometry } from '../tensor/window-geometry.js';
import type { Pool2DOptions } from './pool-options.js';
import { Pool2D } from './pool2d.js';

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
export class AveragePooling2D extends Pool2D {
  constructor(options: Pool2DOptions = {}) {
    super('AveragePooling2D', options);
  }

  protected pool(x: Tensor, g: WindowGeometry, y: Tensor): void {
    avgPoolForward(x.data, g, y.data);
  }

  protected unpool(dy: Tensor, g: WindowGeometry, dx: Tensor): void {
    // dL/dx = Σ over the windows containing x of dL/dy / m
    avgPoolBackward(dy.data, g, dx.data);
  }
}
