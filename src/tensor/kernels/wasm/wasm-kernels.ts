import type { MatmulKernels } from '../kernels.js';
import { MATMUL_WASM_BASE64 } from './matmul-bytes.js';
import { WasmUpdates } from './updates-kernels.js';

/*
 * The WebAssembly SIMD kernel set: a thin wrapper around the `gemm` routine of matmul.wat.
 *
 * Each product copies its operands into the module's linear memory, runs `gemm` there with the strides
 * that select a·b, aᵀ·b or a·bᵀ, and copies the result back. The copies are O(m·k + k·n + m·n) against
 * O(m·k·n) arithmetic. Memory layout (bytes): [work area for packing | a | b | out].
 *
 * Memory grows only when a product needs more than any earlier one, and is reused otherwise, so a
 * training loop at a fixed batch size stops growing it (and allocating) after its first step: results are
 * copied out through views cached per (offset, length).
 */

interface MatmulExports {
  readonly memory: WebAssembly.Memory;
  gemm(
    a: number, sai: number, sap: number,
    b: number, sbp: number, sbj: number,
    c: number, m: number, k: number, n: number, work: number,
  ): void;
  workBytes(): number;
}

const PAGE_BYTES = 65536;

let cachedBytes: Uint8Array<ArrayBuffer> | null = null;

/** The compiled module's bytes, decoded once from the embedded base64. */
export function matmulWasmBytes(): Uint8Array<ArrayBuffer> {
  if (cachedBytes === null) {
    const text = atob(MATMUL_WASM_BASE64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    cachedBytes = bytes;
  }
  return cachedBytes;
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

/** A WebAssembly SIMD kernel set with its own instance and memory. */
export class WasmKernels implements MatmulKernels {
  readonly name = 'wasm';
  /** The optimizers' update rules in WebAssembly SIMD (updates.wat). */
  readonly updates = new WasmUpdates();
  private readonly exports: MatmulExports;
  private readonly workFloats: number;
  /** View of the whole linear memory; replaced only when memory grows. */
  private heap: Float32Array;
  /**
   * Result views by offset then length, so copying a result out is one `set` (memcpy) without creating a
   * view per call; a training loop uses a handful of shapes. Cleared when memory grows.
   */
  private readonly views = new Map<number, Map<number, Float32Array>>();

  /** Compiles and instantiates synchronously (the module is ~1.4 KB, under every browser's sync limit). */
  constructor() {
    const module = new WebAssembly.Module(matmulWasmBytes());
    this.exports = new WebAssembly.Instance(module, {}).exports as unknown as MatmulExports;
    this.workFloats = align4(this.exports.workBytes() / 4);
    this.heap = new Float32Array(this.exports.memory.buffer);
  }

  /** Current size of the linear memory in bytes (it only grows, and only for a bigger product). */
  get memoryBytes(): number {
    return this.exports.memory.buffer.byteLength;
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
    const aLen = m * k;
    const bLen = k * n;
    const aOff = this.workFloats;
    const bOff = aOff + align4(aLen);
    const cOff = bOff + align4(bLen);
    this.ensureFloats(cOff + size);
    const heap = this.heap;
    heap.set(aLen === a.length ? a : a.subarray(0, aLen), aOff);
    heap.set(bLen === b.length ? b : b.subarray(0, bLen), bOff);
    this.exports.gemm(aOff * 4, sai, sap, bOff * 4, sbp, sbj, cOff * 4, m, k, n, 0);
    out.set(this.view(cOff, size));
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

  /** Grows memory (whole pages) when `floats` do not fit; reuses it otherwise. */
  private ensureFloats(floats: number): void {
    const memory = this.exports.memory;
    const needed = floats * 4;
    if (needed <= memory.buffer.byteLength) return;
    memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE_BYTES));
    this.heap = new Float32Array(memory.buffer);
    this.views.clear();
  }
}
