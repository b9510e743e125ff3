import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Softmax, Tensor } from '../../src/index.js';
import { checkLayerGradients, randomTensor } from '../helpers/check-gradients.js';
import { expectClose } from '../helpers/close.js';
import { tf, tfReady } from '../helpers/tf.js';

beforeAll(tfReady);

const tfSoftmax = (x: tf.Tensor2D) => tf.softmax(x) as tf.Tensor2D;

/** dL/dx = (diag(s) − s sᵀ) d per row, entirely in float64: the exact answer for float32 inputs. */
function softmaxJvp64(x: Tensor, d: Tensor): Float64Array {
  const [rows, cols] = x.shape;
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const xs = Array.from(x.data.subarray(i * cols, (i + 1) * cols));
    const m = Math.max(...xs);
    const e = xs.map((v) => Math.exp(v - m));
    const z = e.reduce((a, b) => a + b, 0);
    const s = e.map((v) => v / z);
    for (let a = 0; a < cols; a++) {
      let sum = 0;
      for (let b = 0; b < cols; b++) sum += ((a === b ? s[a] : 0) - s[a] * s[b]) * d.data[i * cols + b];
      out[i * cols + a] = sum;
    }
  }
  return out;
}

describe('Softmax', () => {
  it('turns each row into probabilities that sum to 1', () => {
    const y = new Softmax().forward(Tensor.fromArray([[1, 2, 3], [0, 0, 0]]));
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const s = e[0] + e[1] + e[2];
    e.forEach((v, j) => expect(y.get(0, j)).toBeCloseTo(v / s, 6));
    [0, 1, 2].forEach((j) => expect(y.get(1, j)).toBeCloseTo(1 / 3, 6));
  });

  it('is stable for huge logits (no NaN, no Inf)', () => {
    const y = new Softmax().forward(Tensor.fromArray([[1000, -1000, 0], [-1e30, -1e30, -1e30], [88.8, 88.7, -100]]));
    expect(y.data.every(Number.isFinite)).toBe(true);
    expect(y.get(0, 0)).toBe(1);
    expect(y.get(1, 0)).toBeCloseTo(1 / 3, 6);
    for (let i = 0; i < 3; i++) expect(y.get(i, 0) + y.get(i, 1) + y.get(i, 2)).toBeCloseTo(1, 6);
  });

  it('backward is the full Jacobian-vector product, matching finite differences and TensorFlow.js', () => {
    checkLayerGradients(new Softmax(), randomTensor(5, 4, 3, -3, 3), tfSoftmax);
  });

  it('backward equals diag(s) − s sᵀ applied to the gradient, computed explicitly', () => {
    const softmax = new Softmax();
    const s = softmax.forward(Tensor.fromArray([[0.3, -1.2, 2.0]])).data.slice();
    const d = [0.7, -0.4, 1.1];
    const dx = softmax.backward(Tensor.fromArray([d])).data;
    for (let i = 0; i < 3; i++) {
      let expected = 0;
      for (let j = 0; j < 3; j++) expected += ((i === j ? s[i] : 0) - s[i] * s[j]) * d[j];
      expect(dx[i]).toBeCloseTo(expected, 6);
    }
  });

  it('property: random shapes, logits up to ±100, batch of one included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 128 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.double({ min: 0.1, max: 100, noNaN: true }),
        (rows, cols, seed, scale) => {
          const x = randomTensor(rows, cols, seed, -scale, scale);
          const softmax = new Softmax();
          const y = softmax.forward(x);
          expect(y.data.every(Number.isFinite)).toBe(true);
          // (1) Exact reference: the Jacobian product computed in float64 from the same input (the 1e-14
          // floor is double rounding on elements ~1e-12 whose softmax factor has saturated).
          const d = randomTensor(rows, cols, seed + 1);
          const dx = softmax.backward(d).data;
          expectClose(dx, softmaxJvp64(x, d), { rtol: 1e-5, atol: 1e-6, abs: 1e-14 }, 'Softmax dinputs vs float64 Jacobian');
          // (2) Finite differences and TF.js. Once logits spread beyond ~±5 the probabilities saturate:
          // TF.js's own float32 s·(d − d·s) then cancels, leaving an absolute error of ~ulp(1)·|d| ≈ 1.2e-7
          // (|d| ≤ 1 here), and a float32 probability of 1e-40 has no resolvable slope for finite
          // differences, so those two bounds widen there. The float64 check above stays tight.
          const saturated = scale > 5;
          // Softmax is shift-invariant, so its curvature does not shrink for large |x|: keep the step absolute
          // (≤ 0.01) rather than relative to |x|.
          checkLayerGradients(new Softmax(), x, tfSoftmax, {
            gradCheck: { maxElementsPerTensor: 40, epsilon: 0.01 / Math.max(1, scale) },
            ...(saturated ? { fd: { rtol: 1e-3, atol: 1e-3, abs: 1e-5 }, tf: { rtol: 1e-4, atol: 1e-5, abs: 2.4e-7 } } : {}),
          });
        },
      ),
      { numRuns: 25, seed: 2 },
    );
  });

  it('rejects NaN or Infinity in its input', () => {
    expect(() => new Softmax().forward(Tensor.fromArray([[1, Number.POSITIVE_INFINITY]]))).toThrow(
      'Softmax.forward: input: [1, 2] tensor holds Infinity at row 0, column 1',
    );
  });

  it('rejects inputs that are not [batch, classes], instead of normalising the wrong values', () => {
    expect(() => new Softmax().forward(new Tensor([2, 3, 3, 4]))).toThrow(
      'Softmax.forward: expects a 2-D [batch, classes] input, got [2, 3, 3, 4] (put a Flatten before Softmax)',
    );
  });
});
