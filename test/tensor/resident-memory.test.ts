import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random, Tensor, WasmKernels, getKernels, threadsSupported, wasmSimdSupported } from '../../src/index.js';
import { jsElementwise } from '../../src/tensor/kernels/elementwise.js';
import { jsKernels } from '../../src/tensor/kernels/js.js';

/*
 * Resident tensors (src/tensor/kernels/wasm/arena.ts): where the WebAssembly memory is shared, tensors of
 * 4096+ floats live inside it and the kernels use them in place. Proven here: results equal the copying
 * path and the plain-JS kernels for every mix of resident and JS-heap operands (aliasing included); the
 * elementwise passes equal their JS definition bit for bit; views survive memory growth; a collected
 * tensor's block is reused zero-filled.
 */

const resident = wasmSimdSupported() && threadsSupported();

function fill(a: Float32Array, seed: number): Float32Array {
  new Random(seed).fillUniform(a, -1, 1);
  return a;
}

describe.skipIf(!resident)('resident tensors in shared WebAssembly memory', () => {
  const k = new WasmKernels({ threads: 1 });
  const store = (n: number, onHeap: boolean): Float32Array => (onHeap ? new Float32Array(n) : (k.allocate(n) as Float32Array));

  it('hands out zero-filled storage for big tensors only, and recognises it', () => {
    const big = k.allocate(5000) as Float32Array;
    expect(big).toBeInstanceOf(Float32Array);
    expect(big.length).toBe(5000);
    expect(big.every((v) => v === 0)).toBe(true);
    expect(k.isResident(big)).toBe(true);
    expect(k.isResident(new Float32Array(5000))).toBe(false);
    expect(k.allocate(100)).toBeNull(); // small tensors stay on the JS heap
  });

  it('new Tensor allocates big tensors through the active WebAssembly set', () => {
    const active = getKernels();
    if (!(active instanceof WasmKernels)) return; // the js project: nothing resident
    expect(active.isResident(new Tensor([64, 100]).data)).toBe(true);
    expect(active.isResident(new Tensor([2, 3]).data)).toBe(false);
    expect(active.isResident(new Tensor([64, 100]).clone().data)).toBe(true);
  });

  it('products equal the plain-JS kernels for every mix of resident and heap operands', () => {
    const variants = ['matmul', 'matmulTransA', 'matmulTransB'] as const;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 90 }), fc.integer({ min: 1, max: 90 }), fc.integer({ min: 1, max: 90 }),
        fc.constantFrom(...variants), fc.boolean(), fc.boolean(), fc.boolean(), fc.integer(),
        (m, kk, n, variant, aHeap, bHeap, cHeap, seed) => {
          // at least 4096 floats each so that resident storage is possible
          const a = fill(store(Math.max(4096, m * kk), aHeap), seed);
          const b = fill(store(Math.max(4096, kk * n), bHeap), seed + 1);
          const out = store(Math.max(4096, m * n), cHeap);
          const expected = new Float32Array(m * n);
          jsKernels[variant](a, b, expected, m, kk, n);
          k[variant](a, b, out, m, kk, n);
          for (let i = 0; i < m * n; i++) expect(Math.abs(out[i] - expected[i])).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(expected[i])));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a product whose output aliases an input still reads the input before overwriting it', () => {
    const a = fill(k.allocate(64 * 64) as Float32Array, 3);
    const b = fill(k.allocate(64 * 64) as Float32Array, 4);
    const expected = new Float32Array(64 * 64);
    jsKernels.matmul(a, b, expected, 64, 64, 64);
    k.matmul(a, b, a, 64, 64, 64); // out === a
    for (let i = 0; i < expected.length; i++) expect(Math.abs(a[i] - expected[i])).toBeLessThanOrEqual(1e-4);
  });

  it('elementwise passes equal their JS definition bit for bit, resident or not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 70 }), fc.integer(), fc.boolean(),
        (rows, cols, seed, onHeap) => {
          const n = Math.max(4096, rows * cols);
          const x = fill(store(n, onHeap), seed);
          const bias = fill(new Float32Array(cols), seed + 1);
          const got = store(n, onHeap);
          const want = new Float32Array(n);
          k.elementwise.addRowVector(x, bias, got, rows, cols);
          jsElementwise.addRowVector(x, bias, want, rows, cols);
          expect(Array.from(got.subarray(0, rows * cols))).toEqual(Array.from(want.subarray(0, rows * cols)));
          const sums = new Float32Array(cols);
          const wantSums = new Float32Array(cols);
          k.elementwise.sumColumns(x, sums, rows, cols);
          jsElementwise.sumColumns(x, wantSums, rows, cols);
          expect(Array.from(sums)).toEqual(Array.from(wantSums));
        }),
      { numRuns: 60 },
    );
  });

  it('the finiteness scan finds the first NaN or ±Infinity wherever it is', () => {
    const d = k.allocate(5003) as Float32Array;
    expect(k.elementwise.firstNonFinite(d)).toBe(-1);
    for (const at of [0, 1, 63, 64, 4991, 5000, 5002]) {
      for (const bad of [NaN, Infinity, -Infinity]) {
        d.fill(1.5);
        d[at] = bad;
        if (at + 7 < d.length) d[at + 7] = NaN; // a later one does not hide the first
        expect(k.elementwise.firstNonFinite(d)).toBe(at);
        expect(jsElementwise.firstNonFinite(d)).toBe(at);
      }
    }
    d.fill(-0);
    expect(k.elementwise.firstNonFinite(d)).toBe(-1);
  });

  it('views stay valid when the memory grows', () => {
    const kernels = new WasmKernels({ threads: 1 });
    const early = fill(kernels.allocate(8192) as Float32Array, 9);
    const copy = Array.from(early);
    const before = kernels.memoryBytes;
    const big = new Float32Array(2048 * 2048);
    kernels.matmul(big, big, big.slice(), 2048, 2048, 2048 / 2048); // grows the memory for its scratch
    expect(kernels.memoryBytes).toBeGreaterThan(before);
    expect(Array.from(early)).toEqual(copy);
    early[0] = 42;
    expect(early[0]).toBe(42);
  });

  it('a collected tensor gives its block back (after its retained subarrays), and it is handed out again zero-filled', () => {
    // needs --expose-gc: runs in a child process
    const script = fileURLToPath(new URL('./fixtures/arena-reuse.ts', import.meta.url));
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', script], { encoding: 'utf8' });
    expect(JSON.parse(out)).toMatchObject({ reused: true, zeroFilled: true, childKept: true, childReleased: true, bounded: true });
  });
});
