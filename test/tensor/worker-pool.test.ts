import { describe, expect, it } from 'vitest';
import { Random, WasmKernels, threadsSupported, wasmSimdSupported } from '../../src/index.js';
import { WasmConvKernels } from '../../src/tensor/kernels/wasm/wasm-conv-kernels.js';
import { windowGeometry, type WindowGeometry } from '../../src/tensor/window-geometry.js';

/*
 * One worker pool per shared memory: a WebAssembly matrix set's workers run its products, its Adam
 * updates and the jobs of the convolution set computing in its memory (conv.wat calls) — one thread
 * count, one set of workers. Jobs of all kinds interleaved on that pool give the bits of one thread; a
 * worker that stops has its convolution shares done by the caller; a standalone convolution set (own
 * memory) still has a pool of its own.
 */

const inSize = (g: WindowGeometry) => g.batch * g.inHeight * g.inWidth * g.channels;
const outPixels = (g: WindowGeometry) => g.batch * g.outHeight * g.outWidth;

function randomArray(length: number, seed: number): Float32Array {
  const a = new Float32Array(length);
  new Random(seed).fillUniform(a, -1, 1);
  return a;
}

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
}

/** The running pool's worker handles (private: the test stops one from outside, as a host tearing threads down would). */
function workerHandles(k: WasmKernels): { terminate(): Promise<number> }[] {
  return (k.workerPool as unknown as { pool: { handles: { terminate(): Promise<number> }[] } }).pool.handles;
}

// a direct convolution (no padding, filters a multiple of 8) and a max pooling over a batch of 7 images
const conv = windowGeometry('test', 'kernel', [7, 9, 8, 8], [3, 2], [1, 2], 'valid');
const pool = windowGeometry('test', 'pool window', [7, 9, 8, 8], [2, 2], [2, 2], 'same');
const F = 16;
const K = 3 * 2 * 8;

/** Convolution jobs (forward, backward, max pooling) of a set, every output as an array. */
function convolutionJobs(k: WasmConvKernels): number[][] {
  const x = randomArray(inSize(conv), 1);
  const w = randomArray(K * F, 2);
  const y = new Float32Array(outPixels(conv) * F);
  const dwb = new Float32Array((K + 1) * F);
  const dx = new Float32Array(inSize(conv));
  k.direct.forward(x, conv, w, randomArray(F, 3), y, F);
  k.direct.backward(x, conv, randomArray(y.length, 4), null, w, dwb, dx, F);
  const pooled = new Float32Array(outPixels(pool) * 8);
  const winners = new Int32Array(pooled.length);
  const pdx = new Float32Array(inSize(pool));
  k.maxPoolForward(x, pool, pooled, winners);
  k.maxPoolBackward(randomArray(pooled.length, 5), winners, pooled.length, pdx, inSize(pool), pool.batch);
  return [y, dwb, dx, pooled, winners, pdx].map((a) => Array.from(a));
}

/** Batch normalisation large enough to be split by channel blocks (1000 rows × 37 channels). */
function batchNormJobs(k: WasmConvKernels): number[][] {
  const [rows, C] = [1000, 37];
  const x = randomArray(rows * C, 6);
  const [mean, variance, invStd] = [new Float64Array(C), new Float64Array(C), new Float64Array(C)];
  const [xhat, y, dx] = [new Float32Array(rows * C), new Float32Array(rows * C), new Float32Array(rows * C)];
  const gamma = randomArray(C, 7);
  k.batchNorm.trainingForward(x, rows, C, gamma, randomArray(C, 8), 1e-3, mean, variance, invStd, xhat, y);
  const [sumDy, sumDyXhat, dgamma, dbeta] = [new Float64Array(C), new Float64Array(C), new Float32Array(C), new Float32Array(C)];
  k.batchNorm.backward(randomArray(rows * C, 9), xhat, rows, C, gamma, invStd, true, sumDy, sumDyXhat, dgamma, dbeta, dx);
  return [mean, variance, xhat, y, dgamma, dbeta, dx].map((a) => Array.from(a));
}

/** A product big enough to be split, then three Adam steps on 65 536+ resident elements (split too). */
function matrixJobs(k: WasmKernels, seed: number): number[][] {
  const [m, kk, n] = [200, 150, 120];
  const out = new Float32Array(m * n);
  k.matmul(randomArray(m * kk, seed), randomArray(kk * n, seed + 1), out, m, kk, n);
  const size = 70001;
  const [w, g, mom, cache] = [0, 1, 2, 3].map((i) => {
    const a = k.allocate(size) as Float32Array;
    a.set(randomArray(size, seed + 2 + i).map((v) => (i === 3 ? Math.abs(v) : v)));
    return a;
  });
  for (let step = 1; step <= 3; step++) k.updates.adam(w, g, mom, cache, 0.9, 0.999, 0.01 / (1 - 0.9 ** step), 1 / (1 - 0.999 ** step), 1e-7);
  return [out, w, mom, cache].map((a) => Array.from(a));
}

/** Products, updates and convolution jobs interleaved, every output in order. */
function interleaved(k: WasmKernels, c: WasmConvKernels): number[][] {
  return [...matrixJobs(k, 10), ...convolutionJobs(c), ...matrixJobs(k, 20), ...batchNormJobs(c), ...convolutionJobs(c), ...matrixJobs(k, 30)];
}

function expectSameBits(actual: number[][], expected: number[][], what: string): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    let differing = 0;
    for (let j = 0; j < a.length; j++) if (!Object.is(a[j], expected[i][j]) && !(Number.isNaN(a[j]) && Number.isNaN(expected[i][j]))) differing++;
    expect(differing, `${what}, output ${i}: elements differing from one thread`).toBe(0);
  });
}

describe.skipIf(!wasmSimdSupported() || !threadsSupported())('one worker pool for products, updates and convolutions', () => {
  it("a convolution set in a matrix set's memory runs on that set's workers, with its thread count", async () => {
    const matrix = new WasmKernels({ threads: 2 });
    const c = new WasmConvKernels(matrix);
    expect(c.threads).toBe(2);
    expect(c.readyWorkers).toBe(0); // nothing started yet
    // start the workers with products only: the convolution set sees them ready (no pool of its own)
    const a = new Float32Array(128 * 128);
    for (let i = 0; i < 500 && matrix.readyWorkers < 1; i++) {
      matrix.matmul(a, a, new Float32Array(128 * 128), 128, 128, 128);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(matrix.readyWorkers).toBe(1);
    expect(c.readyWorkers).toBe(1);
    // one count for both: set on either, seen by both; 1 stops the shared workers
    matrix.setThreads(3);
    expect(c.threads).toBe(3);
    c.setThreads(1);
    expect(matrix.threads).toBe(1);
    expect(matrix.readyWorkers).toBe(0);
    expect(() => c.setThreads(0)).toThrow(/positive integer, got 0/);
    expect(() => c.setThreads(33)).toThrow(new RangeError('WasmConvKernels.setThreads: at most 32 threads, got 33'));
    matrix.dispose();
  });

  it('products, Adam updates, convolutions, max pooling and batch normalisation interleaved give the bits of one thread', async () => {
    const one = new WasmKernels({ threads: 1 });
    const expected = interleaved(one, new WasmConvKernels(one));
    for (const threads of [2, 3]) {
      const matrix = new WasmKernels({ threads });
      const c = new WasmConvKernels(matrix);
      interleaved(matrix, c); // starts the workers
      await until(() => matrix.readyWorkers === threads - 1);
      expect(matrix.readyWorkers).toBe(threads - 1);
      expectSameBits(interleaved(matrix, c), expected, `${threads} threads`);
      matrix.dispose();
    }
  });

  it('a worker that stops takes no more convolution shares: the caller computes them, same bits', async () => {
    const one = new WasmKernels({ threads: 1 });
    const expected = [...convolutionJobs(new WasmConvKernels(one)), ...batchNormJobs(new WasmConvKernels(one))];
    const matrix = new WasmKernels({ threads: 2 });
    const c = new WasmConvKernels(matrix);
    convolutionJobs(c); // starts the worker
    await until(() => c.readyWorkers === 1);
    expect(c.readyWorkers).toBe(1);
    await workerHandles(matrix)[0].terminate();
    await until(() => c.readyWorkers === 0);
    expect(c.readyWorkers).toBe(0);
    expectSameBits([...convolutionJobs(c), ...batchNormJobs(c)], expected, 'worker stopped');
    matrix.dispose();
  });

  it('a standalone convolution set (own memory) has a pool of its own: threaded, same bits', async () => {
    const expected = [...convolutionJobs(new WasmConvKernels()), ...batchNormJobs(new WasmConvKernels())];
    const c = new WasmConvKernels();
    expect(c.threads).toBe(1); // one thread until asked
    c.setThreads(2);
    convolutionJobs(c);
    await until(() => c.readyWorkers === 1);
    expect(c.readyWorkers).toBe(1);
    expectSameBits([...convolutionJobs(c), ...batchNormJobs(c)], expected, 'standalone, 2 threads');
    c.setThreads(1);
    expect(c.readyWorkers).toBe(0);
  });
});
