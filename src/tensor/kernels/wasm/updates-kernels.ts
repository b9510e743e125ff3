import type { UpdateKernels } from '../updates.js';
import { UPDATES_WASM_BASE64 } from './updates-bytes.js';

/*
 * The optimizer updates in WebAssembly SIMD (updates.wat): the arrays are copied into this module's
 * memory (each 16-byte aligned), updated there four elements per instruction, and the parameter and state
 * arrays copied back — O(n) copies for O(n) work, but each copy is a memcpy, several times faster than
 * the scalar update loop they replace. Memory grows only for a larger parameter than any before.
 */

interface UpdateExports {
  readonly memory: WebAssembly.Memory;
  sgd(w: number, g: number, n: number, lr: number): void;
  sgdMomentum(w: number, g: number, m: number, n: number, mu: number, lr: number): void;
  scaledByCache(w: number, g: number, c: number, n: number, rho: number, sigma: number, lr: number, eps: number): void;
  adam(w: number, g: number, m: number, c: number, n: number, b1: number, s1: number, b2: number, s2: number, lrm: number, cScale: number, eps: number): void;
}

const PAGE_BYTES = 65536;

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

let cachedBytes: Uint8Array<ArrayBuffer> | null = null;

/** The compiled updates.wat, decoded once. */
export function updatesWasmBytes(): Uint8Array<ArrayBuffer> {
  cachedBytes ??= decode(UPDATES_WASM_BASE64);
  return cachedBytes;
}

/** The optimizer update rules on WebAssembly SIMD, with their own instance and memory. */
export class WasmUpdates implements UpdateKernels {
  readonly name = 'wasm';
  private readonly exports: UpdateExports;
  private heap: Float32Array;

  constructor() {
    const module = new WebAssembly.Module(updatesWasmBytes());
    this.exports = new WebAssembly.Instance(module, {}).exports as unknown as UpdateExports;
    this.heap = new Float32Array(this.exports.memory.buffer);
  }

  readonly sgd = (w: Float32Array, g: Float32Array, lr: number): void => {
    const n = w.length;
    const [ow, og] = this.load(n, w, g);
    this.exports.sgd(ow * 4, og * 4, n, lr);
    this.store(w, ow);
  };

  readonly sgdMomentum = (w: Float32Array, g: Float32Array, m: Float32Array, mu: number, lr: number): void => {
    const n = w.length;
    const [ow, og, om] = this.load(n, w, g, m);
    this.exports.sgdMomentum(ow * 4, og * 4, om * 4, n, mu, lr);
    this.store(w, ow);
    this.store(m, om);
  };

  readonly scaledByCache = (
    w: Float32Array, g: Float32Array, cache: Float32Array, rho: number, sigma: number, lr: number, eps: number,
  ): void => {
    const n = w.length;
    const [ow, og, oc] = this.load(n, w, g, cache);
    this.exports.scaledByCache(ow * 4, og * 4, oc * 4, n, rho, sigma, lr, eps);
    this.store(w, ow);
    this.store(cache, oc);
  };

  readonly adam = (
    w: Float32Array, g: Float32Array, m: Float32Array, c: Float32Array,
    beta1: number, beta2: number, lrm: number, cScale: number, eps: number,
  ): void => {
    const n = w.length;
    const [ow, og, om, oc] = this.load(n, w, g, m, c);
    this.exports.adam(ow * 4, og * 4, om * 4, oc * 4, n, beta1, 1 - beta1, beta2, 1 - beta2, lrm, cScale, eps);
    this.store(w, ow);
    this.store(m, om);
    this.store(c, oc);
  };

  /** Offsets (in floats) at which the arrays were copied: consecutive 16-byte aligned slots of n floats. */
  private readonly offsets = [0, 0, 0, 0];

  private load(n: number, ...arrays: Float32Array[]): number[] {
    const slot = (n + 3) & ~3;
    this.ensureFloats(slot * arrays.length);
    const offsets = this.offsets;
    for (let i = 0; i < arrays.length; i++) {
      offsets[i] = i * slot;
      this.heap.set(arrays[i], offsets[i]);
    }
    return offsets;
  }

  /** Views of the heap by offset then length, so copying back is one `set` with no new view per call. */
  private readonly views = new Map<number, Map<number, Float32Array>>();

  private store(target: Float32Array, offset: number): void {
    const length = target.length;
    let byLength = this.views.get(offset);
    if (byLength === undefined) {
      byLength = new Map();
      this.views.set(offset, byLength);
    }
    let view = byLength.get(length);
    if (view === undefined) {
      view = this.heap.subarray(offset, offset + length);
      byLength.set(length, view);
    }
    target.set(view);
  }

  private ensureFloats(floats: number): void {
    const memory = this.exports.memory;
    const needed = floats * 4;
    if (needed <= memory.buffer.byteLength) return;
    memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE_BYTES));
    this.heap = new Float32Array(memory.buffer);
    this.views.clear();
  }
}
