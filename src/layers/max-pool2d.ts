import { convKernels } from '../tensor/kernels/conv-kernels.js';
import { reuseOrAllocate, type Tensor } from '../tensor/tensor.js';
import { windowGeometry, type Padding } from '../tensor/window-geometry.js';
import { checkBackwardShape, type ForwardOptions, type Layer, type Parameter } from './layer.js';
import { poolSettings, type Pool2DOptions } from './pool-options.js';

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
export class MaxPool2D implements Layer {
  readonly name: string;
  readonly poolSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: Padding;
  dinputs: Tensor | null = null;
  private output: Tensor | null = null;
  private inputShape: readonly number[] = [];
  /** Flat input index of each output's winner (of the last forward). */
  private argmax: Int32Array = new Int32Array(0);
  /** Winner buffers by output size, so alternating batch sizes (a last smaller batch, validation) reuse theirs. */
  private readonly argmaxBySize = new Map<number, Int32Array>();

  constructor(options: Pool2DOptions = {}) {
    const s = poolSettings('MaxPool2D', options);
    this.poolSize = s.poolSize;
    this.strides = s.strides;
    this.padding = s.padding;
    this.name = s.name;
  }

  forward(x: Tensor, _options?: ForwardOptions): Tensor {
    const g = windowGeometry(`${this.name}.forward`, 'pool window', x.shape, this.poolSize, this.strides, this.padding);
    const out = reuseOrAllocate(this.output, [g.batch, g.outHeight, g.outWidth, g.channels]);
    this.argmax = this.winnerBuffer(out.size);
    convKernels().maxPoolForward(x.data, g, out.data, this.argmax);
    this.inputShape = x.shape;
    this.output = out;
    return out;
  }

  backward(dvalues: Tensor): Tensor {
    checkBackwardShape(this.name, this.output, dvalues);
    const dinputs = reuseOrAllocate(this.dinputs, this.inputShape);
    // dL/dx[winner] += dL/dy; 0 for every input that won no window
    convKernels().maxPoolBackward(dvalues.data, this.argmax, dvalues.size, dinputs.data, dinputs.size);
    this.dinputs = dinputs;
    return dinputs;
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

  parameters(): Parameter[] {
    return [];
  }
}
