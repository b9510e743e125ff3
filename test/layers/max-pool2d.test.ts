import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { MaxPool2D, Random, Tensor, type Padding } from '../../src/index.js';
import { checkLayerGradients } from '../helpers/check-gradients.js';
import { tf, tfReady } from '../helpers/tf.js';

beforeAll(tfReady);

const tfMaxPool = (size: [number, number], strides: [number, number], padding: Padding) => (x: tf.Tensor4D) =>
  tf.maxPool(x, size, strides, padding);

/**
 * An input whose values are distinct and at least 3e-3 apart (a shuffled, scaled 0, 1, 2, …), so no window
 * has a near-tie: a finite-difference step (1e-4 · max(1, |v|) ≤ 3e-4) never changes which element wins.
 */
function distinctInput(shape: number[], seed: number): Tensor {
  const t = new Tensor(shape);
  const order = Array.from({ length: t.size }, (_, i) => i);
  const rng = new Random(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  order.forEach((v, i) => (t.data[i] = (v - t.size / 2) * 3e-3));
  return t;
}

const FD_STEP = { epsilon: 1e-4 };

describe('MaxPool2D', () => {
  it('takes the maximum of each 2×2 window per channel', () => {
    // 1 image 4×4, 2 channels: channel 0 holds 0..15, channel 1 holds −(0..15)
    const x = new Tensor([1, 4, 4, 2]);
    for (let i = 0; i < 16; i++) {
      x.data[2 * i] = i;
      x.data[2 * i + 1] = i === 0 ? 0 : -i;
    }
    const y = new MaxPool2D().forward(x);
    expect(y.shape).toEqual([1, 2, 2, 2]);
    expect(Array.from(y.data)).toEqual([5, 0, 7, -2, 13, -8, 15, -10]);
  });

  it('ties: the first maximum in window order (top row first, left to right) gets the whole gradient, as in TensorFlow.js', () => {
    // one 2×2 window of equal values, and one whose maximum 3 appears at (0, 1) and (1, 0)
    const x = new Tensor([1, 2, 4, 1], Float32Array.from([1, 1, 0, 3, 1, 1, 3, 2]));
    const layer = new MaxPool2D();
    layer.forward(x);
    const dx = layer.backward(new Tensor([1, 1, 2, 1], Float32Array.from([10, 20])));
    expect(Array.from(dx.data)).toEqual([10, 0, 0, 20, 0, 0, 0, 0]);
    const tfDx = tf.tidy(() =>
      tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid'), tf.tensor4d([10, 20], [1, 1, 2, 1]))))(
        tf.tensor4d(x.data, [1, 2, 4, 1]),
      ).dataSync(),
    );
    expect(Array.from(dx.data)).toEqual(Array.from(tfDx));
  });

  it('a NaN in a window makes that output NaN, wherever it sits (it is never hidden by a larger value)', () => {
    for (let at = 0; at < 4; at++) {
      const values = [1, 5, 2, 3];
      values[at] = Number.NaN;
      const y = new MaxPool2D().forward(new Tensor([1, 2, 2, 1], Float32Array.from(values)));
      expect(Number.isNaN(y.data[0]), `NaN at ${at}`).toBe(true);
    }
  });

  it('overlapping windows (stride < size) add up their gradients at a shared winner', () => {
    // 1×3 input [0, 5, 0], 1×2 windows with stride 1: 5 wins both
    const layer = new MaxPool2D({ poolSize: [1, 2], strides: 1 });
    layer.forward(new Tensor([1, 1, 3, 1], Float32Array.from([0, 5, 0])));
    expect(Array.from(layer.backward(new Tensor([1, 1, 2, 1], Float32Array.from([1, 2]))).data)).toEqual([0, 3, 0]);
  });

  it("'same' padding never lets the padding win, even when every real value is negative", () => {
    const x = new Tensor([1, 3, 3, 1], Float32Array.from([-9, -8, -7, -6, -5, -4, -3, -2, -1]));
    const y = new MaxPool2D({ padding: 'same' }).forward(x);
    expect(y.shape).toEqual([1, 2, 2, 1]);
    expect(Array.from(y.data)).toEqual([-5, -4, -2, -1]);
  });

  it('backward matches finite differences and TensorFlow.js', () => {
    checkLayerGradients(new MaxPool2D({ poolSize: 3, strides: 2, padding: 'same' }), distinctInput([2, 7, 6, 3], 1), tfMaxPool([3, 3], [2, 2], 'same'), {
      gradCheck: FD_STEP,
    });
  });

  it('property: forward and backward agree with TensorFlow.js and finite differences over window sizes, strides, paddings and shapes', () => {
    const arbitrary = fc
      .record({
        ph: fc.integer({ min: 1, max: 5 }),
        pw: fc.integer({ min: 1, max: 5 }),
        sy: fc.integer({ min: 1, max: 3 }),
        sx: fc.integer({ min: 1, max: 3 }),
        padding: fc.constantFrom<Padding>('valid', 'same'),
        extraH: fc.integer({ min: 0, max: 6 }),
        extraW: fc.integer({ min: 0, max: 6 }),
        channels: fc.integer({ min: 1, max: 4 }),
        batch: fc.integer({ min: 1, max: 4 }),
        seed: fc.integer({ min: 0, max: 1e6 }),
      })
      .map((p) => ({ ...p, h: (p.padding === 'valid' ? p.ph : 1) + p.extraH, w: (p.padding === 'valid' ? p.pw : 1) + p.extraW }));
    fc.assert(
      fc.property(arbitrary, (p) => {
        const layer = new MaxPool2D({ poolSize: [p.ph, p.pw], strides: [p.sy, p.sx], padding: p.padding });
        const x = distinctInput([p.batch, p.h, p.w, p.channels], p.seed);
        checkLayerGradients(layer, x, tfMaxPool([p.ph, p.pw], [p.sy, p.sx], p.padding), {
          gradCheck: { ...FD_STEP, maxElementsPerTensor: 40 },
          seed: p.seed,
        });
      }),
      { numRuns: 40, seed: 20261124 },
    );
  });

  it('is named by its settings, and rejects bad options and a window larger than a valid input', () => {
    expect(new MaxPool2D().name).toBe('MaxPool2D(2×2)');
    expect(new MaxPool2D({ poolSize: 3, strides: 2, padding: 'same' }).name).toBe('MaxPool2D(3×3, stride 2, same)');
    expect(() => new MaxPool2D({ poolSize: 0 })).toThrow('MaxPool2D: poolSize must be a positive integer or [height, width] of positive integers, got 0');
    expect(() => new MaxPool2D({ padding: 'causal' as Padding })).toThrow("MaxPool2D: padding must be 'valid' or 'same', got 'causal'");
    expect(() => new MaxPool2D({ size: 2 } as never)).toThrow("MaxPool2D: unknown option 'size' in options (known: poolSize, strides, padding)");
    expect(() => new MaxPool2D({ poolSize: 3 }).forward(new Tensor([1, 2, 5, 1]))).toThrow(
      "MaxPool2D(3×3).forward: pool window 3×3 is larger than the 2×5 input with padding 'valid' (input shape [1, 2, 5, 1]); use padding 'same' or a smaller pool window",
    );
    expect(() => new MaxPool2D().forward(new Tensor([4, 16]))).toThrow(
      'MaxPool2D(2×2).forward: expected a 4-D input [batch, height, width, channels], got shape [4, 16]',
    );
  });
});
