import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Tanh, Tensor } from '../../src/index.js';
import { checkLayerGradients, randomTensor } from '../helpers/check-gradients.js';
import { tf, tfReady } from '../helpers/tf.js';

beforeAll(tfReady);

const tfTanh = (x: tf.Tensor2D) => tf.tanh(x) as tf.Tensor2D;

describe('Tanh', () => {
  it('computes tanh(x), odd and bounded', () => {
    const y = new Tanh().forward(Tensor.fromArray([[0, 1, -1, 50]]));
    expect(y.get(0, 0)).toBe(0);
    expect(y.get(0, 1)).toBeCloseTo(Math.tanh(1), 6);
    expect(y.get(0, 2)).toBe(-y.get(0, 1));
    expect(y.get(0, 3)).toBe(1);
  });

  it('backward matches finite differences and TensorFlow.js', () => {
    checkLayerGradients(new Tanh(), randomTensor(6, 4, 2, -3, 3), tfTanh);
  });

  it('property: gradients agree with both references over random shapes and values', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 32 }),
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.double({ min: 0.1, max: 5, noNaN: true }),
        (rows, cols, seed, scale) => {
          checkLayerGradients(new Tanh(), randomTensor(rows, cols, seed, -scale, scale), tfTanh);
        },
      ),
      { numRuns: 20, seed: 6 },
    );
  });

  it('rejects infinite input and a backward gradient of the wrong shape', () => {
    const t = new Tanh();
    expect(() => t.forward(Tensor.fromArray([[1, Number.POSITIVE_INFINITY]]))).toThrow('Tanh.forward: input: [1, 2] tensor holds Infinity at row 0, column 1');
    t.forward(new Tensor([2, 2]));
    expect(() => t.backward(new Tensor([2, 1]))).toThrow('Tanh.backward: gradient shape [2, 1] does not match the forward output [2, 2]');
  });
});
