import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Sigmoid, Tensor } from '../../src/index.js';
import { checkLayerGradients, randomTensor } from '../helpers/check-gradients.js';
import { tf, tfReady } from '../helpers/tf.js';

beforeAll(tfReady);

const tfSigmoid = (x: tf.Tensor2D) => tf.sigmoid(x) as tf.Tensor2D;

describe('Sigmoid', () => {
  it('computes 1 / (1 + e^(−x))', () => {
    const y = new Sigmoid().forward(Tensor.fromArray([[0, 2, -2]]));
    expect(y.get(0, 0)).toBe(0.5);
    expect(y.get(0, 1)).toBeCloseTo(1 / (1 + Math.exp(-2)), 6);
    expect(y.get(0, 2)).toBeCloseTo(1 / (1 + Math.exp(2)), 6);
  });

  it('saturates to exactly 0 and 1 without overflow at ±1000', () => {
    const y = new Sigmoid().forward(Tensor.fromArray([[1000, -1000]]));
    expect(y.toArray()).toEqual([[1, 0]]);
  });

  it('backward matches finite differences and TensorFlow.js', () => {
    checkLayerGradients(new Sigmoid(), randomTensor(7, 5, 1, -4, 4), tfSigmoid);
  });

  it('property: gradients agree with both references over random shapes and values', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 32 }),
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.double({ min: 0.1, max: 8, noNaN: true }),
        (rows, cols, seed, scale) => {
          checkLayerGradients(new Sigmoid(), randomTensor(rows, cols, seed, -scale, scale), tfSigmoid);
        },
      ),
      { numRuns: 20, seed: 5 },
    );
  });

  it('rejects NaN input and a backward gradient of the wrong shape', () => {
    const s = new Sigmoid();
    expect(() => s.forward(Tensor.fromArray([[Number.NaN]]))).toThrow('Sigmoid.forward: input: [1, 1] tensor holds NaN at row 0, column 0');
    expect(() => s.backward(new Tensor([1, 1]))).toThrow('Sigmoid.backward: called before forward');
    s.forward(new Tensor([2, 3]));
    expect(() => s.backward(new Tensor([3, 2]))).toThrow('Sigmoid.backward: gradient shape [3, 2] does not match the forward output [2, 3]');
  });
});
