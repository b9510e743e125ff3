import { decodeBase64 } from './decode-base64.js';
import type { MatmulKernels } from '../kernels.js';
import { jsKernels } from '../js.js';
import { MATMUL_WASM_BASE64 } from './matmul-bytes.js';
import { MATMUL_RELAXED_WASM_BASE64 } from './matmul-relaxed-bytes.js';
import { MATMUL_RELAXED_SHARED_WASM_BASE64 } from './matmul-relaxed-shared-bytes.js';
import { MAX_THREADS, SHARED_MAX_PAGES, type WorkerPool, checkThreadCount, hardwareThreads, matmulSharedWasmBytes, threadsSupported } from './thread-pool.js';
import { LazyWorkerPool } from './lazy-worker-pool.js';
import { CONV_JOBS, convSharedModule } from './conv-module.js';
import { WasmUpdates } from './updates-kernels.js';
import { ScratchBlock, WasmArena } from './arena.js';
import { WasmElementwise } from './elementwise-kernels.js';
import { shown } from '../../shown.js';

/*
 * The WebAssembly SIMD kernel set: a thin wrapper around the `gemm` routine of matmul.wat.
 *
 * Each product copies its operands into the module's linear memory, runs `gemm` there with the strides
 * that select a·b, aᵀ·b or a·bᵀ, and copies the result back. The copies are O(m·k + k·n + m·n) against
 * O(m·k·n) arithmetic. Memory layout (bytes): [one packing work area per thread | a | b | out].
 *
 * Threads: where the runtime has shared WebAssembly memory and workers (Node; cross-origin isolated
 * browsers), the module is the shared-memory build and large products are split by rows (or columns) of
 * the result across a lazily started worker pool (thread-pool.ts) — bit-identical to one thread, since
 * each element's sum is computed by the same code in the same order. The same pool runs large Adam
 * updates and the jobs of the convolution kernels that compute in this memory (its workers instantiate
 * matmul.wat, updates.wat and conv.wat): one set of workers per memory. Elsewhere it is single-threaded.
 *
 * Memory grows only when a product needs more than any earlier one, and is reused otherwise, so a
 * training loop at a fixed batch size stops growing it (and allocating) after its first step: results are
 * copied out through views cached per (offset, length).
 */

interface MatmulExports {
  readonly memory?: WebAssembly.Memory;
  gemm(
    a: number, sai: number, sap: number,
    b: number, sbp: number, sbj: number,
    c: number, ldc: number, m: number, k: number, n: number, work: number,
  ): void;
  workBytes(): number;
  gemvRow(a: number, sap: number, b: number, sbp: number, c: number, k: number, n: number): void;
}

/**
 * Chunks per thread a threaded product is cut into, and the fewest rows or columns a chunk has. More
 * chunks balance the load on a busy machine, but each chunk packs its whole share of the other operand
 * again (a chunk of r rows re-packs all k·n of B: about 2–4/r of the chunk's arithmetic).
 */
const CHUNKS_PER_THREAD = 2;
const MIN_CHUNK = 64;

/** Optimizer updates with fewer elements stay on one thread; an update chunk has at least this many (multiples of 4). */
const MIN_THREADED_UPDATE = 1 << 16;
const MIN_UPDATE_CHUNK = 1 << 14;

/** Products with fewer multiply-adds than this stay on one thread (handing out a share costs ~10–50 µs). */
const MIN_THREADED_MACS = 1 << 20;

/**
 * Products with at most this many rows of C run row by row without packing (`gemvRow`) when B's columns
 * are contiguous: packing B costs k·n copies, as much as the whole product at m = 1.
 */
const GEMV_MAX_ROWS = 3;

let cachedBytes: Uint8Array<ArrayBuffer> | null = null;

/** The compiled module's bytes, decoded once from the embedded base64. */
export function matmulWasmBytes(): Uint8Array<ArrayBuffer> {
  cachedBytes ??= decodeBase64(MATMUL_WASM_BASE64);
  return cachedBytes;
}

let relaxedBytes: Uint8Array<ArrayBuffer> | null = null;
let relaxedSharedBytes: Uint8Array<ArrayBuffer> | null = null;
let relaxedSupported: boolean | null = null;

/**
 * True when this runtime runs relaxed SIMD (`f32x4.relaxed_madd`: a fused multiply-add where the CPU has
 * one): Chrome ≥ 114, Firefox ≥ 120, Node ≥ 22 — and Node 20 only with `--experimental-wasm-relaxed-simd`.
 * Checked once, with `WebAssembly.validate` on the relaxed build of the matrix kernels.
 */
export function relaxedSimdSupported(): boolean {
  if (relaxedSupported === null) {
    relaxedBytes ??= decodeBase64(MATMUL_RELAXED_WASM_BASE64);
    relaxedSupported = wasmSimdSupported() && WebAssembly.validate(relaxedBytes);
  }
  return relaxedSupported;
}

/**
 * True when this runtime can run the SIMD kernels: `WebAssembly.validate` on the module itself, which
 * fails where f32x4 instructions are unknown (e.g. Safari before 16.4).
 */
export function wasmSimdSupported(): boolean {
  return typeof WebAssembly === 'object' && typeof WebAssembly.validate === 'function' &&
    WebAssembly.validate(matmulWasmBytes());
}

/** Rounds a count of floats up to a multiple of 4 (16-byte alignment for v128 loads). */
function align4(floats: number): number {
  return (floats + 3) & ~3;
}

/** Options for {@link WasmKernels}. */
export interface WasmKernelOptions {
  /**
   * Threads for large products, Adam updates and the convolution kernels computing in this set's memory
   * (the calling thread plus workers, one pool for all). Default: the hardware thread count, at most 8; 1
   * where workers or shared memory are unavailable.
   */
  threads?: number;
  /**
   * Use the relaxed-SIMD build (fused multiply-adds: faster, and each product rounds once per
   * multiply-add instead of twice — results differ from the plain build in the last bits). Default: where
   * {@link relaxedSimdSupported}. `true` where it is not supported throws.
   */
  relaxed?: boolean;
}

/** Refuses anything but `{ threads?: positive integer, relaxed?: boolean }`, naming the value at fault. */
function checkKernelOptions(options: unknown): asserts options is WasmKernelOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`WasmKernels: options must be an options object { threads?, relaxed? }, got ${shown(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (key !== 'threads' && key !== 'relaxed') throw new TypeError(`WasmKernels: unknown option ${shown(key)} (known: threads, relaxed)`);
  }
  const { threads, relaxed } = options as WasmKernelOptions;
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) {
    throw new RangeError(`WasmKernels: threads must be a positive integer, got ${shown(threads)}`);
  }
  if (threads !== undefined && threads > MAX_THREADS) throw new RangeError(`WasmKernels: threads must be at most ${MAX_THREADS}, got ${threads}`);
  if (relaxed !== undefined && typeof relaxed !== 'boolean') throw new TypeError(`WasmKernels: relaxed must be true or false, got ${shown(relaxed)}`);
}

/** A WebAssembly SIMD kernel set with its own instance and memory (shared with its worker threads). */
export class WasmKernels implements MatmulKernels {
  readonly name = 'wasm';
  /** The optimizers' update rules in WebAssembly SIMD (updates.wat), computing in the same memory. */
  readonly updates: WasmUpdates;
  /** Finiteness scan, bias add and column sums in WebAssembly SIMD (elementwise.wat), same memory. */
  readonly elementwise: WasmElementwise;
  /** Whether the products run the relaxed-SIMD build (fused multiply-adds); see {@link WasmKernelOptions.relaxed}. */
  readonly relaxed: boolean;
  private readonly exports: MatmulExports;
  private readonly memory: WebAssembly.Memory;
  /**
   * Blocks of the memory: work areas, operand scratch and (shared memory only) tensor storage. Public so
   * the convolution kernels (conv-kernels.ts) compute in the same memory and use resident tensors in place.
   */
  readonly arena: WasmArena;
  /** The compiled shared-memory module (workers instantiate it on the same memory); null if not shared. */
  private readonly sharedModule: WebAssembly.Module | null;
  /**
   * The thread count and the worker pool of this memory (null where it is not shared). Public so the
   * convolution kernels computing in this memory (conv-kernels.ts) run their jobs on the same workers.
   */
  readonly workerPool: LazyWorkerPool | null;
  private readonly workBytes: number;
  /** Address of each thread's packing work area (index 0: the calling thread), allocated as threads start. */
  private readonly workAreas: number[] = [];
  /** Scratch for operands that do not live in the memory. */
  private readonly scratch: ScratchBlock;
  /** View of the whole linear memory; replaced only when memory grows. */
  private heap: Float32Array;
  /**
   * Result views by offset then length, so copying a result out is one `set` (memcpy) without creating a
   * view per call; a training loop uses a handful of shapes. Cleared when memory grows.
   */
  private readonly views = new Map<number, Map<number, Float32Array>>();

  /** Compiles and instantiates synchronously (the module is ~2.4 KB, under every browser's sync limit). */
  constructor(options: WasmKernelOptions = {}) {
    checkKernelOptions(options);
    this.relaxed = options.relaxed ?? relaxedSimdSupported();
    if (this.relaxed && !relaxedSimdSupported()) {
      throw new Error('WasmKernels: relaxed SIMD is not supported by this runtime (Node 20 needs --experimental-wasm-relaxed-simd)');
    }
    if (threadsSupported()) {
      const bytes = this.relaxed ? (relaxedSharedBytes ??= decodeBase64(MATMUL_RELAXED_SHARED_WASM_BASE64)) : matmulSharedWasmBytes();
      this.sharedModule = new WebAssembly.Module(bytes);
      this.memory = new WebAssembly.Memory({ initial: 1, maximum: SHARED_MAX_PAGES, shared: true });
      this.arena = new WasmArena(this.memory, SHARED_MAX_PAGES);
    } else {
      this.sharedModule = null;
      this.memory = new WebAssembly.Memory({ initial: 1 });
      this.arena = new WasmArena(this.memory, undefined);
    }
    const module = this.sharedModule ?? new WebAssembly.Module(this.relaxed ? (relaxedBytes as Uint8Array<ArrayBuffer>) : matmulWasmBytes());
    this.exports = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as unknown as MatmulExports;
    this.scratch = new ScratchBlock(this.arena);
    this.updates = new WasmUpdates(this.arena);
    const sharedModule = this.sharedModule;
    const updatesModule = this.updates.module;
    this.workerPool = sharedModule === null ? null : new LazyWorkerPool(this.memory, () => ({
      matmul: sharedModule, updates: updatesModule, conv: convSharedModule(this.relaxed), convJobs: CONV_JOBS,
    }));
    if (this.sharedModule !== null) this.updates.threadedAdam = this.adamThreaded;
    this.elementwise = new WasmElementwise(this.arena);
    this.workBytes = this.exports.workBytes();
    this.heap = new Float32Array(this.memory.buffer);
    this.arena.addGrowListener(() => {
      this.heap = new Float32Array(this.memory.buffer);
      // views on a shared memory stay valid when it grows; a plain memory's are detached
      if (!this.arena.shared) this.views.clear();
    });
    this.setThreads(options.threads ?? Math.min(8, hardwareThreads()));
  }

  /**
   * Zero-filled storage for a tensor of `floats` elements inside the kernels' memory, so products and
   * updates use it in place (no copies); null where that is not possible (memory not shared, a small
   * tensor, or the memory is full) — the tensor then lives on the JS heap and is copied per product.
   */
  allocate(floats: number): Float32Array | null {
    return this.arena.allocFloats(floats);
  }

  /** True when `array` lives in this kernel set's memory (products read and write it in place). */
  isResident(array: Float32Array): boolean {
    return this.arena.owns(array);
  }

  /** Current size of the linear memory in bytes (it only grows, and only for a bigger product). */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Threads used for large products, updates and convolutions (1 where threads are unavailable). */
  get threads(): number {
    return this.workerPool?.threads ?? 1;
  }

  /** Worker threads that have started and take shares of large jobs (threads − 1 once all are up). */
  get readyWorkers(): number {
    return this.workerPool?.readyWorkers ?? 0;
  }

  /** True when this instance can split products across worker threads (shared memory and workers exist). */
  get threadsAvailable(): boolean {
    return this.sharedModule !== null;
  }

  /**
   * Uses `n` threads (the caller's plus n − 1 workers, started lazily) for large products, updates and the
   * convolution kernels computing in this memory; 1 stops the workers. Where threads are unavailable the
   * count stays 1.
   * @throws RangeError on a count that is not an integer from 1 to {@link MAX_THREADS} (32)
   */
  setThreads(n: number): void {
    checkThreadCount('setThreads', n);
    this.workerPool?.setThreads(n);
  }

  /** Stops the worker threads (a later large job starts them again unless threads are set to 1). */
  dispose(): void {
    this.workerPool?.dispose();
  }

  // Arrow properties, so the methods also work when taken off the object (`const f = kernels.matmul`).

  /** out = a · b; A(i,p) = a[i·k + p], B(p,j) = b[p·n + j]. */
  readonly matmul = (a: Float32Array, b: Float32Array, out: Float32Array, m: number, k: number, n: number): void =>
    this.run(a, k, 1, b, n, 1, out, m, k, n);

  /** out = aᵀ · b; a is [k×m], so A(i,p) = a[p·m + i]. */
  readonly matmulTransA = (a: Float32Array, b: Float32Array, out: Float32Array, m: number, k: number, n: number): void =>
    this.run(a, 1, m, b, n, 1, out, m, k, n);

  /** out = a · bᵀ; b is [n×k], so B(p,j) = b[j·k + p]. */
  readonly matmulTransB = (a: Float32Array, b: Float32Array, out: Float32Array, m: number, k: number, n: number): void =>
    this.run(a, k, 1, b, 1, k, out, m, k, n);

  private run(
    a: Float32Array, sai: number, sap: number,
    b: Float32Array, sbp: number, sbj: number,
    out: Float32Array, m: number, k: number, n: number,
  ): void {
    const size = m * n;
    if (size === 0) return;
    if (k === 0) {
      out.fill(0, 0, size); // an empty sum is 0
      return;
    }
    const arena = this.arena;
    const aLen = m * k;
    const bLen = k * n;
    // Operands that live in the memory are used where they are; the others are copied into scratch.
    const aIn = arena.owns(a);
    const bIn = arena.owns(b);
    const cIn = arena.owns(out) && !(aIn && overlaps(out, size, a, aLen)) && !(bIn && overlaps(out, size, b, bLen));
    const aScratch = aIn ? 0 : align4(aLen);
    const bScratch = bIn ? 0 : align4(bLen);
    const scratchFloats = aScratch + bScratch + (cIn ? 0 : size);
    if (!this.ensureWorkAreas() || !this.scratch.ensure(scratchFloats * 4)) {
      // Larger than the linear memory can grow to (4 GiB at most, or what the engine grants): the plain-JS
      // kernels work on the caller's arrays directly. For k = 1 the three layouts coincide, so the choice
      // by strides is exact.
      const js = sai === 1 ? jsKernels.matmulTransA : sbp === 1 && sbj === k ? jsKernels.matmulTransB : jsKernels.matmul;
      js(a, b, out, m, k, n);
      return;
    }
    const heap = this.heap;
    const s = this.scratch.address >> 2; // float offset of the scratch block
    const aOff = aIn ? a.byteOffset >> 2 : s;
    const bOff = bIn ? b.byteOffset >> 2 : s + aScratch;
    const cOff = cIn ? out.byteOffset >> 2 : s + aScratch + bScratch;
    if (!aIn) heap.set(aLen === a.length ? a : a.subarray(0, aLen), aOff);
    if (!bIn) heap.set(bLen === b.length ? b : b.subarray(0, bLen), bOff);
    if (m <= GEMV_MAX_ROWS && sbj === 1) {
      // a few rows (batch-1 inference): row by row, reading B where it is instead of packing it
      for (let i = 0; i < m; i++) this.exports.gemvRow((aOff + i * sai) * 4, sap, bOff * 4, sbp, (cOff + i * n) * 4, k, n);
    } else if (this.threads > 1 && size * k >= MIN_THREADED_MACS) {
      this.gemmThreaded(aOff * 4, sai, sap, bOff * 4, sbp, sbj, cOff * 4, m, k, n);
    } else {
      this.exports.gemm(aOff * 4, sai, sap, bOff * 4, sbp, sbj, cOff * 4, n, m, k, n, this.workAreas[0]);
    }
    if (!cIn) out.set(this.view(cOff, size));
  }

  /** A work area for every thread in use. @returns false when the memory cannot hold them */
  private ensureWorkAreas(): boolean {
    const threads = this.threads;
    while (this.workAreas.length < threads) {
      const address = this.arena.allocBlock(this.workBytes);
      if (address < 0) return false;
      this.workAreas.push(address);
    }
    return true;
  }


  /**
   * C = A·B cut into chunks of whole rows (when m ≥ n) or columns of C, CHUNKS_PER_THREAD per thread
   * (at least MIN_CHUNK wide): the calling thread and every ready worker take chunks from a shared counter until none is left,
   * so a thread that is slow or descheduled (a busy machine) holds up at most one chunk. A worker that is
   * not ready (still starting) simply takes none; one that stops mid-chunk has that chunk redone here.
   * Arguments as `gemm`'s, in bytes and elements.
   */
  private gemmThreaded(
    a: number, sai: number, sap: number, b: number, sbp: number, sbj: number, c: number,
    m: number, k: number, n: number,
  ): void {
    const pool = this.workerPool?.get() as WorkerPool;
    const byRows = m >= n;
    const extent = byRows ? m : n;
    const unit = byRows ? 4 : 8; // whole micro-tiles per chunk
    const chunk = Math.max(MIN_CHUNK, Math.ceil(extent / ((pool.workers + 1) * CHUNKS_PER_THREAD) / unit) * unit);
    const work = this.workAreas;
    const gemm = this.exports.gemm;
    pool.resetChunks();
    let handed = 0; // bitmask of workers given the job
    for (let w = 0; w < pool.workers; w++) {
      if (!pool.isReady(w)) continue;
      pool.startProduct(w, a, sai, sap, b, sbp, sbj, c, m, k, n, work[w + 1], byRows, chunk);
      handed |= 1 << w;
    }
    for (;;) {
      const start = pool.takeChunk() * chunk;
      if (start >= extent) break;
      this.gemmBlock(gemm, byRows, start, Math.min(chunk, extent - start), a, sai, sap, b, sbp, sbj, c, m, k, n);
    }
    for (let w = 0; w < pool.workers; w++) {
      if ((handed & (1 << w)) === 0 || pool.wait(w)) continue;
      // the worker stopped without finishing: redo the chunk it was computing
      const lost = pool.currentChunk(w);
      if (lost < 0) continue;
      const start = lost * chunk;
      if (start < extent) this.gemmBlock(gemm, byRows, start, Math.min(chunk, extent - start), a, sai, sap, b, sbp, sbj, c, m, k, n);
    }
  }

  /**
   * An Adam update of `n` resident elements split across the threads in chunks of whole vectors, taken
   * from the shared counter like a product's (each element's formula is the same whichever thread runs
   * it: bit-identical). Returns false, doing nothing, for one thread or a small update.
   */
  private readonly adamThreaded = (
    w: number, g: number, m: number, c: number, n: number,
    b1: number, s1: number, b2: number, s2: number, lrm: number, cScale: number, eps: number,
    bw: number, bm: number, bc: number,
  ): boolean => {
    if (this.threads < 2 || n < MIN_THREADED_UPDATE) return false;
    const pool = this.workerPool?.get() as WorkerPool;
    const chunk = Math.max(MIN_UPDATE_CHUNK, Math.ceil(n / ((pool.workers + 1) * CHUNKS_PER_THREAD) / 4) * 4);
    pool.resetChunks();
    let handed = 0;
    for (let i = 0; i < pool.workers; i++) {
      if (!pool.isReady(i)) continue;
      pool.startAdam(i, w, g, m, c, n, chunk, b1, s1, b2, s2, lrm, cScale, eps, bw, bm, bc);
      handed |= 1 << i;
    }
    for (;;) {
      const start = pool.takeChunk() * chunk;
      if (start >= n) break;
      const o = start * 4;
      // backup addresses offset like the operands (0: no backup), without an array per chunk
      this.updates.adamAt(w + o, g + o, m + o, c + o, Math.min(chunk, n - start), b1, s1, b2, s2, lrm, cScale, eps,
        bw === 0 ? 0 : bw + o, bw === 0 ? 0 : bm + o, bw === 0 ? 0 : bc + o);
    }
    for (let i = 0; i < pool.workers; i++) {
      if ((handed & (1 << i)) === 0 || pool.wait(i)) continue;
      // The worker stopped (terminated from outside) mid-chunk: an in-place update cannot be redone
      // exactly, so say so — Sequential undoes a step whose update throws.
      if (pool.currentChunk(i) >= 0) {
        throw new Error(`Adam update: worker thread ${i + 1} stopped in the middle of its share of ${n} elements; this update is incomplete`);
      }
    }
    return true;
  };

  /** One block of rows or columns of C on the calling thread (work area 0). */
  private gemmBlock(
    gemm: MatmulExports['gemm'], byRows: boolean, start: number, len: number,
    a: number, sai: number, sap: number, b: number, sbp: number, sbj: number, c: number,
    m: number, k: number, n: number,
  ): void {
    const work = this.workAreas[0];
    if (byRows) gemm(a + start * sai * 4, sai, sap, b, sbp, sbj, c + start * n * 4, n, len, k, n, work);
    else gemm(a, sai, sap, b + start * sbj * 4, sbp, sbj, c + start * 4, n, m, k, len, work);
  }

  /** A cached view of `length` floats at float offset `offset` (created once per offset and length). */
  private view(offset: number, length: number): Float32Array {
    let byLength = this.views.get(offset);
    if (byLength === undefined) {
      byLength = new Map();
      this.views.set(offset, byLength);
    }
    let v = byLength.get(length);
    if (v === undefined) {
      v = this.heap.subarray(offset, offset + length);
      byLength.set(length, v);
    }
    return v;
  }
}

/** True when the first `na` floats of `x` and the first `nb` of `y`, both views of one memory, share bytes. */
function overlaps(x: Float32Array, na: number, y: Float32Array, nb: number): boolean {
  const x0 = x.byteOffset;
  const y0 = y.byteOffset;
  return x0 < y0 + nb * 4 && y0 < x0 + na * 4;
}
