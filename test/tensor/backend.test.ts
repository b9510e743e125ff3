import { afterEach, describe, expect, it, vi } from 'vitest';
import { Tensor, getKernels, jsKernels, matmul, setKernels, useKernels, wasmSimdSupported } from '../../src/index.js';

describe('kernel selection', () => {
  const initial = getKernels();
  afterEach(() => {
    setKernels(initial);
  });

  it('runs under the set named by HANDGRAD_KERNELS (the vitest project)', () => {
    const wanted = process.env.HANDGRAD_KERNELS;
    expect(wanted === 'wasm' || wanted === 'js').toBe(true);
    expect(initial.name).toBe(wanted);
  });

  it('switches every product with useKernels, and both sets give the same product', () => {
    const a = Tensor.fromArray([[1, 2, 3], [4, 5, 6]]);
    const b = Tensor.fromArray([[1, 0], [0, 1], [2, -1]]);
    expect(useKernels('js')).toBe(jsKernels);
    expect(getKernels().name).toBe('js');
    expect(matmul(a, b).toArray()).toEqual([[7, -1], [16, -1]]);
    if (wasmSimdSupported()) {
      expect(useKernels('wasm').name).toBe('wasm');
      expect(matmul(a, b).toArray()).toEqual([[7, -1], [16, -1]]);
    }
  });

  it('rejects an unknown name with a clear error', () => {
    expect(() => useKernels('gpu' as 'js')).toThrow("useKernels: unknown kernel set 'gpu', expected 'wasm' or 'js'");
  });
});

describe('without WebAssembly SIMD', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.resetModules();
  });

  it('defaults to the plain-JS kernels, lists only them, and refuses useKernels("wasm") clearly', async () => {
    vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    vi.resetModules();
    const fresh = await import('../../src/tensor/backend.js');
    expect(fresh.getKernels().name).toBe('js');
    expect(fresh.availableKernels()).toEqual(['js']);
    expect(fresh.kernelsByName('wasm')).toBeNull();
    expect(() => fresh.useKernels('wasm')).toThrow(
      "useKernels('wasm'): this runtime does not support WebAssembly SIMD; use 'js'",
    );
  });
});
