import type { ConvKernels, DirectConvKernels } from '../conv-kernels.js';
import type { WindowGeometry } from '../../window-geometry.js';
import { CONV_WASM_BASE64 } from './conv-bytes.js';

/*
 * The convolutional network's memory-bound kernels (im2col, col2im, ReLU, max pooling) in WebAssembly
 * SIMD (conv.wat), with their own instance and memory. Each call copies its operands into that memory
 * (16-byte aligned, one after the other from address 0), runs there and copies the results back. The
 * copies are memcpy (`TypedArray.set`, ~40 GB/s here) while the scalar JS loops they replace run at
 * 1–4 ns per element: for 64×26×26×32 activations ReLU backward takes 2.75 ms in JS, the copies 0.3 ms.
 * Memory grows only for larger operands than any before; results go out through views cached per
 * (offset, length), so a training loop at a fixed batch size allocates nothing after its first step.
 */

interface ConvExports {
  readonly memory: WebAssembly.Memory;
  im2col(x: number, cols: number, ...geometryAndOnes: Geometry13): void;
  col2im(cols: number, dx: number, ...geometryAndOnes: Geometry13): void;
  relu(x: number, y: number, n: number): void;
  reluBackward(dy: number, x: number, dx: number, n: number): void;
  maxPool(x: number, y: number, argmax: number, ...geometry: Geometry12): void;
  maxPoolBackward(dy: number, argmax: number, count: number, dx: number, inputSize: number): void;
  convForward(x: number, w: number, bias: number, y: number, ...geometryAndFilters: Direct11): void;
  convBackwardFilter(x: number, g: number, dw: number, ...geometryAndFilters: Direct11): void;
  convBackwardInput(g: number, w: number, wt: number, dx: number, ...geometryAndFilters: Direct11): void;
}

/** A window geometry as conv.wat takes it: batch, H, W, C, kh, kw, sy, sx, padTop, padLeft, outH, outW. */
type Geometry12 = [number, number, number, number, number, number, number, number, number, number, number, number];
/** The same, then `ones` (1: the column matrix has a trailing column of ones). */
type Geometry13 = [...Geometry12, number];
/** The direct convolutions' arguments: batch, H, W, C, kh, kw, sy, sx, outH, outW, filters. */
type Direct11 = [number, number, number, number, number, number, number, number, number, number, number];

const PAGE_BYTES = 65536;

let cachedBytes: Uint8Array<ArrayBuffer> | null = null;

/** The compiled conv.wat, decoded once from the embedded base64. */
export function convWasmBytes(): Uint8Array<ArrayBuffer> {
  if (cachedBytes === null) {
    const text = atob(CONV_WASM_BASE64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    cachedBytes = bytes;
  }
  return cachedBytes;
}

const inputSize = (g: WindowGeometry) => g.batch * g.inHeight * g.inWidth * g.channels;
const outputPositions = (g: WindowGeometry) => g.batch * g.outHeight * g.outWidth;

/** Rounds a count of floats up to a multiple of 4 (16-byte alignment). */
function align4(floats: number): number {
  return (floats + 3) & ~3;
}

/** The convolution kernels on WebAssembly SIMD, with their own instance and memory. */
export class WasmConvKernels implements ConvKernels {
  readonly name = 'wasm';
  private readonly exports: ConvExports;
  private heap: Float32Array;
  private heap32: Int32Array;
  private readonly views = new Map<number, Map<number, Float32Array>>();
  private readonly views32 = new Map<number, Map<number, Int32Array>>();

  constructor() {
    this.exports = new WebAssembly.Instance(new WebAssembly.Module(convWasmBytes()), {}).exports as unknown as ConvExports;
    this.heap = new Float32Array(this.exports.memory.buffer);
    this.heap32 = new Int32Array(this.exports.memory.buffer);
  }

  readonly im2col = (x: Float32Array, g: WindowGeometry, cols: Float32Array, ones = false): void => {
    const inSize = g.batch * g.inHeight * g.inWidth * g.channels;
    const colSize = g.batch * g.outHeight * g.outWidth * (g.windowHeight * g.windowWidth * g.channels + (ones ? 1 : 0));
    const xOff = 0;
    const cOff = align4(inSize);
    this.ensureFloats(cOff + colSize);
    this.load(x, inSize, xOff);
    this.exports.im2col(
      xOff * 4, cOff * 4, g.batch, g.inHeight, g.inWidth, g.channels, g.windowHeight, g.windowWidth,
      g.strideY, g.strideX, g.padTop, g.padLeft, g.outHeight, g.outWidth, ones ? 1 : 0,
    );
    cols.set(this.view(cOff, colSize));
  };

  readonly col2im = (cols: Float32Array, g: WindowGeometry, dx: Float32Array): void => {
    const inSize = g.batch * g.inHeight * g.inWidth * g.channels;
    const colSize = g.batch * g.outHeight * g.outWidth * g.windowHeight * g.windowWidth * g.channels;
    const cOff = 0;
    const xOff = align4(colSize);
    this.ensureFloats(xOff + inSize);
    this.load(cols, colSize, cOff);
    this.exports.col2im(
      cOff * 4, xOff * 4, g.batch, g.inHeight, g.inWidth, g.channels, g.windowHeight, g.windowWidth,
      g.strideY, g.strideX, g.padTop, g.padLeft, g.outHeight, g.outWidth, 0,
    );
    dx.set(this.view(xOff, inSize));
  };

  readonly relu = (x: Float32Array, y: Float32Array, n: number): void => {
    this.ensureFloats(align4(n));
    this.load(x, n, 0);
    this.exports.relu(0, 0, n);
    y.set(this.view(0, n));
  };

  readonly reluBackward = (dy: Float32Array, x: Float32Array, dx: Float32Array, n: number): void => {
    const xOff = align4(n);
    this.ensureFloats(2 * xOff);
    this.load(dy, n, 0);
    this.load(x, n, xOff);
    this.exports.reluBackward(0, xOff * 4, 0, n);
    dx.set(this.view(0, n));
  };

  readonly maxPoolForward = (x: Float32Array, g: WindowGeometry, y: Float32Array, argmax: Int32Array): void => {
    const inSize = g.batch * g.inHeight * g.inWidth * g.channels;
    const outSize = g.batch * g.outHeight * g.outWidth * g.channels;
    const yOff = align4(inSize);
    const aOff = yOff + align4(outSize);
    this.ensureFloats(aOff + outSize);
    this.load(x, inSize, 0);
    this.exports.maxPool(
      0, yOff * 4, aOff * 4, g.batch, g.inHeight, g.inWidth, g.channels, g.windowHeight, g.windowWidth,
      g.strideY, g.strideX, g.padTop, g.padLeft, g.outHeight, g.outWidth,
    );
    y.set(this.view(yOff, outSize));
    argmax.set(this.view32(aOff, outSize));
  };

  readonly maxPoolBackward = (dy: Float32Array, argmax: Int32Array, count: number, dx: Float32Array, inputSize: number): void => {
    const aOff = align4(count);
    const xOff = aOff + align4(count);
    this.ensureFloats(xOff + inputSize);
    this.load(dy, count, 0);
    this.heap32.set(argmax.length === count ? argmax : argmax.subarray(0, count), aOff);
    this.exports.maxPoolBackward(0, aOff * 4, count, xOff * 4, inputSize);
    dx.set(this.view(xOff, inputSize));
  };

  /** The direct convolutions (no im2col matrix): see {@link DirectConvKernels}. */
  readonly direct: DirectConvKernels = {
    forward: (x, g, weights, bias, y, filters) => {
      const xSize = inputSize(g);
      const kSize = g.windowHeight * g.windowWidth * g.channels * filters;
      const ySize = outputPositions(g) * filters;
      const wOff = align4(xSize);
      const bOff = wOff + align4(kSize);
      const yOff = bOff + align4(filters);
      this.ensureFloats(yOff + ySize);
      this.load(x, xSize, 0);
      this.load(weights, kSize, wOff);
      this.load(bias, filters, bOff);
      this.exports.convForward(
        0, wOff * 4, bOff * 4, yOff * 4, g.batch, g.inHeight, g.inWidth, g.channels, g.windowHeight, g.windowWidth,
        g.strideY, g.strideX, g.outHeight, g.outWidth, filters,
      );
      y.set(this.view(yOff, ySize));
    },
    backwardFilter: (x, g, dy, dweightsAndBiases, filters) => {
      const xSize = inputSize(g);
      const gSize = outputPositions(g) * filters;
      const dwSize = (g.windowHeight * g.windowWidth * g.channels + 1) * filters;
      const gOff = align4(xSize);
      const dwOff = gOff + align4(gSize);
      this.ensureFloats(dwOff + dwSize);
      this.load(x, xSize, 0);
      this.load(dy, gSize, gOff);
      this.exports.convBackwardFilter(
        0, gOff * 4, dwOff * 4, g.batch, g.inHeight, g.inWidth, g.channels, g.windowHeight, g.windowWidth,
        g.strideY, g.strideX, g.outHeight, g.outWidth, filters,
      );
      dweightsAndBiases.set(this.view(dwOff, dwSize));
    },
    backwardInput: (dy, g, weights, dx, filters) => {
      const gSize = outputPositions(g) * filters;
      const kSize = g.windowHeight * g.windowWidth * g.channels * filters;
      const xSize = inputSize(g);
      const wOff = align4(gSize);
      const wtOff = wOff + align4(kSize);
      const xOff = wtOff + align4(kSize);
      this.ensureFloats(xOff + xSize);
      this.load(dy, gSize, 0);
      this.load(weights, kSize, wOff);
      this.exports.convBackwardInput(
        0, wOff * 4, wtOff * 4, xOff * 4, g.batch, g.inHeight, g.inWidth, g.channels, g.windowHeight, g.windowWidth,
        g.strideY, g.strideX, g.outHeight, g.outWidth, filters,
      );
      dx.set(this.view(xOff, xSize));
    },
  };

  /** Copies the first `n` floats of `a` to float offset `offset`. */
  private load(a: Float32Array, n: number, offset: number): void {
    this.heap.set(a.length === n ? a : a.subarray(0, n), offset);
  }

  private view(offset: number, length: number): Float32Array {
    let byLength = this.views.get(offset);
    if (byLength === undefined) this.views.set(offset, (byLength = new Map()));
    let v = byLength.get(length);
    if (v === undefined) byLength.set(length, (v = this.heap.subarray(offset, offset + length)));
    return v;
  }

  private view32(offset: number, length: number): Int32Array {
    let byLength = this.views32.get(offset);
    if (byLength === undefined) this.views32.set(offset, (byLength = new Map()));
    let v = byLength.get(length);
    if (v === undefined) byLength.set(length, (v = this.heap32.subarray(offset, offset + length)));
    return v;
  }

  /** Grows memory (whole pages) when `floats` do not fit. */
  private ensureFloats(floats: number): void {
    const memory = this.exports.memory;
    const needed = floats * 4;
    if (needed <= memory.buffer.byteLength) return;
    memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE_BYTES));
    this.heap = new Float32Array(memory.buffer);
    this.heap32 = new Int32Array(memory.buffer);
    this.views.clear();
    this.views32.clear();
  }
}
