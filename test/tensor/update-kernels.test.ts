import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsUpdates, type UpdateKernels } from '../../src/tensor/kernels/updates.js';
import { WasmKernels } from '../../src/tensor/kernels/wasm/wasm-kernels.js';
import { wasmSimdSupported } from '../../src/tensor/kernels/wasm/wasm-kernels.js';

/*
 * The WebAssembly SIMD optimizer updates against the plain-JS rules (which the optimizer tests check
 * against hand-computed steps), over random lengths (vector body + scalar tail) and values, for several
 * steps in a row so the state arrays are exercised. Bound: the JS rules compute in float64 and round each
 * result once; the WASM ones compute in float32 — a few float32 ulps per step, so 1e-5 relative after 3
 * steps (plus 1e-7 absolute for values near 0).
 */

type Rule = (k: UpdateKernels, w: Float32Array, g: Float32Array, s: Float32Array[]) => void;

const RULES: Record<string, { slots: number; apply: Rule }> = {
  sgd: { slots: 0, apply: (k, w, g) => k.sgd(w, g, 0.05) },
  sgdMomentum: { slots: 1, apply: (k, w, g, s) => k.sgdMomentum(w, g, s[0], 0.9, 0.05) },
  adagrad: { slots: 1, apply: (k, w, g, s) => k.scaledByCache(w, g, s[0], 1, 1, 0.1, 1e-7) },
  rmsprop: { slots: 1, apply: (k, w, g, s) => k.scaledByCache(w, g, s[0], 0.9, 1 - 0.9, 0.01, 1e-7) },
  adam: { slots: 2, apply: (k, w, g, s) => k.adam(w, g, s[0], s[1], 0.9, 0.999, 0.001 / (1 - 0.9), 1 / (1 - 0.999), 1e-7) },
};

function expectClose(actual: Float32Array, expected: Float32Array, what: string): void {
  for (let i = 0; i < expected.length; i++) {
    const tol = 1e-5 * Math.abs(expected[i]) + 1e-7;
    expect(Math.abs(actual[i] - expected[i]), `${what}[${i}]: ${actual[i]} vs ${expected[i]}`).toBeLessThanOrEqual(tol);
  }
}

describe.skipIf(!wasmSimdSupported())('WebAssembly SIMD optimizer updates', () => {
  const wasm = new WasmKernels({ threads: 1 }).updates;
  const values = (n: number) => fc.array(fc.float({ min: -4, max: 4, noNaN: true, noDefaultInfinity: true }), { minLength: n, maxLength: n });

  for (const [name, rule] of Object.entries(RULES)) {
    it(`${name}: equals the JS rule over 3 steps, any length and values`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 41 }).chain((n) => fc.tuple(values(n), values(n), values(n))),
          ([w0, g0, g1]) => {
            const n = w0.length;
            const jw = Float32Array.from(w0);
            const ww = Float32Array.from(w0);
            const js = Array.from({ length: rule.slots }, () => new Float32Array(n));
            const ws = Array.from({ length: rule.slots }, () => new Float32Array(n));
            for (const g of [g0, g1, g0]) {
              const grad = Float32Array.from(g);
              rule.apply(jsUpdates, jw, grad, js);
              rule.apply(wasm, ww, grad, ws);
            }
            expectClose(ww, jw, 'w');
            js.forEach((s, i) => expectClose(ws[i], s, `slot ${i}`));
          },
        ),
        { numRuns: 60 },
      );
    });
  }

  it('a large parameter grows the module memory and still matches (and a small one after it)', () => {
    for (const n of [300_001, 7]) {
      const w = new Float32Array(n).map((_, i) => Math.sin(i));
      const g = new Float32Array(n).map((_, i) => Math.cos(i));
      const jw = w.slice();
      const m1 = new Float32Array(n), c1 = new Float32Array(n), m2 = new Float32Array(n), c2 = new Float32Array(n);
      RULES.adam.apply(jsUpdates, jw, g, [m1, c1]);
      RULES.adam.apply(wasm, w, g, [m2, c2]);
      expectClose(w, jw, 'w');
      expectClose(c2, c1, 'cache');
    }
  });

  it('a step with lr = 0 leaves the parameters exactly as they were', () => {
    const w = Float32Array.from([1.5, -2.25, 3, 0.125, 7]);
    const before = w.slice();
    wasm.adam(w, Float32Array.from([1, 2, 3, 4, 5]), new Float32Array(5), new Float32Array(5), 0.9, 0.999, 0, 1000, 1e-7);
    expect(Array.from(w)).toEqual(Array.from(before));
  });
});

describe.skipIf(!wasmSimdSupported())('Adam with a fused checkpoint (backup)', () => {
  it('writes the old w, m, c aside and updates exactly as without, resident or not, on 1 and 2 threads', async () => {
    for (const threads of [1, 2]) {
      const k = new WasmKernels({ threads });
      for (const [n, resident] of [[70001, true], [5003, true], [37, false]] as const) {
        const make = (seed: number, nonNegative = false): Float32Array => {
          const a = (resident ? k.allocate(n) : null) ?? new Float32Array(n);
          for (let i = 0; i < n; i++) a[i] = nonNegative ? ((i * seed) % 97) / 97 : Math.sin(i * seed);
          return a;
        };
        const [w, g, m, c] = [make(1), make(2), make(3), make(4, true)];
        const [w2, m2, c2] = [w.slice(), m.slice(), c.slice()];
        const backup = [make(5), make(6), make(7)] as [Float32Array, Float32Array, Float32Array];
        const [oldW, oldM, oldC] = [w.slice(), m.slice(), c.slice()];
        for (let wait = 0; wait < 50 && k.readyWorkers < threads - 1; wait++) {
          k.matmul(new Float32Array(256 * 256), new Float32Array(256 * 256), new Float32Array(256 * 256), 256, 256, 256);
          await new Promise((r) => setTimeout(r, 10));
        }
        k.updates.adam(w, g, m, c, 0.9, 0.999, 0.01, 1.5, 1e-7, backup);
        k.updates.adam(w2, g, m2, c2, 0.9, 0.999, 0.01, 1.5, 1e-7);
        expect(Array.from(backup[0])).toEqual(Array.from(oldW));
        expect(Array.from(backup[1])).toEqual(Array.from(oldM));
        expect(Array.from(backup[2])).toEqual(Array.from(oldC));
        expect(Array.from(w)).toEqual(Array.from(w2));
        expect(Array.from(m)).toEqual(Array.from(m2));
        expect(Array.from(c)).toEqual(Array.from(c2));
      }
      k.dispose();
    }
  });
});
