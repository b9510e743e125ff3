import type { ElementwiseKernels } from './elementwise.js';
import type { UpdateKernels } from './updates.js';

/**
 * The matrix-product kernels every layer goes through. They work on raw row-major Float32Arrays so that
 * one faster implementation (plain JS, WebAssembly SIMD, …) speeds up every layer at once.
 *
 * All three write `out` (length m·n) completely: they overwrite, never accumulate.
 * Callers (see `../ops.ts`) have already validated the shapes.
 */
export interface MatmulKernels {
  /** Name shown in benchmarks and errors, e.g. `"js"`. */
  readonly name: string;
  /**
   * The optimizers' update rules on this path (optional: optimizers use the plain-JS rules when a custom
   * kernel set has none).
   */
  readonly updates?: UpdateKernels;
  /** The per-step elementwise passes on this path (optional: the plain-JS loops otherwise). */
  readonly elementwise?: ElementwiseKernels;
  /**
   * Optional: zero-filled storage for a tensor of `floats` elements where this set computes fastest
   * (the WebAssembly set's shared memory, where products and updates use it in place), or null to let
   * the tensor live on the JS heap. Tensors are allocated through the active set's `allocate`.
   */
  allocate?(floats: number): Float32Array | null;
  /** out[m×n] = a[m×k] · b[k×n] */
  matmul(a: Float32Array, b: Float32Array, out: Float32Array, m: number, k: number, n: number): void;
  /** out[m×n] = aᵀ · b, where a is stored as [k×m] and b as [k×n] (no transpose is materialised). */
  matmulTransA(a: Float32Array, b: Float32Array, out: Float32Array, m: number, k: number, n: number): void;
  /** out[m×n] = a · bᵀ, where a is stored as [m×k] and b as [n×k] (no transpose is materialised). */
  matmulTransB(a: Float32Array, b: Float32Array, out: Float32Array, m: number, k: number, n: number): void;
}
