import { getKernels } from '../backend.js';
import type { BatchNormKernels } from './batch-norm-kernels.js';
import { col2im, im2col } from '../im2col.js';
import { maxPoolBackward, maxPoolForward } from '../pooling.js';
import { reluBackward, reluForward } from '../relu.js';
import type { WindowGeometry } from '../window-geometry.js';
import { WasmConvKernels } from './wasm/wasm-conv-kernels.js';
import { WasmKernels } from './wasm/wasm-kernels.js';

/**
 * The memory-bound kernels of a convolutional network — im2col/col2im around Conv2D's matrix products,
 * ReLU, max pooling — as one set per path, like the matrix products: plain JS (`im2col.ts`, `pooling.ts`,
 * `relu.ts`: the readable definitions) and WebAssembly SIMD (`wasm/conv.wat`). Same signatures and the
 * same values bit for bit (they copy, add in the same order, compare and mask).
 */
export interface ConvKernels {
  readonly name: string;
  /** See {@link im2col}. */
  im2col(x: Float32Array, g: WindowGeometry, cols: Float32Array, ones?: boolean): void;
  /** See {@link col2im}. */
  col2im(cols: Float32Array, g: WindowGeometry, dx: Float32Array): void;
  /** See {@link reluForward}. */
  relu(x: Float32Array, y: Float32Array, n: number): void;
  /** See {@link reluBackward}. */
  reluBackward(dy: Float32Array, x: Float32Array, dx: Float32Array, n: number): void;
  /** See {@link maxPoolForward}. */
  maxPoolForward(x: Float32Array, g: WindowGeometry, y: Float32Array, argmax: Int32Array): void;
  /** See {@link maxPoolBackward}; `batch` (images, default 1) lets a threaded set split the work by images. */
  maxPoolBackward(dy: Float32Array, argmax: Int32Array, count: number, dx: Float32Array, inputSize: number, batch?: number): void;
  /** Convolution without the im2col matrix, where the set has it (WebAssembly): see {@link DirectConvKernels}. */
  readonly direct?: DirectConvKernels;
  /** Batch normalisation's passes in this set's memory, where the set has them (WebAssembly). */
  readonly batchNorm?: BatchNormKernels;
}

/**
 * Conv2D's three products computed straight from the image (no im2col matrix, nothing packed or copied
 * but the operands): `W̃` is the HWIO weights read as a `[kh·kw·C, filters]` matrix, `G` = dL/dy as
 * `[batch·outH·outW, filters]`. Only for windows that all lie inside the image (no padding needed:
 * {@link directConvFits}) and a filter count that is a multiple of 8; `backwardInput` also needs
 * kw·C to be a multiple of 8. The sums run in another order than im2col + GEMM: equal to rounding.
 */
export interface DirectConvKernels {
  /** `y = im2col(x) · W̃ + b`, then `y = max(0, y)` (ReLU's rules) when `relu` is set */
  forward(x: Float32Array, g: WindowGeometry, weights: Float32Array, bias: Float32Array, y: Float32Array, filters: number, relu?: boolean): void;
  /**
   * The backward products from one load of G: with `activated` (the fused ReLU's output a), G is first
   * masked, G ⊙ 1[a > 0]; then `[dL/dW̃; dL/db] = [im2col(x) 1]ᵀ · G` into one `[kh·kw·C + 1, filters]`
   * buffer, and with `dx`, `dL/dx = col2im(G · W̃ᵀ)` (needs kw·C a multiple of 8). All overwritten.
   */
  backward(
    x: Float32Array, g: WindowGeometry, dy: Float32Array, activated: Float32Array | null, weights: Float32Array,
    dweightsAndBiases: Float32Array, dx: Float32Array | null, filters: number,
  ): void;
}

/** True when every window of `g` lies inside the image (no padding read), so the direct kernels apply. */
export function directConvFits(g: WindowGeometry): boolean {
  return g.padTop === 0 && g.padLeft === 0 &&
    (g.outHeight - 1) * g.strideY + g.windowHeight <= g.inHeight &&
    (g.outWidth - 1) * g.strideX + g.windowWidth <= g.inWidth;
}

/** The plain-JS set. */
export const jsConvKernels: ConvKernels = {
  name: 'js',
  im2col,
  col2im,
  relu: reluForward,
  reluBackward,
  maxPoolForward,
  maxPoolBackward,
};

/** One WebAssembly convolution set per WebAssembly matrix set (computing in its memory, on its worker pool). */
const wasmConvBySet = new WeakMap<WasmKernels, WasmConvKernels>();

/**
 * The set that goes with the active matrix kernels: WebAssembly SIMD when they are a {@link WasmKernels}
 * (the default where SIMD validates; one convolution set per matrix set), plain JS otherwise — so `useKernels('js')` moves everything to JS,
 * and the gradient checker's float64 scope (which hands out the reference matrix kernels) gets loops
 * that keep float64.
 */
export function convKernels(): ConvKernels {
  const kernels = getKernels();
  if (!(kernels instanceof WasmKernels)) return jsConvKernels;
  let conv = wasmConvBySet.get(kernels);
  // its thread count and workers are the matrix set's (one pool per memory), so they follow setThreads
  if (conv === undefined) wasmConvBySet.set(kernels, (conv = new WasmConvKernels(kernels)));
  return conv;
}
