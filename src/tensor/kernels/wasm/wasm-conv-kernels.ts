import type { BatchNormKernels } from '../batch-norm-kernels.js';
import type { ConvKernels, DirectConvKernels } from '../conv-kernels.js';
import type { WindowGeometry } from '../../window-geometry.js';
import type { WasmArena } from './arena.js';
import { CONV_JOBS, convSharedModule, convWasmBytes } from './conv-module.js';
import { LazyWorkerPool } from './lazy-worker-pool.js';
import { CALL_ARGS, SHARED_MAX_PAGES, checkThreadCount, threadsSupported } from './thread-pool.js';
import { type WasmKernels, relaxedSimdSupported } from './wasm-kernels.js';

/*
 * The convolutional network's memory-bound kernels (im2col, col2im, ReLU, max pooling) in WebAssembly
 * SIMD (conv.wat), with their own instance — in their own memory, or in a matrix set's (below). Each call
 * copies its operands into that memory (16-byte aligned, one after the other from the start of its
 * scratch area), runs there and copies the results back. The
 * copies are memcpy (`TypedArray.set`, ~40 GB/s here) while the scalar JS loops they replace run at
 * 1–4 ns per element: for 64×26×26×32 activations ReLU backward takes 2.75 ms in JS, the copies 0.3 ms.
 * Memory grows only for larger operands than any before; results go out through views cached per
 * (offset, length), so a training loop at a fixed batch size allocates nothing after its first step.
 *
 * Resident tensors: given a matrix kernel set (WasmKernels) on a shared memory, the module computes in
 * that set's memory (its arena), and operands that live there (handgrad's large tensors do: see arena.ts)
 * are read and written in place — only the others are copied into a scratch block of the arena (and
 * results back out).
 *
 * Threads: where shared WebAssembly memory and workers exist, the module is conv.wat's shared-memory
 * build and the direct convolutions, max pooling and batch normalisation split their work (by images, or
 * by channel blocks) across worker threads when more than one thread is asked for: as call jobs on the
 * matrix set's worker pool (thread-pool.ts; same workers, same thread count, as its products) when this
 * set computes in that set's memory, or on a pool of its own (conv.wat only) for a standalone set. Forward
 * and dL/dx compute each image exactly as one thread would; dL/dW sums fixed groups of images into
 * partial sums added in a fixed order — so every result is bit-identical for any thread count.
 */

interface ConvExports {
  readonly memory?: WebAssembly.Memory;
  accumulate(src: number, dst: number, n: number): void;
  im2col(x: number, cols: number, ...geometryAndOnes: Geometry13): void;
  col2im(cols: number, dx: number, ...geometryAndOnes: Geometry13): void;
  relu(x: number, y: number, n: number): void;
  reluBackward(dy: number, x: number, dx: number, n: number): void;
  maxPool(x: number, y: number, argmax: number, ...geometryAndFirst: Geometry13): void;
  maxPoolBackward(dy: number, argmax: number, count: number, dx: number, zeroFrom: number, zeroCount: number): void;
  convForward(x: number, w: number, bias: number, y: number, ...geometryAndFilters: Direct11): void;
  convBackwardFilter(x: number, g: number, dw: number, ...geometryAndFilters: Direct11): void;
  convBackwardInput(g: number, w: number, wt: number, dx: number, ...geometryAndFilters: Direct11): void;
  bnSums(x: number, rows: number, C: number, c0: number, c1: number, out: number): void;
  bnSquaredDeviations(x: number, rows: number, C: number, c0: number, c1: number, mean: number, out: number): void;
  bnNormalize(x: number, rows: number, C: number, c0: number, c1: number, mean: number, invStd: number, gamma: number, beta: number, xhat: number, y: number): void;
  bnBackwardSums(dy: number, xhat: number, rows: number, C: number, c0: number, c1: number, sumDy: number, sumDyXhat: number): void;
  bnBackwardInput(dy: number, xhat: number, rows: number, C: number, c0: number, c1: number, scale: number, meanDy: number, meanDyXhat: number, training: number, dx: number): void;
}

/** A window geometry as conv.wat takes it: batch, H, W, C, kh, kw, sy, sx, padTop, padLeft, outH, outW. */
type Geometry12 = [number, number, number, number, number, number, number, number, number, number, number, number];
/** The same, then `ones` (1: the column matrix has a trailing column of ones) or the first image. */
type Geometry13 = [...Geometry12, number];
/** The direct convolutions' arguments: batch, H, W, C, kh, kw, sy, sx, outH, outW, filters. */
type Direct11 = [number, number, number, number, number, number, number, number, number, number, number];

const PAGE_BYTES = 65536;

/** Job numbers: indices into CONV_JOBS (conv-module.ts), the exports the worker threads may run. */
const FORWARD = 0;
const BACKWARD_FILTER = 1;
const BACKWARD_INPUT = 2;
const MAX_POOL = 3;
const MAX_POOL_BACKWARD = 4;
const BN_SUMS = 5;
const BN_SQUARED_DEVIATIONS = 6;
const BN_NORMALIZE = 7;
const BN_BACKWARD_SUMS = 8;
const BN_BACKWARD_INPUT = 9;

/**
 * Batch normalisation over fewer elements stays on one thread; above, threads split the sums by channels
 * in blocks of BN_CHANNEL_BLOCK (each channel's sums stay in one thread, in row order: bit-identical) and
 * the elementwise passes by rows.
 */
const MIN_THREADED_BN = 1 << 15;
const BN_CHANNEL_BLOCK = 8;

/** dL/dW is summed over this many fixed groups of images (fewer for smaller batches), whatever the thread count. */
const FILTER_GRADIENT_GROUPS = 4;


const inputSize = (g: WindowGeometry) => g.batch * g.inHeight * g.inWidth * g.channels;
const outputPositions = (g: WindowGeometry) => g.batch * g.outHeight * g.outWidth;

/** Rounds a count of floats up to a multiple of 4 (16-byte alignment). */
function align4(floats: number): number {
  return (floats + 3) & ~3;
}

/**
 * The convolution kernels on WebAssembly SIMD: in a matrix kernel set's memory, with its worker pool, or
 * with a memory (and, where threads exist, a pool) of their own.
 */
export class WasmConvKernels implements ConvKernels {
  readonly name = 'wasm';
  /**
   * Whether the direct convolutions run conv.wat's relaxed-SIMD build (fused multiply-adds): as the matrix
   * set's `relaxed` when one is given, else where {@link relaxedSimdSupported}.
   */
  readonly relaxed: boolean;
  private readonly exports: ConvExports;
  private readonly memory: WebAssembly.Memory;
  /** The thread count and worker pool of the memory (the matrix set's when computing in it); null if not shared. */
  private readonly workerPool: LazyWorkerPool | null;
  private heap: Float32Array;
  private heap32: Int32Array;
  private heap64: Float64Array;
  /** The exports the jobs call, by job number. */
  private readonly jobFns: ((...args: number[]) => void)[];
  private readonly views = new Map<number, Map<number, Float32Array>>();
  private readonly views32 = new Map<number, Map<number, Int32Array>>();
  /** The matrix kernels' arena when this set computes in its memory (shared), else null (own memory). */
  private readonly arena: WasmArena | null;
  /** Float index of the scratch area every operand offset is relative to (0 in an own memory). */
  private base = 0;
  private scratchBytes = 0;

  /**
   * @param matrix - a matrix kernel set: where its memory is shared, this set computes in it (resident
   *   operands in place) and runs its jobs on that set's worker pool, with that set's thread count.
   *   Without one (or where its memory is not shared), the set has its own memory and, where threads
   *   exist, its own pool (1 thread until {@link setThreads}).
   */
  constructor(matrix: WasmKernels | null = null) {
    const shared = matrix !== null && matrix.arena.shared && matrix.workerPool !== null && threadsSupported() ? matrix : null;
    this.arena = shared?.arena ?? null;
    const relaxed = (this.relaxed = matrix?.relaxed ?? relaxedSimdSupported());
    if (shared !== null) {
      const module = convSharedModule(relaxed);
      this.memory = shared.arena.memory as WebAssembly.Memory;
      this.exports = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as unknown as ConvExports;
      this.workerPool = shared.workerPool;
      // views on a shared memory stay valid when it grows; new ones must see the new length
      shared.arena.addGrowListener(() => this.refreshHeap());
    } else if (threadsSupported()) {
      const module = convSharedModule(relaxed);
      const memory = new WebAssembly.Memory({ initial: 1, maximum: SHARED_MAX_PAGES, shared: true });
      this.memory = memory;
      this.exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as ConvExports;
      this.workerPool = new LazyWorkerPool(memory, () => ({ conv: module, convJobs: CONV_JOBS }));
    } else {
      this.workerPool = null;
      this.exports = new WebAssembly.Instance(new WebAssembly.Module(convWasmBytes(relaxed)), {}).exports as unknown as ConvExports;
      this.memory = this.exports.memory as WebAssembly.Memory;
    }
    this.heap = new Float32Array(this.memory.buffer);
    this.heap32 = new Int32Array(this.memory.buffer);
    this.heap64 = new Float64Array(this.memory.buffer);
    const exports = this.exports as unknown as Record<string, (...args: number[]) => void>;
    this.jobFns = CONV_JOBS.map((name) => exports[name]);
  }

  private refreshHeap(): void {
    this.heap = new Float32Array(this.memory.buffer);
    this.heap32 = new Int32Array(this.memory.buffer);
    this.heap64 = new Float64Array(this.memory.buffer);
  }

  /** Threads the direct convolutions, max pooling and batch normalisation use (1 where threads are unavailable). */
  get threads(): number {
    return this.workerPool?.threads ?? 1;
  }

  /**
   * Uses `n` threads (the caller's and n − 1 workers, started lazily); 1 stops the workers. On a set that
   * computes in a matrix set's memory this is that set's count (one pool): the same as its `setThreads`.
   * @throws RangeError on a count that is not an integer from 1 to 32
   */
  setThreads(n: number): void {
    checkThreadCount('WasmConvKernels.setThreads', n);
    this.workerPool?.setThreads(n);
  }

  /** Worker threads that have started and take shares of the jobs (threads − 1 once all are up). */
  get readyWorkers(): number {
    return this.workerPool?.readyWorkers ?? 0;
  }

  /**
   * Stops the worker threads (a later call starts them again unless threads are set to 1) — the matrix
   * set's, when this set uses its pool.
   */
  dispose(): void {
    this.workerPool?.dispose();
  }

  /**
   * Runs job `fn` over images [0, batch) in parts: part 0 here, parts 1… on ready workers (a part whose
   * worker is not ready, or stopped, also here). `args(start, count, part, into)` writes the job's
   * arguments for images [start, start + count) into `into` (the worker's argument slots, or `scratch`).
   */
  private splitImages(fn: number, batch: number, args: (start: number, count: number, part: number, into: Int32Array) => void): void {
    const pool = batch > 1 ? (this.workerPool?.get() ?? null) : null;
    let parts = 1;
    if (pool !== null) for (let w = 0; w < pool.workers; w++) if (pool.isReady(w)) parts++;
    parts = Math.min(parts, batch);
    const chunk = Math.ceil(batch / parts);
    let handed = 0;
    if (pool !== null) {
      let part = 1;
      for (let w = 0; w < pool.workers && part < parts; w++) {
        if (!pool.isReady(w)) continue;
        const start = part * chunk;
        if (start < batch) {
          args(start, Math.min(chunk, batch - start), part, pool.args(w));
          pool.startCall(w, fn);
          handed |= 1 << w;
          this.partOf[w] = part;
        }
        part++;
      }
    }
    this.runHere(fn, 0, Math.min(chunk, batch), 0, args);
    if (pool === null) return;
    for (let w = 0; w < pool.workers; w++) {
      if ((handed & (1 << w)) === 0 || pool.wait(w)) continue;
      const start = this.partOf[w] * chunk; // the worker stopped: its part here
      this.runHere(fn, start, Math.min(chunk, batch - start), this.partOf[w], args);
    }
  }

  /** Which part each worker was handed in the current split. */
  private readonly partOf = new Int32Array(64);
  private readonly scratch = new Int32Array(CALL_ARGS);

  private runHere(fn: number, start: number, count: number, part: number, args: (start: number, count: number, part: number, into: Int32Array) => void): void {
    const a = this.scratch;
    args(start, count, part, a);
    // as the workers call them: every slot passed, the ones past the export's parameters ignored
    this.jobFns[fn](a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15]);
  }

  readonly im2col = (x: Float32Array, g: WindowGeometry, cols: Float32Array, ones = false): void => {
    const inSize = g.batch * g.inHeight * g.inWidth * g.channels;
    const colSize = g.batch * g.outHeight * g.outWidth * (g.windowHeight * g.windowWidth * g.channels + (ones ? 1 : 0));
    const xOff = 0;
    const cOff = align4(inSize);
    this.ensureFloats(cOff + colSize);
    const xAt = this.load(x, inSize, xOff);
    const cAt = this.target(cols, colSize, cOff);
    this.exports.im2col(
      this.bytes(xAt), this.bytes(cAt), g.batch, g.inHeight, g.inWidth, g.channels, g.windowHeight, g.windowWidth,
      g.strideY, g.strideX, g.padTop, g.padLeft, g.outHeight, g.outWidth, ones ? 1 : 0,
    );
    this.store(cols, colSize, cAt);
  };

  readonly col2im = (cols: Float32Array, g: WindowGeometry, dx: Float32Array): void => {
    const inSize = g.batch * g.inHeight * g.inWidth * g.channels;
    const colSize = g.batch * g.outHeight * g.outWidth * g.windowHeight * g.windowWidth * g.channels;
    const cOff = 0;
    const xOff = align4(colSize);
    this.ensureFloats(xOff + inSize);
    const cAt = this.load(cols, colSize, cOff);
    const xAt = this.target(dx, inSize, xOff);
    this.exports.col2im(
      this.bytes(cAt), this.bytes(xAt), g.batch, g.inHeight, g.inWidth, g.channels, g.windowHeight, g.windowWidth,
      g.strideY, g.strideX, g.padTop, g.padLeft, g.outHeight, g.outWidth, 0,
    );
    this.store(dx, inSize, xAt);
  };

  readonly relu = (x: Float32Array, y: Float32Array, n: number): void => {
    this.ensureFloats(2 * align4(n));
    const xAt = this.load(x, n, 0);
    const yAt = y === x ? xAt : this.target(y, n, align4(n));
    this.exports.relu(this.bytes(xAt), this.bytes(yAt), n);
    this.store(y, n, yAt);
  };

  readonly reluBackward = (dy: Float32Array, x: Float32Array, dx: Float32Array, n: number): void => {
    const xOff = align4(n);
    this.ensureFloats(3 * xOff);
    const dyAt = this.load(dy, n, 0);
    const xAt = this.load(x, n, xOff);
    const dxAt = this.target(dx, n, 2 * xOff);
    this.exports.reluBackward(this.bytes(dyAt), this.bytes(xAt), this.bytes(dxAt), n);
    this.store(dx, n, dxAt);
  };

  readonly maxPoolForward = (x: Float32Array, g: WindowGeometry, y: Float32Array, argmax: Int32Array): void => {
    const inSize = inputSize(g);
    const outSize = outputPositions(g) * g.channels;
    const at = this.at;
    at.x = 0;
    at.y = align4(inSize);
    at.dw = at.y + align4(outSize); // the winners
    this.ensureFloats(at.dw + outSize);
    at.x = this.load(x, inSize, at.x);
    at.y = this.target(y, outSize, at.y);
    this.g = g;
    this.splitImages(MAX_POOL, g.batch, this.poolArgs);
    this.store(y, outSize, at.y);
    argmax.set(this.view32(at.dw, outSize));
  };

  readonly maxPoolBackward = (dy: Float32Array, argmax: Int32Array, count: number, dx: Float32Array, inputSize: number, batch = 1): void => {
    const at = this.at;
    at.dy = 0;
    at.dw = align4(count); // the winners
    at.dx = at.dw + align4(count);
    this.ensureFloats(at.dx + inputSize);
    at.dy = this.load(dy, count, at.dy);
    at.dx = this.target(dx, inputSize, at.dx);
    this.heap32.set(argmax.length === count ? argmax : argmax.subarray(0, count), this.base + at.dw);
    // whole images per thread when the sizes split evenly (they do for a pooling layer's batch)
    const images = count % batch === 0 && inputSize % batch === 0 ? batch : 1;
    this.poolOut = count / images;
    this.poolIn = inputSize / images;
    this.splitImages(MAX_POOL_BACKWARD, images, this.unpoolArgs);
    this.store(dx, inputSize, at.dx);
  };

  /** Floats per image of the current max-pooling backward's dy and dx. */
  private poolOut = 0;
  private poolIn = 0;

  // maxPool(x, y, argmax, batch, …, first) for images [start, start + count)
  private readonly poolArgs = (start: number, count: number, _part: number, a: Int32Array): void => {
    const g = this.g as WindowGeometry;
    const at = this.at;
    const outImage = g.outHeight * g.outWidth * g.channels;
    a[0] = this.bytes(at.x);
    a[1] = this.bytes(at.y + start * outImage);
    a[2] = this.bytes(at.dw + start * outImage);
    a[3] = count;
    a[4] = g.inHeight;
    a[5] = g.inWidth;
    a[6] = g.channels;
    a[7] = g.windowHeight;
    a[8] = g.windowWidth;
    a[9] = g.strideY;
    a[10] = g.strideX;
    a[11] = g.padTop;
    a[12] = g.padLeft;
    a[13] = g.outHeight;
    a[14] = g.outWidth;
    a[15] = start;
  };

  // maxPoolBackward(dy, argmax, count, dx, zeroFrom, zeroCount) for images [start, start + count)
  private readonly unpoolArgs = (start: number, count: number, _part: number, a: Int32Array): void => {
    const at = this.at;
    a[0] = this.bytes(at.dy + start * this.poolOut);
    a[1] = this.bytes(at.dw + start * this.poolOut);
    a[2] = count * this.poolOut;
    a[3] = this.bytes(at.dx);
    a[4] = start * this.poolIn;
    a[5] = count * this.poolIn;
  };

  /** The current direct call's geometry, filter count and operand offsets (floats), read by the argument writers. */
  private g: WindowGeometry | null = null;
  private filters = 0;
  private readonly at = { x: 0, w: 0, b: 0, y: 0, dy: 0, dw: 0, dwStride: 0, wt: 0, wtStride: 0, dx: 0, groups: 1 };

  /** The direct convolutions (no im2col matrix): see {@link DirectConvKernels}. */
  readonly direct: DirectConvKernels = {
    forward: (x, g, weights, bias, y, filters, relu = false) => {
      const xSize = inputSize(g);
      const kSize = g.windowHeight * g.windowWidth * g.channels * filters;
      const ySize = outputPositions(g) * filters;
      const at = this.at;
      at.x = 0;
      at.w = align4(xSize);
      at.b = at.w + align4(kSize);
      at.y = at.b + align4(filters);
      this.ensureFloats(at.y + ySize);
      at.x = this.load(x, xSize, at.x);
      at.w = this.load(weights, kSize, at.w);
      at.b = this.load(bias, filters, at.b);
      at.y = this.target(y, ySize, at.y);
      this.g = g;
      this.filters = filters;
      this.splitImages(FORWARD, g.batch, this.forwardArgs);
      if (relu) this.exports.relu(this.bytes(at.y), this.bytes(at.y), ySize); // in place, before any copy out
      this.store(y, ySize, at.y);
    },
    backward: (x, g, dy, activated, weights, dweightsAndBiases, dx, filters) => {
      const xSize = inputSize(g);
      const gSize = outputPositions(g) * filters;
      const kSize = g.windowHeight * g.windowWidth * g.channels * filters;
      const dwSize = kSize + filters;
      const groups = Math.min(FILTER_GRADIENT_GROUPS, g.batch);
      const at = this.at;
      // [x | G | a | W̃ | W̃ᵀ per thread | dx | dW partial sums per group]
      at.x = 0;
      at.dy = align4(xSize);
      const aOff = at.dy + align4(gSize);
      at.w = aOff + (activated === null ? 0 : align4(gSize));
      at.wt = at.w + align4(kSize);
      at.wtStride = align4(kSize);
      at.dx = at.wt + (dx === null ? 0 : this.threads * at.wtStride);
      at.dw = at.dx + (dx === null ? 0 : align4(xSize));
      at.dwStride = align4(dwSize);
      at.groups = groups;
      this.ensureFloats(at.dw + groups * at.dwStride);
      at.x = this.load(x, xSize, at.x);
      this.g = g;
      this.filters = filters;
      if (activated !== null) {
        // G ⊙ 1[a > 0] into scratch (dy itself, the caller's, is left as it is)
        const dyAt = this.load(dy, gSize, at.dy);
        const aAt = this.load(activated, gSize, aOff);
        this.exports.reluBackward(this.bytes(dyAt), this.bytes(aAt), this.bytes(at.dy), gSize);
      } else {
        at.dy = this.load(dy, gSize, at.dy);
      }
      this.eachGroup(groups, this.filterArgs);
      // dL/dW = Σ over the groups' partial sums, in group order
      for (let k = 1; k < groups; k++) this.exports.accumulate(this.bytes(at.dw + k * at.dwStride), this.bytes(at.dw), dwSize);
      dweightsAndBiases.set(this.view(at.dw, dwSize));
      if (dx === null) return;
      at.w = this.load(weights, kSize, at.w);
      at.dx = this.target(dx, xSize, at.dx);
      this.splitImages(BACKWARD_INPUT, g.batch, this.inputArgs);
      this.store(dx, xSize, at.dx);
    },
  };

  /**
   * Batch normalisation's passes (conv.wat's bn*): see {@link BatchNormKernels}. Operands as the other
   * kernels' (in place when resident, else copied through scratch), laid out [x or dy | x̂ | y or dx |
   * four float64 arrays of C]; the per-channel arithmetic between passes (divide by M, 1/√(σ² + ε))
   * runs here in JS on C values, exactly as the JS set does it.
   */
  readonly batchNorm: BatchNormKernels = {
    trainingForward: (x, rows, channels, gamma, beta, epsilon, mean, variance, invStd, xhat, y) => {
      const s = this.bnOperands(rows, channels, x, xhat, y, true);
      const h = this.heap64;
      const f0 = this.f64Index(s.f0);
      const f1 = this.f64Index(s.f1);
      this.splitChannels(BN_SUMS, this.bnSumsArgs);
      for (let c = 0; c < channels; c++) h[f0 + c] = mean[c] = h[f0 + c] / rows;
      this.splitChannels(BN_SQUARED_DEVIATIONS, this.bnSquaredDeviationsArgs);
      for (let c = 0; c < channels; c++) {
        variance[c] = h[f1 + c] / rows;
        h[f1 + c] = invStd[c] = 1 / Math.sqrt(variance[c] + epsilon);
      }
      this.bnNormalize(gamma, beta, xhat, y);
    },
    inferenceForward: (x, rows, channels, gamma, beta, epsilon, movingMean, movingVariance, mean, invStd, xhat, y) => {
      this.bnOperands(rows, channels, x, xhat, y, true);
      const h = this.heap64;
      const f0 = this.f64Index(this.bn.f0);
      const f1 = this.f64Index(this.bn.f1);
      for (let c = 0; c < channels; c++) {
        h[f0 + c] = mean[c] = movingMean[c];
        h[f1 + c] = invStd[c] = 1 / Math.sqrt(movingVariance[c] + epsilon);
      }
      this.bnNormalize(gamma, beta, xhat, y);
    },
    backward: (dy, xhat, rows, channels, gamma, invStd, training, sumDy, sumDyXhat, dgamma, dbeta, dx) => {
      const s = this.bnOperands(rows, channels, dy, xhat, dx, false);
      const h = this.heap64;
      const f0 = this.f64Index(s.f0);
      const f1 = this.f64Index(s.f1);
      const f2 = this.f64Index(s.f2);
      this.splitChannels(BN_BACKWARD_SUMS, this.bnBackwardSumsArgs);
      for (let c = 0; c < channels; c++) {
        dbeta[c] = sumDy[c] = h[f0 + c];
        dgamma[c] = sumDyXhat[c] = h[f1 + c];
        if (training) {
          h[f0 + c] = sumDy[c] /= rows;
          h[f1 + c] = sumDyXhat[c] /= rows;
        }
        h[f2 + c] = gamma[c] * invStd[c];
      }
      s.training = training ? 1 : 0;
      this.splitRows(BN_BACKWARD_INPUT, this.bnBackwardInputArgs);
      this.store(dx, rows * channels, s.b);
    },
  };

  /** The current batch-normalisation call: sizes, operand offsets (floats from `base`) and channel blocks. */
  private readonly bn = { rows: 0, channels: 0, block: 0, rowBlock: 0, first: 0, count: 0, training: 0, x: 0, a: 0, b: 0, f0: 0, f1: 0, f2: 0, f3: 0 };

  /**
   * Places a batch-normalisation call's operands: `x` (input, or dy) and, when `xIn` is false, `a` (x̂)
   * are read; `a` (x̂, when `xIn`) and `b` (y, or dx) are written.
   */
  private bnOperands(rows: number, channels: number, x: Float32Array, a: Float32Array, b: Float32Array, xIn: boolean): typeof this.bn {
    const n = rows * channels;
    const s = this.bn;
    const stride = align4(n);
    const f = align4(2 * channels); // a float64 array of C, in floats
    s.rows = rows;
    s.channels = channels;
    this.ensureFloats(3 * stride + 4 * f);
    s.x = this.load(x, n, 0);
    s.a = xIn ? this.target(a, n, stride) : this.load(a, n, stride);
    s.b = this.target(b, n, 2 * stride);
    s.f0 = 3 * stride;
    s.f1 = s.f0 + f;
    s.f2 = s.f1 + f;
    s.f3 = s.f2 + f;
    return s;
  }

  /** The normalising pass, given mean and 1/√(σ² + ε) in the first two float64 arrays; writes x̂ and y. */
  private bnNormalize(gamma: Float32Array, beta: Float32Array, xhat: Float32Array, y: Float32Array): void {
    const s = this.bn;
    const h = this.heap64;
    const f2 = this.f64Index(s.f2);
    const f3 = this.f64Index(s.f3);
    for (let c = 0; c < s.channels; c++) {
      h[f2 + c] = gamma[c];
      h[f3 + c] = beta[c];
    }
    this.splitRows(BN_NORMALIZE, this.bnNormalizeArgs);
    const n = s.rows * s.channels;
    this.store(xhat, n, s.a);
    this.store(y, n, s.b);
  }

  /** Index in `heap64` of the float64 array at float offset `offset`. */
  private f64Index(offset: number): number {
    return (this.base + offset) >> 1;
  }

  /** Runs batch-normalisation job `fn` over the channels, split in blocks across threads when large. */
  private splitChannels(fn: number, args: (start: number, count: number, part: number, into: Int32Array) => void): void {
    const s = this.bn;
    const threaded = this.threads > 1 && s.rows * s.channels >= MIN_THREADED_BN && s.channels > BN_CHANNEL_BLOCK;
    s.block = threaded ? BN_CHANNEL_BLOCK : s.channels;
    this.splitImages(fn, Math.ceil(s.channels / s.block), args);
  }

  /**
   * Runs an elementwise batch-normalisation job (x̂ and y, or dx) over the rows, split in contiguous row
   * ranges across threads when large: each thread streams its own memory, and every element's value is
   * the same whoever computes it.
   */
  private splitRows(fn: number, args: (start: number, count: number, part: number, into: Int32Array) => void): void {
    const s = this.bn;
    const threaded = this.threads > 1 && s.rows * s.channels >= MIN_THREADED_BN && s.rows > 1;
    s.rowBlock = threaded ? 1 : s.rows;
    this.splitImages(fn, threaded ? s.rows : 1, args);
  }

  /** Sets `bn.first` and `bn.count` to the first row and row count of row blocks [start, start + count). */
  private bnRows(start: number, count: number): void {
    const s = this.bn;
    s.first = start * s.rowBlock;
    s.count = Math.min(s.rows, (start + count) * s.rowBlock) - s.first;
  }

  /** Writes (x, rows, C, c0, c1) for channel blocks [start, start + count) at `a[i…i + 4]`. */
  private bnHead(x: number, start: number, count: number, a: Int32Array, i = 0): void {
    const s = this.bn;
    a[i] = this.bytes(x);
    a[i + 1] = s.rows;
    a[i + 2] = s.channels;
    a[i + 3] = start * s.block;
    a[i + 4] = Math.min(s.channels, (start + count) * s.block);
  }

  // bnSums(x, rows, C, c0, c1, out = f0)
  private readonly bnSumsArgs = (start: number, count: number, _part: number, a: Int32Array): void => {
    this.bnHead(this.bn.x, start, count, a);
    a[5] = this.bytes(this.bn.f0);
  };

  // bnSquaredDeviations(x, rows, C, c0, c1, mean = f0, out = f1)
  private readonly bnSquaredDeviationsArgs = (start: number, count: number, _part: number, a: Int32Array): void => {
    this.bnHead(this.bn.x, start, count, a);
    a[5] = this.bytes(this.bn.f0);
    a[6] = this.bytes(this.bn.f1);
  };

  // bnNormalize(x, rows, C, c0, c1, mean = f0, invStd = f1, gamma = f2, beta = f3, xhat = a, y = b)
  private readonly bnNormalizeArgs = (start: number, count: number, _part: number, a: Int32Array): void => {
    const s = this.bn;
    this.bnRows(start, count);
    const at = s.first * s.channels;
    a[0] = this.bytes(s.x + at);
    a[1] = s.count;
    a[2] = s.channels;
    a[3] = 0;
    a[4] = s.channels;
    a[5] = this.bytes(s.f0);
    a[6] = this.bytes(s.f1);
    a[7] = this.bytes(s.f2);
    a[8] = this.bytes(s.f3);
    a[9] = this.bytes(s.a + at);
    a[10] = this.bytes(s.b + at);
  };

  // bnBackwardSums(dy = x, xhat = a, rows, C, c0, c1, sumDy = f0, sumDyXhat = f1)
  private readonly bnBackwardSumsArgs = (start: number, count: number, _part: number, a: Int32Array): void => {
    const s = this.bn;
    a[0] = this.bytes(s.x);
    this.bnHead(s.a, start, count, a, 1);
    a[6] = this.bytes(s.f0);
    a[7] = this.bytes(s.f1);
  };

  // bnBackwardInput(dy = x, xhat = a, rows, C, c0, c1, scale = f2, meanDy = f0, meanDyXhat = f1, training, dx = b)
  private readonly bnBackwardInputArgs = (start: number, count: number, _part: number, a: Int32Array): void => {
    const s = this.bn;
    this.bnRows(start, count);
    const at = s.first * s.channels;
    a[0] = this.bytes(s.x + at);
    a[1] = this.bytes(s.a + at);
    a[2] = s.count;
    a[3] = s.channels;
    a[4] = 0;
    a[5] = s.channels;
    a[6] = this.bytes(s.f2);
    a[7] = this.bytes(s.f0);
    a[8] = this.bytes(s.f1);
    a[9] = s.training;
    a[10] = this.bytes(s.b + at);
  };

  /** Writes the geometry part (from `batch` on) of a direct kernel's arguments at `into[i…]`. */
  private geometryArgs(into: Int32Array, i: number, batch: number): void {
    const g = this.g as WindowGeometry;
    into[i] = batch;
    into[i + 1] = g.inHeight;
    into[i + 2] = g.inWidth;
    into[i + 3] = g.channels;
    into[i + 4] = g.windowHeight;
    into[i + 5] = g.windowWidth;
    into[i + 6] = g.strideY;
    into[i + 7] = g.strideX;
    into[i + 8] = g.outHeight;
    into[i + 9] = g.outWidth;
    into[i + 10] = this.filters;
  }

  private imageFloats(): number {
    const g = this.g as WindowGeometry;
    return g.inHeight * g.inWidth * g.channels;
  }

  private gradientFloats(): number {
    const g = this.g as WindowGeometry;
    return g.outHeight * g.outWidth * this.filters;
  }

  // convForward(x, w, bias, y, batch, …) for images [start, start + count)
  private readonly forwardArgs = (start: number, count: number, _part: number, a: Int32Array): void => {
    const at = this.at;
    a[0] = this.bytes(at.x + start * this.imageFloats());
    a[1] = this.bytes(at.w);
    a[2] = this.bytes(at.b);
    a[3] = this.bytes(at.y + start * this.gradientFloats());
    this.geometryArgs(a, 4, count);
  };

  // convBackwardFilter(x, g, dw, batch, …) for group `group` into its own partial sum
  private readonly filterArgs = (group: number, _count: number, _part: number, a: Int32Array): void => {
    const at = this.at;
    const batch = (this.g as WindowGeometry).batch;
    const start = Math.floor((group * batch) / at.groups);
    const end = Math.floor(((group + 1) * batch) / at.groups);
    a[0] = this.bytes(at.x + start * this.imageFloats());
    a[1] = this.bytes(at.dy + start * this.gradientFloats());
    a[2] = this.bytes(at.dw + group * at.dwStride);
    this.geometryArgs(a, 3, end - start);
  };

  // convBackwardInput(g, w, wt, dx, batch, …) for images [start, start + count), with part's own wᵀ scratch
  private readonly inputArgs = (start: number, count: number, part: number, a: Int32Array): void => {
    const at = this.at;
    a[0] = this.bytes(at.dy + start * this.gradientFloats());
    a[1] = this.bytes(at.w);
    a[2] = this.bytes(at.wt + part * at.wtStride);
    a[3] = this.bytes(at.dx + start * this.imageFloats());
    this.geometryArgs(a, 4, count);
  };

  /**
   * Runs the dL/dW job once per group, each group by exactly one thread (so each partial sum is the same
   * for any thread count): in rounds of one group here and one per ready worker.
   */
  private eachGroup(groups: number, args: (group: number, count: number, part: number, into: Int32Array) => void): void {
    const pool = groups > 1 ? (this.workerPool?.get() ?? null) : null;
    let next = 0;
    while (next < groups) {
      let handed = 0;
      let given = 0;
      if (pool !== null) {
        for (let w = 0; w < pool.workers && next + 1 + given < groups; w++) {
          if (!pool.isReady(w)) continue;
          const group = next + 1 + given;
          args(group, 1, group, pool.args(w));
          pool.startCall(w, BACKWARD_FILTER);
          handed |= 1 << w;
          this.partOf[w] = group;
          given++;
        }
      }
      this.runHere(BACKWARD_FILTER, next, 1, next, args);
      if (pool !== null) {
        for (let w = 0; w < pool.workers; w++) {
          if ((handed & (1 << w)) === 0 || pool.wait(w)) continue;
          this.runHere(BACKWARD_FILTER, this.partOf[w], 1, this.partOf[w], args); // the worker stopped
        }
      }
      next += 1 + given;
    }
  }

  /** Copies the first `n` floats of `a` to float offset `offset`. */
  private load(a: Float32Array, n: number, offset: number): number {
    if (this.isResident(a)) return a.byteOffset / 4 - this.base; // used where it lies
    this.heap.set(a.length === n ? a : a.subarray(0, n), this.base + offset);
    return offset;
  }

  /** Where a kernel should write the `n` floats of `a`: in `a` itself if resident, else at `offset`. */
  private target(a: Float32Array, _n: number, offset: number): number {
    return this.isResident(a) ? a.byteOffset / 4 - this.base : offset;
  }

  /** Copies a result written at `at` out to `a`, unless it was written in place. */
  private store(a: Float32Array, n: number, at: number): void {
    if (!this.isResident(a)) a.set(this.view(at, n));
  }

  /** True when `a` lives in the memory this set computes in (the matrix kernels' shared arena). */
  private isResident(a: Float32Array): boolean {
    return this.arena !== null && this.arena.owns(a);
  }

  /** Byte address of float offset `offset` (relative to the scratch area). */
  private bytes(offset: number): number {
    return (this.base + offset) * 4;
  }

  private view(offset: number, length: number): Float32Array {
    let byLength = this.views.get(offset);
    if (byLength === undefined) this.views.set(offset, (byLength = new Map()));
    let v = byLength.get(length);
    if (v === undefined) byLength.set(length, (v = this.heap.subarray(this.base + offset, this.base + offset + length)));
    return v;
  }

  private view32(offset: number, length: number): Int32Array {
    let byLength = this.views32.get(offset);
    if (byLength === undefined) this.views32.set(offset, (byLength = new Map()));
    let v = byLength.get(length);
    if (v === undefined) byLength.set(length, (v = this.heap32.subarray(this.base + offset, this.base + offset + length)));
    return v;
  }

  /**
   * Makes room for `floats` of scratch: a larger block of the arena (the old one given back), or, in an own
   * memory, whole pages more. Kept otherwise, so a training loop stops allocating after its first step.
   * @throws RangeError when the memory cannot grow that far
   */
  private ensureFloats(floats: number): void {
    const needed = floats * 4;
    const arena = this.arena;
    if (arena !== null) {
      if (needed <= this.scratchBytes) return;
      if (this.scratchBytes > 0) arena.freeBlock(this.base * 4, this.scratchBytes);
      const address = arena.allocBlock(needed);
      if (address < 0) throw new RangeError(`convolution kernels: the WebAssembly memory cannot grow by ${needed} bytes of scratch`);
      this.base = address / 4;
      this.scratchBytes = needed;
      this.refreshHeap();
    } else {
      const memory = this.memory;
      if (needed <= memory.buffer.byteLength) return;
      memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE_BYTES));
      this.refreshHeap();
    }
    this.views.clear();
    this.views32.clear();
  }
}
