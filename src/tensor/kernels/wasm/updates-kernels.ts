import { decodeBase64 } from './decode-base64.js';
import { jsUpdates, type UpdateKernels } from '../updates.js';
import { UPDATES_WASM_BASE64 } from './updates-bytes.js';

import { ScratchBlock, type WasmArena } from './arena.js';
import { UPDATES_SHARED_WASM_BASE64 } from './updates-shared-bytes.js';

/*
 * The optimizer updates in WebAssembly SIMD (updates.wat), computing in the matrix kernels' memory: arrays
 * that live there (resident tensors, see arena.ts) are updated in place; any other array is copied into a
 * scratch block, updated there and copied back — O(n) copies for O(n) work, each a memcpy, still several
 * times faster than the scalar update loop.
 */

interface UpdateExports {
  sgd(w: number, g: number, n: number, lr: number): void;
  sgdMomentum(w: number, g: number, m: number, n: number, mu: number, lr: number): void;
  scaledByCache(w: number, g: number, c: number, n: number, rho: number, sigma: number, lr: number, eps: number): void;
  adam(w: number, g: number, m: number, c: number, n: number, b1: number, s1: number, b2: number, s2: number, lrm: number, cScale: number, eps: number, bw: number, bm: number, bc: number): void;
}

let cachedBytes: Uint8Array<ArrayBuffer> | null = null;
let cachedSharedBytes: Uint8Array<ArrayBuffer> | null = null;

/** The compiled updates.wat (imported plain memory), decoded once. */
export function updatesWasmBytes(): Uint8Array<ArrayBuffer> {
  cachedBytes ??= decodeBase64(UPDATES_WASM_BASE64);
  return cachedBytes;
}

/** The compiled updates.wat (imported shared memory), decoded once. */
export function updatesSharedWasmBytes(): Uint8Array<ArrayBuffer> {
  cachedSharedBytes ??= decodeBase64(UPDATES_SHARED_WASM_BASE64);
  return cachedSharedBytes;
}

/** The optimizer update rules on WebAssembly SIMD, in the memory of a {@link WasmArena}. */
export class WasmUpdates implements UpdateKernels {
  readonly name = 'wasm';
  /** The compiled module (typed loosely: the published .d.ts needs no WebAssembly types); worker threads instantiate it too. */
  readonly module: object;
  private readonly exports: UpdateExports;
  private readonly arena: WasmArena;
  /**
   * Runs a big Adam update on the worker threads (set by the kernel set that owns the pool); returns
   * false when it did not (one thread, a small update), and the update then runs here.
   */
  threadedAdam: ((w: number, g: number, m: number, c: number, n: number, b1: number, s1: number, b2: number, s2: number, lrm: number, cScale: number, eps: number, bw: number, bm: number, bc: number) => boolean) | null = null;
  private heap: Float32Array;
  /** Scratch for operands that do not live in the memory. */
  private readonly scratch: ScratchBlock;
  /** Float offsets of the arrays of the current call (resident: their own; else in scratch). */
  private readonly offsets = [0, 0, 0, 0];
  /** Which arrays of the current call were copied into scratch (and must be copied back). */
  private readonly copied = [false, false, false, false];

  constructor(arena: WasmArena) {
    this.arena = arena;
    this.scratch = new ScratchBlock(arena);
    const bytes = arena.shared ? updatesSharedWasmBytes() : updatesWasmBytes();
    const module = new WebAssembly.Module(bytes);
    this.module = module;
    this.exports = new WebAssembly.Instance(module, { env: { memory: arena.memory as WebAssembly.Memory } })
      .exports as unknown as UpdateExports;
    this.heap = new Float32Array(arena.memory.buffer);
    arena.addGrowListener(() => {
      this.heap = new Float32Array(arena.memory.buffer);
      if (!arena.shared) this.views.clear(); // views on a shared memory stay valid when it grows
    });
  }

  readonly sgd = (w: Float32Array, g: Float32Array, lr: number): void => {
    const n = w.length;
    const o = this.load(n, w, g);
    if (o === null) return jsUpdates.sgd(w, g, lr);
    const [ow, og] = o;
    this.exports.sgd(ow * 4, og * 4, n, lr);
    this.store(0, w);
  };

  readonly sgdMomentum = (w: Float32Array, g: Float32Array, m: Float32Array, mu: number, lr: number): void => {
    const n = w.length;
    const o = this.load(n, w, g, m);
    if (o === null) return jsUpdates.sgdMomentum(w, g, m, mu, lr);
    const [ow, og, om] = o;
    this.exports.sgdMomentum(ow * 4, og * 4, om * 4, n, mu, lr);
    this.store(0, w);
    this.store(2, m);
  };

  readonly scaledByCache = (
    w: Float32Array, g: Float32Array, cache: Float32Array, rho: number, sigma: number, lr: number, eps: number,
  ): void => {
    const n = w.length;
    const o = this.load(n, w, g, cache);
    if (o === null) return jsUpdates.scaledByCache(w, g, cache, rho, sigma, lr, eps);
    const [ow, og, oc] = o;
    this.exports.scaledByCache(ow * 4, og * 4, oc * 4, n, rho, sigma, lr, eps);
    this.store(0, w);
    this.store(2, cache);
  };

  readonly adam = (
    w: Float32Array, g: Float32Array, m: Float32Array, c: Float32Array,
    beta1: number, beta2: number, lrm: number, cScale: number, eps: number,
    backup?: readonly [Float32Array, Float32Array, Float32Array],
  ): void => {
    const n = w.length;
    // the backup is fused into the pass when all four arrays and the backup live in the memory
    const arena = this.arena;
    const fused = backup !== undefined && arena.owns(w) && arena.owns(m) && arena.owns(c) &&
      arena.owns(backup[0]) && arena.owns(backup[1]) && arena.owns(backup[2]);
    if (backup !== undefined && !fused) {
      backup[0].set(w);
      backup[1].set(m);
      backup[2].set(c);
    }
    const o = this.load(n, w, g, m, c);
    if (o === null) return jsUpdates.adam(w, g, m, c, beta1, beta2, lrm, cScale, eps);
    const [ow, og, om, oc] = o;
    const s1 = 1 - beta1;
    const s2 = 1 - beta2;
    const bw = fused ? backup[0].byteOffset : 0;
    const bm = fused ? backup[1].byteOffset : 0;
    const bc = fused ? backup[2].byteOffset : 0;
    if (this.threadedAdam?.(ow * 4, og * 4, om * 4, oc * 4, n, beta1, s1, beta2, s2, lrm, cScale, eps, bw, bm, bc) !== true) {
      this.exports.adam(ow * 4, og * 4, om * 4, oc * 4, n, beta1, s1, beta2, s2, lrm, cScale, eps, bw, bm, bc);
    }
    this.store(0, w);
    this.store(2, m);
    this.store(3, c);
  };

  /** Adam on `n` elements at byte addresses in the memory (one chunk of a threaded update; backup 0: none). */
  adamAt(w: number, g: number, m: number, c: number, n: number, b1: number, s1: number, b2: number, s2: number, lrm: number, cScale: number, eps: number, bw: number, bm: number, bc: number): void {
    this.exports.adam(w, g, m, c, n, b1, s1, b2, s2, lrm, cScale, eps, bw, bm, bc);
  }

  /**
   * Offsets (in floats) of the arrays: their own when resident, else 16-byte aligned slots of scratch;
   * null when the memory cannot grow to hold the copies (the caller then runs the plain-JS rule).
   */
  private load(n: number, ...arrays: Float32Array[]): number[] | null {
    const slot = (n + 3) & ~3;
    let copies = 0;
    for (let i = 0; i < arrays.length; i++) {
      this.copied[i] = !this.arena.owns(arrays[i]);
      if (this.copied[i]) copies++;
    }
    if (copies > 0 && !this.scratch.ensure(slot * copies * 4)) return null;
    const offsets = this.offsets;
    let next = this.scratch.address >> 2;
    for (let i = 0; i < arrays.length; i++) {
      if (this.copied[i]) {
        offsets[i] = next;
        next += slot;
        this.heap.set(arrays[i], offsets[i]);
      } else {
        offsets[i] = arrays[i].byteOffset >> 2;
      }
    }
    return offsets;
  }

  /** Views of the heap by offset then length, so copying back is one `set` with no new view per call. */
  private readonly views = new Map<number, Map<number, Float32Array>>();

  /** Copies array `i` of the current call back from scratch (nothing to do for a resident array). */
  private store(i: number, target: Float32Array): void {
    if (!this.copied[i]) return;
    const offset = this.offsets[i];
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

}
