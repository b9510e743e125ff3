import { availableKernels, kernelsByName, type MatmulKernels } from '../../src/index.js';

/** Every built-in kernel set this runtime can run (the WebAssembly one only where SIMD validates). */
export function availableKernelSets(): MatmulKernels[] {
  return availableKernels().map((name) => kernelsByName(name) as MatmulKernels);
}
