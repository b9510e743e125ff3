import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/index.js';
import { jsConvKernels, type ConvKernels } from '../../src/tensor/kernels/conv-kernels.js';
import { WasmConvKernels } from '../../src/tensor/kernels/wasm/wasm-conv-kernels.js';
import { WasmKernels, wasmSimdSupported } from '../../src/tensor/kernels/wasm/wasm-kernels.js';
import { windowGeometry, type Padding, type WindowGeometry } from '../../src/tensor/window-geometry.js';

/*
 * The WebAssembly SIMD convolution kernels (conv.wat) against the plain-JS ones, which the layer tests
 * check against finite differences and TensorFlow.js. They only copy, add in the same order, compare and
 * mask, so they must agree bit for bit (NaN with NaN) — over random window geometries (kernel 1–4, stride
 * 1–3, both paddings, odd sizes, channel counts that are and are not multiples of 4: the SIMD body and
 * its scalar tail) and values that include ties, zeros, NaN and ±∞.
 */

/** Same bits, except that any NaN equals any NaN (wasm may canonicalise NaN payloads). */
function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (Number.isNaN(expected[i]) && Number.isNaN(actual[i])) continue;
    if (!Object.is(actual[i], expected[i])) expect.fail(`${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

/** Values with many exact ties (a few small integers), signed zeros and, optionally, non-finite ones. */
function values(n: number, seed: number, special: boolean): Float32Array {
  const rng = new Random(seed);
  const out = new Float32Array(n);
  const odd = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0];
  for (let i = 0; i < n; i++) {
    const r = rng.uniform();
    out[i] = special && r < 0.03 ? odd[rng.int(odd.length)] : r < 0.3 ? rng.int(5) - 2 : rng.normal();
  }
  return out;
}

const geometryArb = fc
  .record({
    batch: fc.integer({ min: 1, max: 3 }),
    h: fc.integer({ min: 1, max: 9 }),
    w: fc.integer({ min: 1, max: 9 }),
    c: fc.integer({ min: 1, max: 9 }),
    kh: fc.integer({ min: 1, max: 4 }),
    kw: fc.integer({ min: 1, max: 4 }),
    sy: fc.integer({ min: 1, max: 3 }),
    sx: fc.integer({ min: 1, max: 3 }),
    padding: fc.constantFrom<Padding>('valid', 'same'),
    seed: fc.integer({ min: 1, max: 1_000_000 }),
  })
  .filter((p) => p.padding === 'same' || (p.h >= p.kh && p.w >= p.kw));

function geometry(p: { batch: number; h: number; w: number; c: number; kh: number; kw: number; sy: number; sx: number; padding: Padding }): WindowGeometry {
  return windowGeometry('test', 'window', [p.batch, p.h, p.w, p.c], [p.kh, p.kw], [p.sy, p.sx], p.padding);
}

const inSize = (g: WindowGeometry) => g.batch * g.inHeight * g.inWidth * g.channels;
const outPixels = (g: WindowGeometry) => g.batch * g.outHeight * g.outWidth;

describe.skipIf(!wasmSimdSupported())('WebAssembly SIMD convolution kernels equal the JS ones', () => {
  const wasm: ConvKernels = new WasmConvKernels();
  const js = jsConvKernels;

  it('im2col (with and without the ones column) and col2im', () => {
    fc.assert(
      fc.property(geometryArb, fc.boolean(), (p, ones) => {
        const g = geometry(p);
        const x = values(inSize(g), p.seed, true);
        const width = g.windowHeight * g.windowWidth * g.channels;
        const cols = (w: number) => new Float32Array(outPixels(g) * w).fill(7); // every element must be written
        const [a, b] = [cols(width + (ones ? 1 : 0)), cols(width + (ones ? 1 : 0))];
        wasm.im2col(x, g, a, ones);
        js.im2col(x, g, b, ones);
        expectSame(a, b, 'im2col');
        const d = values(outPixels(g) * width, p.seed + 1, false);
        const [dxa, dxb] = [new Float32Array(inSize(g)).fill(7), new Float32Array(inSize(g)).fill(7)];
        wasm.col2im(d, g, dxa);
        js.col2im(d, g, dxb);
        expectSame(dxa, dxb, 'col2im');
      }),
      { numRuns: 150 },
    );
  });

  it('max pooling forward (values and winners, ties and NaN) and backward', () => {
    fc.assert(
      fc.property(geometryArb, (p) => {
        const g = geometry(p);
        const x = values(inSize(g), p.seed, true);
        const n = outPixels(g) * g.channels;
        const [ya, yb] = [new Float32Array(n), new Float32Array(n)];
        const [aa, ab] = [new Int32Array(n), new Int32Array(n)];
        wasm.maxPoolForward(x, g, ya, aa);
        js.maxPoolForward(x, g, yb, ab);
        expectSame(ya, yb, 'y');
        expectSame(aa, ab, 'argmax');
        const dy = values(n, p.seed + 1, false);
        const [dxa, dxb] = [new Float32Array(inSize(g)).fill(7), new Float32Array(inSize(g)).fill(7)];
        wasm.maxPoolBackward(dy, ab, n, dxa, inSize(g));
        js.maxPoolBackward(dy, ab, n, dxb, inSize(g));
        expectSame(dxa, dxb, 'dx');
      }),
      { numRuns: 150 },
    );
  });

  it('ReLU forward (NaN stays, −∞ becomes NaN, −0 becomes +0) and backward, any length', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 1, max: 1_000_000 }), (n, seed) => {
        const x = values(n, seed, true);
        const dy = values(n, seed + 1, true);
        const [ya, yb] = [new Float32Array(n), new Float32Array(n)];
        wasm.relu(x, ya, n);
        js.relu(x, yb, n);
        expectSame(ya, yb, 'relu');
        const [da, db] = [new Float32Array(n), new Float32Array(n)];
        wasm.reluBackward(dy, x, da, n);
        js.reluBackward(dy, x, db, n);
        expectSame(da, db, 'reluBackward');
      }),
      { numRuns: 200 },
    );
  });

  it('ReLU in place (y is x)', () => {
    const x = Float32Array.from([-2, -0, 0, 3, Number.NEGATIVE_INFINITY, 5]);
    wasm.relu(x, x, x.length);
    expectSame(x, [0, 0, 0, 3, Number.NaN, 5], 'relu in place');
  });
});

/*
 * The direct convolution kernels (no im2col matrix) against the im2col definition, products summed in
 * float64: they sum in another order in float32, so the bound is relative to Σ|terms| (float32 rounding
 * of a sum of ≤ 300 terms stays far below 1e-5 of it).
 */
describe.skipIf(!wasmSimdSupported())('WebAssembly direct convolution', () => {
  const direct = (new WasmConvKernels() as ConvKernels).direct!;

  // the window arbitrary above with 'valid' windows and a filter count the direct kernels take
  const directArb = fc.tuple(geometryArb, fc.constantFrom(8, 16, 24)).map(([p, filters]) => ({ ...p, filters })).filter((p) => p.h >= p.kh && p.w >= p.kw);

  /** out[i, j] = Σ_p a[i, p] · b[p, j] in float64, and the matching Σ|terms| for the bound. */
  function product(a: (i: number, p: number) => number, b: (p: number, j: number) => number, m: number, k: number, n: number) {
    const value = new Float64Array(m * n);
    const scale = new Float64Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        let t = 0;
        for (let p = 0; p < k; p++) {
          const v = a(i, p) * b(p, j);
          s += v;
          t += Math.abs(v);
        }
        value[i * n + j] = s;
        scale[i * n + j] = t;
      }
    }
    return { value, scale };
  }

  function expectNear(actual: Float32Array, expected: { value: Float64Array; scale: Float64Array }, what: string): void {
    expect(actual.length, what).toBe(expected.value.length);
    for (let i = 0; i < actual.length; i++) {
      const bound = 1e-5 * expected.scale[i] + 1e-30;
      if (!(Math.abs(actual[i] - expected.value[i]) <= bound)) expect.fail(`${what}[${i}]: ${actual[i]} vs ${expected.value[i]} (bound ${bound})`);
    }
  }

  it('forward = [im2col(x) 1] · [W̃; b] and [dW̃; db] = [im2col(x) 1]ᵀ · G, any valid geometry', () => {
    fc.assert(
      fc.property(directArb, (p) => {
        const g = geometry({ ...p, padding: 'valid' });
        const F = p.filters;
        const K = p.kh * p.kw * p.c;
        const M = outPixels(g);
        const x = values(inSize(g), p.seed, false);
        const wb = values((K + 1) * F, p.seed + 1, false);
        const cols = new Float32Array(M * (K + 1));
        jsConvKernels.im2col(x, g, cols, true);
        const y = new Float32Array(M * F).fill(7);
        direct.forward(x, g, wb.subarray(0, K * F), wb.subarray(K * F), y, F);
        expectNear(y, product((i, q) => cols[i * (K + 1) + q], (q, j) => wb[q * F + j], M, K + 1, F), 'y');
        const dy = values(M * F, p.seed + 2, false);
        const dwb = new Float32Array((K + 1) * F).fill(7);
        direct.backward(x, g, dy, null, wb.subarray(0, K * F), dwb, null, F);
        expectNear(dwb, product((i, q) => cols[q * (K + 1) + i], (q, j) => dy[q * F + j], K + 1, M, F), 'dW, db');
      }),
      { numRuns: 120 },
    );
  });

  it('backward input = col2im(G · W̃ᵀ), any valid geometry with kw·C a multiple of 8', () => {
    fc.assert(
      fc.property(directArb, fc.constantFrom(8, 16, 4, 2), (p, c) => {
        const channels = (p.kw * c) % 8 === 0 ? c : 8;
        const g = windowGeometry('test', 'kernel', [p.batch, p.h, p.w, channels], [p.kh, p.kw], [p.sy, p.sx], 'valid');
        const F = p.filters;
        const K = p.kh * p.kw * channels;
        const M = outPixels(g);
        const w = values(K * F, p.seed + 1, false);
        const dy = values(M * F, p.seed + 2, false);
        const dx = new Float32Array(inSize(g)).fill(7);
        direct.backward(values(inSize(g), p.seed, false), g, dy, null, w, new Float32Array((K + 1) * F), dx, F);
        // reference: dX̃ = G · W̃ᵀ in float64, then col2im of the values and of the |terms| bound alike
        const dcols = product((i, f) => dy[i * F + f], (f, t) => w[t * F + f], M, F, K);
        const [value, scale] = [new Float32Array(inSize(g)), new Float32Array(inSize(g))];
        jsConvKernels.col2im(Float32Array.from(dcols.value), g, value);
        jsConvKernels.col2im(Float32Array.from(dcols.scale), g, scale);
        expectNear(dx, { value: Float64Array.from(value), scale: Float64Array.from(scale, (s) => 2 * s) }, 'dx');
      }),
      { numRuns: 120 },
    );
  });
});

describe.skipIf(!wasmSimdSupported())('WebAssembly direct convolution backward with the fused ReLU', () => {
  it('masking G by a > 0 inside the call equals masking it first (same bits)', () => {
    const k = new WasmConvKernels();
    const g = windowGeometry('test', 'kernel', [3, 7, 6, 8], [3, 3], [1, 1], 'valid');
    const F = 8;
    const K = 9 * 8;
    const x = values(inSize(g), 11, false);
    const w = values(K * F, 12, false);
    const dy = values(outPixels(g) * F, 13, false);
    const a = values(outPixels(g) * F, 14, false).map((v) => Math.max(0, v)); // a ReLU output: zeros and positives
    const masked = dy.map((v, i) => v * +(a[i] > 0));
    const run = (grad: Float32Array, activated: Float32Array | null) => {
      const dwb = new Float32Array((K + 1) * F);
      const dx = new Float32Array(inSize(g));
      k.direct.backward(x, g, grad, activated, w, dwb, dx, F);
      return [dwb, dx];
    };
    const fused = run(dy, a);
    run(masked, null).forEach((expected, i) => expectSame(fused[i], expected, `output ${i}`));
    expect(masked.some((v, i) => v !== dy[i])).toBe(true); // the mask did something
  });
});

describe.skipIf(!wasmSimdSupported())('WebAssembly direct convolution on worker threads', () => {
  it('gives the same bits with 1, 2 and 3 threads (images split across threads; dL/dW summed by fixed groups), max pooling too', async () => {
    const one = new WasmConvKernels();
    const many = [2, 3].map((n) => {
      const k = new WasmConvKernels();
      k.setThreads(n);
      return k;
    });
    if (many[0].threads === 1) return; // no shared memory / workers here: nothing to compare
    const g = windowGeometry('test', 'kernel', [7, 9, 8, 8], [3, 2], [1, 2], 'valid');
    const F = 16;
    const K = 3 * 2 * 8;
    const x = values(inSize(g), 1, false);
    const w = values(K * F, 2, false);
    const b = values(F, 3, false);
    const dy = values(outPixels(g) * F, 4, false);
    const pool = windowGeometry('test', 'pool window', [7, 9, 8, 8], [2, 2], [2, 2], 'same');
    const pooled = outPixels(pool) * 8;
    const dyPool = values(pooled, 5, false);
    const run = (k: WasmConvKernels) => {
      const y = new Float32Array(outPixels(g) * F);
      const dwb = new Float32Array((K + 1) * F);
      const dx = new Float32Array(inSize(g));
      k.direct.forward(x, g, w, b, y, F);
      k.direct.backward(x, g, dy, null, w, dwb, dx, F);
      const py = new Float32Array(pooled);
      const winners = new Int32Array(pooled);
      const pdx = new Float32Array(inSize(pool)).fill(7);
      k.maxPoolForward(x, pool, py, winners);
      k.maxPoolBackward(dyPool, winners, pooled, pdx, inSize(pool), pool.batch);
      return [y, dwb, dx, py, winners, pdx];
    };
    for (const k of many) run(k); // starts the workers
    for (let i = 0; i < 2000 && many.some((k) => k.readyWorkers < k.threads - 1); i++) await new Promise((r) => setTimeout(r, 10));
    const expected = run(one);
    for (const k of many) {
      expect(k.readyWorkers, `${k.threads} threads: workers ready`).toBe(k.threads - 1);
      run(k).forEach((a, i) => expectSame(a, expected[i], `${k.threads} threads, output ${i}`));
      k.dispose();
    }
  });
});

describe.skipIf(!wasmSimdSupported())('WebAssembly convolution kernels on resident tensors', () => {
  it("computing in the matrix kernels' memory, on operands that live there (no copies), gives the same bits", () => {
    const matrix = new WasmKernels({ threads: 1 });
    if (!matrix.threadsAvailable) return; // no shared memory here: nothing is resident
    const inPlace = new WasmConvKernels(matrix);
    const copying = new WasmConvKernels();
    // arrays of 4096+ floats get resident storage (smaller ones stay on the JS heap: a mix, as in a model)
    const resident = (a: Float32Array): Float32Array => {
      const r = matrix.allocate(a.length);
      if (r === null) return a.slice();
      r.set(a);
      return r;
    };
    const g = windowGeometry('test', 'kernel', [3, 12, 11, 32], [3, 3], [1, 1], 'valid');
    const F = 16;
    const K = 9 * 32;
    const M = outPixels(g);
    const x = values(inSize(g), 21, false);
    const w = values(K * F, 22, false);
    const b = values(F, 23, false);
    const dy = values(M * F, 24, false);
    const a = values(M * F, 25, false).map((v) => Math.max(0, v));
    const run = (k: WasmConvKernels, wrap: (a: Float32Array) => Float32Array) => {
      const [xr, dyr, ar] = [wrap(x), wrap(dy), wrap(a)];
      const y = wrap(new Float32Array(M * F));
      const dx = wrap(new Float32Array(inSize(g)));
      const dwb = wrap(new Float32Array((K + 1) * F));
      k.direct.forward(xr, g, w, b, y, F, true);
      k.direct.backward(xr, g, dyr, ar, w, dwb, dx, F);
      const cols = wrap(new Float32Array(M * (K + 1)));
      k.im2col(xr, g, cols, true);
      const back = wrap(new Float32Array(inSize(g)));
      k.col2im(cols.subarray(0, M * K), g, back);
      const r = wrap(new Float32Array(M * F));
      k.relu(dyr, r, M * F);
      const rb = wrap(new Float32Array(M * F));
      k.reluBackward(dyr, ar, rb, M * F);
      const pool = windowGeometry('test', 'pool window', [3, 12, 11, 32], [2, 2], [2, 2], 'valid');
      const py = wrap(new Float32Array(outPixels(pool) * 32));
      const winners = new Int32Array(py.length);
      k.maxPoolForward(xr, pool, py, winners);
      const pdx = wrap(new Float32Array(inSize(pool)));
      k.maxPoolBackward(py, winners, py.length, pdx, inSize(pool), pool.batch);
      return [y, dx, dwb, cols, back, r, rb, py, winners, pdx].map((t) => Array.from(t));
    };
    const expected = run(copying, (t) => t);
    const actual = run(inPlace, resident);
    actual.forEach((v, i) => expectSame(v, expected[i], `output ${i}`));
    expect(matrix.isResident(resident(x))).toBe(true);
    matrix.dispose();
  });
});
