import type { MatmulKernels } from './kernels/kernels.js';
import { jsKernels } from './kernels/js.js';

/**
 * The kernel set in use. Process-wide on purpose (like a BLAS library choice): every layer's products go
 * through it, so switching it switches the whole model at once. Starts on the plain-JS kernels.
 */
let active: MatmulKernels = jsKernels;

/** The kernels currently used by every matrix product. */
export function getKernels(): MatmulKernels {
  return active;
}

/**
 * Routes every matrix product through `kernels` from now on.
 * @returns the previously active kernels, so a caller can restore them.
 */
export function setKernels(kernels: MatmulKernels): MatmulKernels {
  const previous = active;
  active = kernels;
  return previous;
}
