/*
 * A checking aid, not a compute mode. handgrad computes in float32; a gradient checker wants the forward
 * pass it differentiates numerically in float64, so that central differences carry no float32 rounding.
 * Inside `inFloat64Tensors(fn)` every tensor allocated (Tensor constructor, reuseOrAllocate) is backed by a
 * Float64Array — typed as Float32Array, whose interface it shares — and `getKernels()` hands out the plain
 * reference kernels, which write whatever array they are given (the WebAssembly ones go through f32
 * memory). A layer constructed inside the scope, and only ever run inside it, then computes its forward in
 * float64 end to end, as long as it allocates through handgrad (its own `new Float32Array` would not be).
 *
 * The depth lives on globalThis under a registered symbol, not in this module, so that two copies of
 * handgrad loaded in one process agree on it: `handgrad check` runs from the installed package while the
 * layer file it loads may import another copy (a global install, or tsconfig paths that map `handgrad` to
 * sources, as in this repository).
 */

const DEPTH = Symbol.for('handgrad.float64TensorsDepth');
const state = globalThis as { [DEPTH]?: number };

/** True while {@link inFloat64Tensors} runs: new tensors get Float64Array storage, products the reference kernels. */
export function float64TensorsActive(): boolean {
  return (state[DEPTH] ?? 0) > 0;
}

/**
 * Runs `fn` with float64 tensor storage and the reference matmul kernels, restoring both afterwards (also
 * when `fn` throws). Used by the gradient checker (src/diagnostics); not part of the public API.
 */
export function inFloat64Tensors<T>(fn: () => T): T {
  state[DEPTH] = (state[DEPTH] ?? 0) + 1;
  try {
    return fn();
  } finally {
    state[DEPTH] = (state[DEPTH] ?? 1) - 1;
  }
}
