import { randomFor } from '../core/random.js';
import { checkEnum, checkInteger, checkOptions, checkSeed, invalid } from '../core/validate.js';
import { convKernels, directConvFits, type DirectConvKernels } from '../tensor/kernels/conv-kernels.js';
import { assertFinite, matmul, matmulTransA, matmulTransB } from '../tensor/ops.js';
import { subview } from '../tensor/storage.js';
import { Tensor, reuseOrAllocate } from '../tensor/tensor.js';
import { viewOf } from '../tensor/view.js';
import { windowGeometry, type Padding, type WindowGeometry } from '../tensor/window-geometry.js';
import { pairOption, paddingOption } from './window-options.js';
import { INITIALIZERS, initializeWeights, type InitializerName } from './initializers.js';
import { checkBackwardShape, type ForwardOptions, type Layer, type Parameter } from './layer.js';

/** Options for {@link Conv2D}. */
export interface Conv2DOptions {
  /** Kernel height and width: one number for a square kernel, or `[height, width]`. Required. */
  kernelSize: number | readonly [number, number];
  /** Step between kernel positions: one number or `[vertical, horizontal]`. Default 1. */
  strides?: number | readonly [number, number];
  /** `'valid'` (no padding, the default) or `'same'` (output ⌈in / stride⌉; extra row/column at the bottom/right, as TensorFlow). */
  padding?: Padding;
  /** Seed for the weight initialiser. Default: a stream forked from the global generator. */
  seed?: number;
  /**
   * Weight initialiser, with fan-in kh·kw·inChannels and fan-out kh·kw·filters (as Keras computes them).
   * Default `'glorot'` (Keras's default for Conv2D); `'he'` suits ReLU networks.
   */
  initializer?: InitializerName;
  /**
   * `'relu'` applies max(0, ·) to the output inside the layer (Keras's `activation='relu'`): the same
   * values and gradients as a ReLU layer after it, without a pass over the output of its own. Default
   * `'linear'` (none).
   */
  activation?: Conv2DActivation;
}

/** The activations Conv2D can fuse: `'linear'` (none) or `'relu'`. */
export type Conv2DActivation = 'linear' | 'relu';
const CONV2D_ACTIVATIONS: readonly Conv2DActivation[] = ['linear', 'relu'];

const CONV2D_OPTIONS = ['kernelSize', 'strides', 'padding', 'seed', 'initializer', 'activation'] as const;

/**
 * 2-D convolution over NHWC images (Keras `Conv2D`, `data_format='channels_last'`, without dilation):
 *
 *   y[n, oy, ox, f] = b[f] + Σ_{ky, kx, c} x[n, oy·sy − pt + ky, ox·sx − pl + kx, c] · W[ky, kx, c, f]
 *
 * Shapes: x `[batch, H, W, inChannels]`, W `[kh, kw, inChannels, filters]` (HWIO, as Keras/TensorFlow),
 * b `[1, filters]` (like Dense's biases), y `[batch, outH, outW, filters]`; x is 0 in the padding.
 *
 * It runs as one matrix product: X̃ = im2col(x) `[batch·outH·outW, kh·kw·inChannels]` holds in each row the
 * input values one kernel position sees, W read as a matrix W̃ `[kh·kw·inChannels, filters]`, and
 * Y = X̃ · W̃ + b is y in NHWC order. The bias rides along in the same product: each row of X̃ gets a
 * trailing 1 and W̃ a last row b (the weights and biases are two views of one `[kh·kw·inChannels + 1,
 * filters]` buffer), so Y = [X̃ 1] · [W̃; b] — no separate pass over Y to add b, nor over G to sum it.
 * Keeps [X̃ 1] (backward needs it for dL/dW).
 *
 * Backward, given G = dL/dy read as a `[batch·outH·outW, filters]` matrix:
 * - [dL/dW̃; dL/db] = [X̃ 1]ᵀ · G   (`dweights`: each weight meets every position it multiplied;
 *   `dbiases` = Σ_rows G, the last row: the bias is added at every position of every image)
 * - dL/dX̃ = G · W̃ᵀ, then dL/dx = col2im(dL/dX̃): each input value receives the gradient of every
 *   window position it was copied to (`dinputs`).
 * With `activation: 'relu'` the layer outputs a = max(0, y) and backward first turns dL/da into
 * G = dL/da ⊙ 1[a > 0] (a > 0 exactly where y > 0; the derivative at 0 is taken as 0, as ReLU's).
 *
 * The matrix products run on the active kernel set (WebAssembly SIMD by default). On the WebAssembly path,
 * when no window needs padding and `filters` is a multiple of 8, the same three products run as direct
 * convolutions instead (conv.wat): they read x where it lies, so neither X̃ nor dL/dX̃ is ever built —
 * the layer then keeps x itself for backward. Same formulas; the sums run in another order (equal to
 * float32 rounding).
 */
export class Conv2D implements Layer {
  readonly name: string;
  readonly inChannels: number;
  readonly filters: number;
  readonly kernelSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: Padding;
  /** The fused activation (`'linear'`: none). */
  readonly activation: Conv2DActivation;
  /** `[kh, kw, inChannels, filters]`. The same Tensor object for the layer's whole life. */
  readonly weights: Tensor;
  /** `[1, filters]`, zeros at start. */
  readonly biases: Tensor;
  /** dL/dW from the last backward, `[kh, kw, inChannels, filters]`. */
  readonly dweights: Tensor;
  /** dL/db from the last backward, `[1, filters]`. */
  readonly dbiases: Tensor;
  dinputs: Tensor | null = null;
  /** The options the layer was built with. */
  readonly options: Readonly<Conv2DOptions>;

  /** W read as a `[kh·kw·inChannels, filters]` matrix (a view sharing its data). */
  private readonly weightMatrix: Tensor;
  /** [W̃; b] and [dL/dW̃; dL/db]: `[kh·kw·inChannels + 1, filters]`, the buffers `weights`/`biases` (and their gradients) view. */
  private readonly augmentedWeights: Tensor;
  private readonly augmentedGradients: Tensor;
  private geometry: WindowGeometry | null = null;
  private inputShape: readonly number[] = [];
  /** im2col(x) of the last forward. */
  private columns: Tensor | null = null;
  /** Y as a `[batch·outH·outW, filters]` matrix, and the same data as `[batch, outH, outW, filters]`. */
  private outputMatrix: Tensor | null = null;
  private output: Tensor | null = null;
  private gradientMatrix: Tensor | null = null;
  /** G = dL/da ⊙ 1[a > 0] with the fused ReLU. */
  private maskedGradient: Tensor | null = null;
  private dcolumns: Tensor | null = null;
  /** The direct kernels when the last forward used them (then `input` is kept instead of `columns`). */
  private direct: DirectConvKernels | null = null;
  private input: Tensor | null = null;

  constructor(inChannels: number, filters: number, options: Conv2DOptions) {
    checkInteger('Conv2D', 'inChannels', inChannels, { min: 1 });
    checkInteger('Conv2D', 'filters', filters, { min: 1 });
    const op = `Conv2D(${inChannels}, ${filters})`;
    if (options === undefined) invalid(op, 'options', 'an options object with kernelSize', options, true);
    checkOptions(op, 'options', options, CONV2D_OPTIONS);
    if (options.seed !== undefined) checkSeed(op, 'seed', options.seed);
    if (options.initializer !== undefined) checkEnum(op, 'initializer', options.initializer, INITIALIZERS);
    this.activation = options.activation === undefined ? 'linear' : checkEnum(op, 'activation', options.activation, CONV2D_ACTIVATIONS);
    this.inChannels = inChannels;
    this.filters = filters;
    this.kernelSize = pairOption(op, 'kernelSize', options.kernelSize);
    this.strides = pairOption(op, 'strides', options.strides, [1, 1]);
    this.padding = paddingOption(op, options.padding);
    this.options = { ...options };
    const [kh, kw] = this.kernelSize;
    const [sy, sx] = this.strides;
    const extras = [
      sy !== 1 || sx !== 1 ? `stride ${sy === sx ? sy : `${sy}×${sx}`}` : '',
      this.padding === 'same' ? 'same' : '',
      this.activation === 'relu' ? 'relu' : '',
    ];
    this.name = `Conv2D(${inChannels}→${filters}, ${[`${kh}×${kw}`, ...extras.filter((e) => e)].join(', ')})`;

    const fanIn = kh * kw * inChannels;
    // one buffer [W̃; b] per pair, so the bias joins the matrix product (see the class comment)
    this.augmentedWeights = new Tensor([fanIn + 1, filters]);
    this.augmentedGradients = new Tensor([fanIn + 1, filters]);
    const wd = this.augmentedWeights.data;
    const gd = this.augmentedGradients.data;
    this.weights = new Tensor([kh, kw, inChannels, filters], subview(wd, 0, fanIn * filters));
    this.biases = new Tensor([1, filters], subview(wd, fanIn * filters));
    this.dweights = new Tensor([kh, kw, inChannels, filters], subview(gd, 0, fanIn * filters));
    this.dbiases = new Tensor([1, filters], subview(gd, fanIn * filters));
    this.weightMatrix = this.weights.reshape([fanIn, filters]);
    initializeWeights(options.initializer ?? 'glorot', this.weights.data, fanIn, kh * kw * filters, randomFor(options.seed));
  }

  /** y = conv(x, W) + b via im2col and one matrix product (or the direct kernels). Keeps im2col(x), or x, for backward. */
  forward(x: Tensor, _options?: ForwardOptions): Tensor {
    const op = `${this.name}.forward`;
    const g = windowGeometry(op, 'kernel', x.shape, this.kernelSize, this.strides, this.padding);
    if (g.channels !== this.inChannels) {
      throw new RangeError(`${op}: input has ${g.channels} channels, expected ${this.inChannels} (input shape ${x.shapeString()})`);
    }
    assertFinite(x, `${op}: input`);
    this.geometry = g;
    this.inputShape = x.shape;
    const positions = g.batch * g.outHeight * g.outWidth;
    const kernels = convKernels();
    this.direct = kernels.direct !== undefined && this.filters % 8 === 0 && directConvFits(g) ? kernels.direct : null;
    const relu = this.activation === 'relu';
    let y: Tensor;
    if (this.direct !== null) {
      // Y = X̃ · W̃ + b, straight from x (then a = max(0, Y) there, with the fused ReLU)
      y = reuseOrAllocate(this.outputMatrix, [positions, this.filters]);
      this.direct.forward(x.data, g, this.weights.data, this.biases.data, y.data, this.filters, relu);
      this.input = x;
    } else {
      const columns = reuseOrAllocate(this.columns, [positions, this.augmentedWeights.shape[0]]);
      kernels.im2col(x.data, g, columns.data, true);
      this.columns = columns;
      // Y = [X̃ 1] · [W̃; b] = X̃ · W̃ + b
      y = matmul(columns, this.augmentedWeights, this.outputMatrix, op);
      // a = max(0, Y), in place
      if (relu) kernels.relu(y.data, y.data, y.size);
    }
    this.outputMatrix = y;
    this.output = viewOf(this.output, y, [g.batch, g.outHeight, g.outWidth, this.filters]);
    return this.output;
  }

  backward(dvalues: Tensor): Tensor {
    const dinputs = reuseOrAllocate(this.dinputs, this.inputShape);
    this.backwardInto(dvalues, dinputs);
    this.dinputs = dinputs;
    return dinputs;
  }

  /** The parameter half of {@link Conv2D.backward}: dL/dW and dL/db only (`dinputs` is not touched). */
  backwardParameters(dvalues: Tensor): void {
    this.backwardInto(dvalues, null);
  }

  /** dL/dW and dL/db, and dL/dx into `dinputs` unless it is null. */
  private backwardInto(dvalues: Tensor, dinputs: Tensor | null): void {
    checkBackwardShape(this.name, this.output, dvalues);
    const op = `${this.name}.backward`;
    const g = this.geometry as WindowGeometry;
    const relu = this.activation === 'relu';
    let G = viewOf(this.gradientMatrix, dvalues, [g.batch * g.outHeight * g.outWidth, this.filters]);
    this.gradientMatrix = G;
    const direct = this.direct;
    // dL/dx straight from G too, when the direct kernels have it for this shape
    const directInput = direct !== null && dinputs !== null && (g.windowWidth * g.channels) % 8 === 0;
    if (direct !== null && (directInput || dinputs === null)) {
      // One call: G masked by a > 0 (with the fused ReLU), [dL/dW̃; dL/db] = [X̃ 1]ᵀ · G and
      // dL/dx = col2im(G · W̃ᵀ), G loaded into the kernels' memory once
      const activated = relu ? (this.outputMatrix as Tensor).data : null;
      direct.backward((this.input as Tensor).data, g, G.data, activated, this.weights.data, this.augmentedGradients.data, directInput ? (dinputs as Tensor).data : null, this.filters);
      return;
    }
    if (relu) {
      // G = dL/da ⊙ 1[a > 0]: a = max(0, y) passes the gradient where y > 0, i.e. where a > 0
      const masked = reuseOrAllocate(this.maskedGradient, G.shape);
      convKernels().reluBackward(G.data, (this.outputMatrix as Tensor).data, masked.data, G.size);
      this.maskedGradient = masked;
      G = masked;
    }
    // [dL/dW̃; dL/db] = [X̃ 1]ᵀ · G: the last row sums G over every image and position
    if (direct !== null) direct.backward((this.input as Tensor).data, g, G.data, null, this.weights.data, this.augmentedGradients.data, null, this.filters);
    else matmulTransA(this.columns as Tensor, G, this.augmentedGradients, op);
    if (dinputs === null) return;
    // dL/dX̃ = G · W̃ᵀ
    const dcolumns = matmulTransB(G, this.weightMatrix, this.dcolumns, op);
    this.dcolumns = dcolumns;
    // dL/dx = col2im(dL/dX̃): every copy im2col made sends its gradient back to where it came from
    convKernels().col2im(dcolumns.data, g, dinputs.data);
  }

  parameters(): Parameter[] {
    return [
      { name: 'weights', value: this.weights, grad: this.dweights },
      { name: 'biases', value: this.biases, grad: this.dbiases },
    ];
  }
}
