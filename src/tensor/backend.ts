import type { MatmulKernels } from './kernels/kernels.js';
import { shown } from './shown.js';
import { referenceKernels } from './kernels/js-reference.js';
import { jsKernels } from './kernels/js.js';
import { float64TensorsActive } from './float64-scope.js';
import { setStorageProvider } from './storage.js';
import { retainView } from './kernels/wasm/arena.js';
import { WasmKernels, wasmSimdSupported } from './kernels/wasm/wasm-kernels.js';
import { checkThreadCount } from './kernels/wasm/thread-pool.js';

/*
 * Which kernels run every matrix product. Process-wide on purpose (like a BLAS library choice): every
 * layer's products go through it, so switching it switches the whole model at once.
 *
 * The default is the WebAssembly SIMD set where the runtime validates SIMD (Node ≥ 16.4, Chrome ≥ 91,
 * Firefox ≥ 89, Safari ≥ 16.4) — about 10× faster than the tiled plain-JS set — and the plain-JS set
 * otherwise. Both compute in float32 and agree to rounding (the whole test suite runs on both).
 */

// Big tensors take their storage from the active kernel set (see storage.ts).
setStorageProvider((floats) => getKernels().allocate?.(floats), retainView);

/** The built-in kernel sets: `'wasm'` (WebAssembly SIMD f32x4) and `'js'` (cache-tiled plain JS). */
export type KernelName = 'wasm' | 'js';

let active: MatmulKernels | null = null;
let wasm: WasmKernels | null = null;
/** Thread count asked for with setThreads before the WebAssembly set existed (null: its default). */
let requestedThreads: number | null = null;

/** The WebAssembly kernel set, instantiated on first use; null when SIMD is unavailable. */
function wasmKernels(): WasmKernels | null {
  if (!wasmSimdSupported()) return null;
  wasm ??= new WasmKernels(requestedThreads === null ? {} : { threads: requestedThreads });
  return wasm;
}

/**
 * Sets how many threads the WebAssembly kernels use for large matrix products, Adam updates and the
 * convolution, pooling and batch-normalisation kernels: the calling thread plus `n − 1` worker threads
 * (one pool for all of them), started on the first job big enough to split. Results are bit-identical
 * for every count (products are split by rows or columns of the result, so each element is summed in
 * the same order; convolutions by images or channel blocks, with fixed partial sums). `setThreads(1)`
 * stops the workers. The default is the hardware thread count (at most
 * 8) where the runtime has shared WebAssembly memory and workers — Node, and browser pages that are
 * cross-origin isolated — and 1 elsewhere (the count stays 1 there whatever is asked).
 * Workers never keep a Node process alive.
 * @returns the thread count now in effect
 * @throws RangeError on a count that is not an integer from 1 to 32 (the most the kernels run)
 */
export function setThreads(n: number): number {
  checkThreadCount('setThreads', n);
  requestedThreads = n;
  const k = wasmKernels();
  k?.setThreads(n);
  return k?.threads ?? 1;
}

/** The thread count the WebAssembly kernels use for large products and convolutions (1 where threads are unavailable). */
export function getThreads(): number {
  return wasmKernels()?.threads ?? 1;
}

/** The built-in kernel sets this runtime can use, fastest first. */
export function availableKernels(): KernelName[] {
  return wasmSimdSupported() ? ['wasm', 'js'] : ['js'];
}

/** The kernels currently used by every matrix product (the default on first call: see the file comment). */
export function getKernels(): MatmulKernels {
  // Inside the gradient checker's float64 scope: loops that keep float64 (see float64-scope.ts).
  if (float64TensorsActive()) return referenceKernels;
  active ??= wasmKernels() ?? jsKernels;
  return active;
}

/**
 * Routes every matrix product through `kernels` from now on (any {@link MatmulKernels} implementation).
 * @returns the previously active kernels, so a caller can restore them.
 */
export function setKernels(kernels: MatmulKernels): MatmulKernels {
  const previous = getKernels();
  active = kernels;
  return previous;
}

/**
 * Selects a built-in kernel set by name: `useKernels('js')` forces the plain-JS kernels (e.g. to compare),
 * `useKernels('wasm')` the WebAssembly SIMD ones.
 * @returns the kernels now in use
 * @throws if `'wasm'` is asked for where WebAssembly SIMD is not supported, or the name is unknown
 */
export function useKernels(name: KernelName): MatmulKernels {
  if (name === 'js') {
    active = jsKernels;
  } else if (name === 'wasm') {
    const k = wasmKernels();
    if (k === null) throw new Error("useKernels('wasm'): this runtime does not support WebAssembly SIMD; use 'js'");
    active = k;
  } else {
    throw new RangeError(`useKernels: unknown kernel set ${shown(name)}, expected 'wasm' or 'js'`);
  }
  return active;
}

/** The built-in kernel set called `name` without selecting it (null if unavailable). */
export function kernelsByName(name: KernelName): MatmulKernels | null {
  return name === 'js' ? jsKernels : name === 'wasm' ? wasmKernels() : null;
}
