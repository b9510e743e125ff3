import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random, WasmKernels, wasmSimdSupported } from '../../src/index.js';
import { referenceKernels } from '../../src/tensor/kernels/js-reference.js';

/*
 * Products with 1–3 rows run row by row without packing (`gemvRow` in matmul.wat). Each row must be
 * bit-identical to the same row computed by the packed GEMM inside a taller product — so a batch-1
 * prediction equals that example's row of a batched one exactly — and close to the naive definition.
 */

function random(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  new Random(seed).fillUniform(a, -1, 1);
  return a;
}

describe.skipIf(!wasmSimdSupported())('few-row products (gemvRow)', () => {
  const k = new WasmKernels({ threads: 1 });

  it('rows equal the packed GEMM rows bit for bit (a·b and aᵀ·b), any k and n', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 700 }), fc.integer({ min: 1, max: 70 }),
        fc.boolean(), fc.integer(),
        (m, depth, n, transA, seed) => {
          const tall = 9; // rows of the packed product the few rows are taken from
          const b = random(depth * n, seed + 1);
          const few = new Float32Array(m * n);
          const all = new Float32Array(tall * n);
          if (transA) {
            // aᵀ · b with a stored [k × rows]: A(i, p) = a[p·rows + i]
            const aTall = random(depth * tall, seed);
            const aFew = new Float32Array(depth * m);
            for (let p = 0; p < depth; p++) for (let i = 0; i < m; i++) aFew[p * m + i] = aTall[p * tall + i];
            k.matmulTransA(aFew, b, few, m, depth, n);
            k.matmulTransA(aTall, b, all, tall, depth, n);
          } else {
            const aTall = random(tall * depth, seed);
            k.matmul(aTall.subarray(0, m * depth), b, few, m, depth, n);
            k.matmul(aTall, b, all, tall, depth, n);
          }
          expect(Array.from(few)).toEqual(Array.from(all.subarray(0, m * n)));
        },
      ),
      { numRuns: 80 },
    );
  });

  it('equal the naive loops to float32 rounding', () => {
    const a = random(3 * 784, 1);
    const b = random(784 * 45, 2);
    const got = new Float32Array(3 * 45);
    const want = new Float32Array(3 * 45);
    k.matmul(a, b, got, 3, 784, 45);
    referenceKernels.matmul(a, b, want, 3, 784, 45);
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-4);
  });
});
