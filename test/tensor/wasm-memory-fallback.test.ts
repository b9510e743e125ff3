/** A product the WebAssembly memory cannot hold falls back to the js kernels, never a raw engine error (issue 9, finding 6). */
import { describe, expect, it } from 'vitest';
import { WasmKernels, jsKernels, wasmSimdSupported } from '../../src/index.js';
import { Random } from '../../src/core/random.js';

describe.runIf(wasmSimdSupported())('WasmKernels when memory cannot grow', () => {
  it('computes matmul, aᵀ·b and a·bᵀ with the js kernels instead of throwing', () => {
    const kernels = new WasmKernels();
    const memory = (kernels as unknown as { memory: WebAssembly.Memory }).memory;
    memory.grow = () => {
      throw new RangeError('WebAssembly.Memory.grow(): Unable to grow instance memory');
    };
    const [m, k, n] = [300, 400, 500]; // more than the memory it has
    const rng = new Random(1);
    const a = rng.fillUniform(new Float32Array(m * k), -1, 1);
    const b = rng.fillUniform(new Float32Array(k * n), -1, 1);
    for (const name of ['matmul', 'matmulTransA', 'matmulTransB'] as const) {
      const bb = name === 'matmulTransB' ? rng.fillUniform(new Float32Array(n * k), -1, 1) : b;
      const aa = name === 'matmulTransA' ? rng.fillUniform(new Float32Array(k * m), -1, 1) : a;
      const got = new Float32Array(m * n);
      const want = new Float32Array(m * n);
      kernels[name](aa, bb, got, m, k, n);
      jsKernels[name](aa, bb, want, m, k, n);
      expect(got).toEqual(want);
    }
  });
});
