import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/index.js';
import { setKernels, useKernels } from '../../src/tensor/backend.js';
import { batchNormKernels, jsBatchNormKernels, type BatchNormKernels } from '../../src/tensor/kernels/batch-norm-kernels.js';
import { WasmConvKernels } from '../../src/tensor/kernels/wasm/wasm-conv-kernels.js';
import { WasmKernels, wasmSimdSupported } from '../../src/tensor/kernels/wasm/wasm-kernels.js';

/*
 * Batch normalisation's WebAssembly SIMD passes (conv.wat's bn*) against the plain-JS definitions, which
 * the layer tests check against finite differences and TensorFlow.js. Both sum each channel in float64 in
 * row order and round each element's float64 expression once, so they must agree bit for bit — over
 * random row counts and channel counts (the 8-channel body, the 4-channel and scalar tails, and thread
 * splits by channel blocks), for every output: statistics, x̂, y, dγ, dβ, dx, training and inference.
 */

/** Same bits, except that any NaN equals any NaN (wasm may canonicalise NaN payloads). */
function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (Number.isNaN(expected[i]) && Number.isNaN(actual[i])) continue;
    if (!Object.is(actual[i], expected[i])) expect.fail(`${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

/** Channel c has mean ~offset·c (so |μ| ≫ σ for some channels) and spread ~1. */
function values(n: number, channels: number, seed: number, offset: number): Float32Array {
  const rng = new Random(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal() + offset * (i % channels);
  return out;
}

/** Every output of a training forward, both backward modes and an inference forward, as arrays. */
function runAll(k: BatchNormKernels, rows: number, C: number, seed: number, alloc: (n: number) => Float32Array): number[][] {
  const n = rows * C;
  const x = alloc(n);
  x.set(values(n, C, seed, 3));
  const gamma = values(C, C, seed + 1, 0).map((v) => 1 + 0.3 * v);
  const beta = values(C, C, seed + 2, 0);
  const mean = new Float64Array(C);
  const variance = new Float64Array(C);
  const invStd = new Float64Array(C);
  const xhat = alloc(n).fill(7); // every element must be written
  const y = alloc(n).fill(7);
  k.trainingForward(x, rows, C, gamma, beta, 1e-3, mean, variance, invStd, xhat, y);
  const out = [mean, variance, invStd, xhat, y].map((a) => Array.from(a));
  const dy = alloc(n);
  dy.set(values(n, C, seed + 3, 0.1));
  for (const training of [true, false]) {
    const [sumDy, sumDyXhat] = [new Float64Array(C), new Float64Array(C)];
    const [dgamma, dbeta] = [new Float32Array(C), new Float32Array(C)];
    const dx = alloc(n).fill(7);
    k.backward(dy, xhat, rows, C, gamma, invStd, training, sumDy, sumDyXhat, dgamma, dbeta, dx);
    out.push(...[sumDy, sumDyXhat, dgamma, dbeta, dx].map((a) => Array.from(a)));
  }
  const movingMean = values(C, C, seed + 4, 1);
  const movingVariance = values(C, C, seed + 5, 0).map((v) => 0.5 + v * v);
  const [m2, inv2] = [new Float64Array(C), new Float64Array(C)];
  const [xhat2, y2] = [alloc(n).fill(7), alloc(n).fill(7)];
  k.inferenceForward(x, rows, C, gamma, beta, 1e-3, movingMean, movingVariance, m2, inv2, xhat2, y2);
  out.push(...[m2, inv2, xhat2, y2].map((a) => Array.from(a)));
  return out;
}

const heap = (n: number) => new Float32Array(n);

describe.skipIf(!wasmSimdSupported())('WebAssembly SIMD batch normalisation equals the JS definition', () => {
  it('bit for bit, any rows × channels (8-channel body, 4-channel and scalar tails)', () => {
    const wasm = new WasmConvKernels().batchNorm;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 120 }), fc.integer({ min: 1, max: 41 }), fc.integer({ min: 1, max: 1e6 }), (rows, C, seed) => {
        const expected = runAll(jsBatchNormKernels, rows, C, seed, heap);
        runAll(wasm, rows, C, seed, heap).forEach((a, i) => expectSame(a, expected[i], `${rows}×${C}, output ${i}`));
      }),
      { numRuns: 60 },
    );
  });

  it('a NaN in dL/dy spreads the same way (its channel\'s sums and every dx of that channel)', () => {
    const rows = 50;
    const C = 12;
    const run = (k: BatchNormKernels) => {
      const x = values(rows * C, C, 3, 1);
      const [mean, variance, invStd] = [new Float64Array(C), new Float64Array(C), new Float64Array(C)];
      const xhat = new Float32Array(rows * C);
      k.trainingForward(x, rows, C, new Float32Array(C).fill(1), new Float32Array(C), 1e-3, mean, variance, invStd, xhat, new Float32Array(rows * C));
      const dy = values(rows * C, C, 4, 0);
      dy[7 * C + 5] = Number.NaN;
      const dx = new Float32Array(rows * C);
      const [dg, db] = [new Float32Array(C), new Float32Array(C)];
      k.backward(dy, xhat, rows, C, new Float32Array(C).fill(1), invStd, true, new Float64Array(C), new Float64Array(C), dg, db, dx);
      return [dg, db, dx];
    };
    const expected = run(jsBatchNormKernels);
    expect(Number.isNaN(expected[0][5]) && Number.isNaN(expected[2][5])).toBe(true);
    run(new WasmConvKernels().batchNorm).forEach((a, i) => expectSame(a, expected[i], `output ${i}`));
  });

  it('the same bits on 1, 2 and 3 threads (channels split in blocks), on resident operands and copied ones', async () => {
    if (!new WasmKernels({ threads: 1 }).threadsAvailable) return; // no shared memory / workers here: nothing to compare
    // each convolution set computes in its matrix set's memory, on that set's workers (its thread count)
    const sets = [1, 2, 3].map((t) => {
      const matrix = new WasmKernels({ threads: t });
      return { matrix, k: new WasmConvKernels(matrix), resident: (n: number) => matrix.allocate(n) ?? new Float32Array(n) };
    });
    // 37 channels: blocks of 8 and a tail; 1000 rows: large enough to be split
    const [rows, C] = [1000, 37];
    for (const { k, resident } of sets) runAll(k.batchNorm, rows, C, 9, resident); // starts the workers
    for (let i = 0; i < 2000 && sets.some(({ k }) => k.readyWorkers < k.threads - 1); i++) await new Promise((r) => setTimeout(r, 10));
    const expected = runAll(jsBatchNormKernels, rows, C, 9, heap);
    for (const { matrix, k, resident } of sets) {
      expect(k.threads).toBe(matrix.threads);
      expect(k.readyWorkers, `${k.threads} threads: workers ready`).toBe(k.threads - 1);
      runAll(k.batchNorm, rows, C, 9, resident).forEach((a, i) => expectSame(a, expected[i], `${k.threads} threads, resident, output ${i}`));
      runAll(k.batchNorm, rows, C, 9, heap).forEach((a, i) => expectSame(a, expected[i], `${k.threads} threads, copied, output ${i}`));
      matrix.dispose();
      expect(k.readyWorkers, 'disposing the matrix set stops the workers the batch normalisation used').toBe(0);
    }
  });
});

describe('batchNormKernels() follows the active kernels', () => {
  it('WebAssembly with the WebAssembly matrix kernels, JS with the JS ones', () => {
    const before = useKernels('js');
    try {
      expect(batchNormKernels()).toBe(jsBatchNormKernels);
      if (wasmSimdSupported()) {
        useKernels('wasm');
        expect(batchNormKernels()).not.toBe(jsBatchNormKernels);
      }
    } finally {
      setKernels(before);
    }
  });
});
