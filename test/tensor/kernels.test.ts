import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random, type MatmulKernels } from '../../src/index.js';
import { referenceKernels } from '../../src/tensor/kernels/js-reference.js';
import { jsKernels } from '../../src/tensor/kernels/js.js';
import { availableKernelSets } from '../helpers/kernel-sets.js';

/*
 * Every fast kernel set against the naive reference loops (`js-reference.ts`) on many shapes: odd sizes,
 * 1×N, N×1, sizes that are not multiples of the register tile or cache blocks, and k = 0.
 */

type Variant = 'matmul' | 'matmulTransA' | 'matmulTransB';
const VARIANTS: Variant[] = ['matmul', 'matmulTransA', 'matmulTransB'];

function randomArray(length: number, rng: Random): Float32Array {
  const a = new Float32Array(length);
  rng.fillUniform(a, -1, 1);
  return a;
}

/**
 * Runs `variant` of `kernels` and of the reference on random operands and checks every element within
 * float32 rounding of the sum: |fast − ref| ≤ 1e-5 · Σ_p |A(i,p)·B(p,j)| (summation order differs).
 */
function expectAgrees(kernels: MatmulKernels, variant: Variant, m: number, k: number, n: number, seed: number): void {
  const rng = new Random(seed);
  const a = randomArray(m * k, rng);
  const b = randomArray(k * n, rng);
  const expected = new Float32Array(m * n);
  referenceKernels[variant](a, b, expected, m, k, n);
  // |a|·|b| through the same reference: a bound on the magnitude of the terms of each sum
  const absSum = new Float32Array(m * n);
  referenceKernels[variant](a.map(Math.abs), b.map(Math.abs), absSum, m, k, n);
  const out = new Float32Array(m * n).fill(Number.NaN); // must be overwritten everywhere
  kernels[variant](a, b, out, m, k, n);
  for (let i = 0; i < m * n; i++) {
    const err = Math.abs(out[i] - expected[i]);
    if (!(err <= 1e-5 * absSum[i] + 1e-30)) {
      expect.fail(
        `${kernels.name}.${variant} m=${m} k=${k} n=${n}: element ${i} is ${out[i]}, reference ${expected[i]}`,
      );
    }
  }
}

const kernelSets: MatmulKernels[] = [jsKernels, ...availableKernelSets().filter((k) => k.name !== 'js')];

describe.each(kernelSets.map((k) => [k.name, k] as const))('%s kernels agree with the reference loops', (_, kernels) => {
  it.each(VARIANTS)('%s on random shapes 0…40 (fast-check)', (variant) => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 1e6 }),
        (m, k, n, seed) => expectAgrees(kernels, variant, m, k, n, seed),
      ),
      { seed: 42, numRuns: 120 },
    );
  });

  it.each(VARIANTS)('%s on edge and block-crossing shapes', (variant) => {
    const shapes: [number, number, number][] = [
      [1, 1, 1], [1, 1, 300], [300, 1, 1], [1, 300, 1], [1, 77, 129], [129, 77, 1],
      [3, 0, 5], [0, 4, 5], [5, 4, 0], [0, 0, 0],
      [4, 8, 8], [5, 9, 9], [7, 13, 17], [63, 65, 67], [64, 64, 64],
      [2, 300, 64], [300, 2, 64], [300, 64, 3], [130, 600, 131], [67, 257, 520], [9, 1030, 11],
    ];
    shapes.forEach(([m, k, n], s) => expectAgrees(kernels, variant, m, k, n, 1000 + s));
  });
});

describe('kernel sets', () => {
  it('include the plain-JS set, and the WebAssembly SIMD set wherever SIMD validates', () => {
    const names = availableKernelSets().map((k) => k.name);
    expect(names).toContain('js');
    const simd = typeof WebAssembly === 'object' && WebAssembly.validate(new Uint8Array(SIMD_PROBE));
    expect(names.includes('wasm')).toBe(simd);
  });
});

/** A minimal module using a v128 instruction: (func (result v128) v128.const i32x4 0 0 0 0). */
const SIMD_PROBE = [
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03, 0x02, 0x01,
  0x00, 0x0a, 0x16, 0x01, 0x14, 0x00, 0xfd, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b,
];
