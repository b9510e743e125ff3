import { convKernels } from '../tensor/kernels/conv-kernels.js';
import type { Tensor } from '../tensor/tensor.js';
import type { WindowGeometry } from '../tensor/window-geometry.js';
import type { Pool2DOptions } from './pool-options.js';
import { Pool2D } from './pool2d.js';

/**
 * 2-D max pooling over NHWC images (Keras `MaxPooling2D`): each output is the largest input in its window,
 * per channel,
 *
 *   y[n, oy, ox, c] = max_{ky < kh, kx < kw} x[n, oy·sy − pt + ky, ox·sx − pl + kx, c]
 *
 * over the window positions inside the image (with `'same'` padding, padded positions never win).
 * Shapes: x `[batch, H, W, C]` → y `[batch, outH, outW, C]`. Keeps, per output, the index of the input
 * that won (backward needs nothing else).
 *
 * Backward: y depends on the winner alone, with slope 1, so dL/dx = dL/dy at each window's winner and 0
 * elsewhere; an input that wins several overlapping windows receives the sum of their gradients.
 * **Ties**: when several inputs share the maximum, the first in window order (top row first, left to
 * right) is the winner and receives the whole gradient — the choice TensorFlow.js's CPU backend makes.
 * (Max is not differentiable at a tie; any convex split would be a valid subgradient.)
 */
export class MaxPool2D extends Pool2D {
  /** Flat input index of each output's winner (of the last forward). */
  private argmax: Int32Array = new Int32Array(0);
  /** Winner buffers by output size, so alternating batch sizes (a last smaller batch, validation) reuse theirs. */
  private readonly argmaxBySize = new Map<number, Int32Array>();

  constructor(options: Pool2DOptions = {}) {
    super('MaxPool2D', options);
  }

  protected pool(x: Tensor, g: WindowGeometry, y: Tensor): void {
    this.argmax = this.winnerBuffer(y.size);
    convKernels().maxPoolForward(x.data, g, y.data, this.argmax);
  }

  protected unpool(dy: Tensor, g: WindowGeometry, dx: Tensor): void {
    // dL/dx[winner] += dL/dy; 0 for every input that won no window
    convKernels().maxPoolBackward(dy.data, this.argmax, dy.size, dx.data, dx.size, g.batch);
  }

  private winnerBuffer(size: number): Int32Array {
    let buffer = this.argmaxBySize.get(size);
    if (buffer === undefined) {
      // Remember a few sizes, as reuseOrAllocate does for tensors; forget the oldest beyond that.
      if (this.argmaxBySize.size >= 6) this.argmaxBySize.delete(this.argmaxBySize.keys().next().value as number);
      buffer = new Int32Array(size);
      this.argmaxBySize.set(size, buffer);
    }
    return buffer;
  }
}
