import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/index.js';
import { jsConvKernels, type ConvKernels } from '../../src/tensor/kernels/conv-kernels.js';
import { WasmConvKernels } from '../../src/tensor/kernels/wasm/wasm-conv-kernels.js';
import { wasmSimdSupported } from '../../src/tensor/kernels/wasm/wasm-kernels.js';
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
