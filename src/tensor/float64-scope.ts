import { setKernels } from './backend.js';
import { referenceKernels } from './kernels/js-reference.js';

/*
 * A checking aid, not a compute mode. handgrad computes in float32; a gradient checker wants the forward
 * pass it differentiates numerically in float64, so that central differences carry no float32 rounding.
 * Inside `inFloat64Tensors(fn)` every tensor allocated (Tensor constructor, reuseOrAllocate) is backed by a
 * Float64Array — typed as Float32Array, whose interface it shares — and matrix products run on the plain
 * reference kernels, which write whatever array they are handed (the WebAssembly ones copy through f32
 * memory). A layer constructed inside the scope, and only ever run inside it, then computes its forward
 * in float64 end to end, as long as it allocates through handgrad (its own `new Float32Array` would not be).
 */

let depth = 0;

/** True while {@link inFloat64Tensors} runs: new tensors get Float64Array storage. */
export function float64TensorsActive(): boolean {
  return depth > 0;
}

/**
 * Runs `fn` with float64 tensor storage and the reference matmul kernels, restoring both afterwards (also
 * when `fn` throws). Used by the gradient checker (src/diagnostics); not part of the public API.
 */
export function inFloat64Tensors<T>(fn: () => T): T {
  const previous = setKernels(referenceKernels);
  depth++;
  try {
    return fn();
  } finally {
    depth--;
    setKernels(previous);
  }
}
