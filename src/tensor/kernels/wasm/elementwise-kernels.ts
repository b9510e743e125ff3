import { decodeBase64 } from './decode-base64.js';
import { jsElementwise, type ElementwiseKernels } from '../elementwise.js';
import type { WasmArena } from './arena.js';
import { ELEMENTWISE_WASM_BASE64 } from './elementwise-bytes.js';
import { ELEMENTWISE_SHARED_WASM_BASE64 } from './elementwise-shared-bytes.js';

/*
 * The elementwise passes of elementwise.wat on tensors that live in the kernels' memory (arena.ts).
 * An operand on the JS heap is not copied in — a copy costs as much as the pass — so the plain-JS loop
 * runs instead; small operands (a bias row, the column sums) go through a small scratch block.
 */

interface ElementwiseExports {
  firstNonFinite(p: number, n: number): number;
  addRowVector(x: number, bias: number, out: number, rows: number, cols: number): void;
  sumColumns(x: number, out: number, rows: number, cols: number): void;
}

/** Rows of a `cols`-wide operand that fit the scratch block (bias rows, column sums). */
const SCRATCH_BYTES = 1 << 16;

/** The elementwise passes in WebAssembly SIMD, in the memory of a {@link WasmArena}. */
export class WasmElementwise implements ElementwiseKernels {
  private readonly exports: ElementwiseExports;
  private readonly arena: WasmArena;
  private heap: Float32Array;
  private scratch = -1;

  constructor(arena: WasmArena) {
    this.arena = arena;
    const bytes = decodeBase64(arena.shared ? ELEMENTWISE_SHARED_WASM_BASE64 : ELEMENTWISE_WASM_BASE64);
    this.exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: arena.memory as WebAssembly.Memory } })
      .exports as unknown as ElementwiseExports;
    this.heap = new Float32Array(arena.memory.buffer);
    arena.addGrowListener(() => (this.heap = new Float32Array(arena.memory.buffer)));
  }

  readonly firstNonFinite = (d: Float32Array): number => {
    if (!this.arena.owns(d)) return jsElementwise.firstNonFinite(d);
    return this.exports.firstNonFinite(d.byteOffset, d.length);
  };

  readonly addRowVector = (x: Float32Array, bias: Float32Array, out: Float32Array, rows: number, cols: number): void => {
    const arena = this.arena;
    if (!arena.owns(x) || !arena.owns(out) || (!arena.owns(bias) && !this.ensureScratch(cols))) {
      jsElementwise.addRowVector(x, bias, out, rows, cols);
      return;
    }
    let b = bias.byteOffset;
    if (!arena.owns(bias)) {
      this.heap.set(cols === bias.length ? bias : bias.subarray(0, cols), this.scratch >> 2);
      b = this.scratch;
    }
    this.exports.addRowVector(x.byteOffset, b, out.byteOffset, rows, cols);
  };

  readonly sumColumns = (x: Float32Array, out: Float32Array, rows: number, cols: number): void => {
    const arena = this.arena;
    if (rows === 0 || !arena.owns(x) || (!arena.owns(out) && !this.ensureScratch(cols))) {
      jsElementwise.sumColumns(x, out, rows, cols);
      return;
    }
    if (arena.owns(out)) {
      this.exports.sumColumns(x.byteOffset, out.byteOffset, rows, cols);
      return;
    }
    const s = this.scratch;
    this.exports.sumColumns(x.byteOffset, s, rows, cols);
    const start = s >> 2;
    for (let j = 0; j < cols; j++) out[j] = this.heap[start + j]; // no view object per call
  };

  /** A scratch block for `floats` floats (a fixed 64 KiB block; false if more is needed or it cannot be had). */
  private ensureScratch(floats: number): boolean {
    if (floats * 4 > SCRATCH_BYTES) return false;
    if (this.scratch < 0) this.scratch = this.arena.allocBlock(SCRATCH_BYTES);
    return this.scratch >= 0;
  }
}
