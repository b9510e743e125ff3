import { reuseOrAllocate, type Tensor } from '../tensor/tensor.js';
import { windowGeometry, type Padding, type WindowGeometry } from '../tensor/window-geometry.js';
import { checkBackwardShape, type ForwardOptions, type Layer, type Parameter } from './layer.js';
import { poolSettings, type Pool2DOptions } from './pool-options.js';

/**
 * What MaxPool2D and AveragePooling2D share: the checked options, and the steps around their kernels —
 * the window's geometry and the output buffer in forward, the shape check and the dL/dx buffer in
 * backward. Each subclass supplies the pooling itself (`pool`) and its derivative (`unpool`).
 */
export abstract class Pool2D implements Layer {
  readonly name: string;
  readonly poolSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: Padding;
  dinputs: Tensor | null = null;
  private output: Tensor | null = null;
  private inputShape: readonly number[] = [];
  private geometry: WindowGeometry | null = null;

  /** @param layer - the layer's class name, for its display name and errors */
  constructor(layer: string, options: Pool2DOptions = {}) {
    const s = poolSettings(layer, options);
    this.poolSize = s.poolSize;
    this.strides = s.strides;
    this.padding = s.padding;
    this.name = s.name;
  }

  /** Writes y (`[batch, outH, outW, C]`, every element) from x; keeps what `unpool` needs. */
  protected abstract pool(x: Tensor, g: WindowGeometry, y: Tensor): void;
  /** Overwrites dL/dx (every element) from dL/dy. */
  protected abstract unpool(dy: Tensor, g: WindowGeometry, dx: Tensor): void;

  forward(x: Tensor, _options?: ForwardOptions): Tensor {
    const g = windowGeometry(`${this.name}.forward`, 'pool window', x.shape, this.poolSize, this.strides, this.padding);
    const out = reuseOrAllocate(this.output, [g.batch, g.outHeight, g.outWidth, g.channels]);
    this.pool(x, g, out);
    this.geometry = g;
    this.inputShape = x.shape;
    this.output = out;
    return out;
  }

  backward(dvalues: Tensor): Tensor {
    checkBackwardShape(this.name, this.output, dvalues);
    const dinputs = reuseOrAllocate(this.dinputs, this.inputShape);
    this.unpool(dvalues, this.geometry as WindowGeometry, dinputs);
    this.dinputs = dinputs;
    return dinputs;
  }

  parameters(): Parameter[] {
    return [];
  }
}
