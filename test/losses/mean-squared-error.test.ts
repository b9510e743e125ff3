import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { MeanSquaredError, Tensor } from '../../src/index.js';
import { checkLossGradients, randomTensor } from '../helpers/check-gradients.js';
import { tf, tfReady, toTf } from '../helpers/tf.js';

beforeAll(tfReady);

const tfMse = (yTrue: Tensor) => (yPred: tf.Tensor2D): tf.Scalar =>
  tf.mean(tf.mean(tf.square(tf.sub(toTf(yTrue), yPred)), 1));

describe('MeanSquaredError', () => {
  const loss = new MeanSquaredError();

  it('matches a hand computation: mean over outputs, then over samples', () => {
    const yPred = Tensor.fromArray([[1, 2], [0, 0]]);
    const yTrue = Tensor.fromArray([[0, 0], [3, 0]]);
    expect(loss.forward(yPred, yTrue)).toBe(((1 + 4) / 2 + 9 / 2) / 2);
    expect(loss.backward(yPred, yTrue).toArray()).toEqual([[0.5, 1], [-1.5, 0]]);
  });

  it('gradient matches finite differences and TensorFlow.js', () => {
    const yTrue = randomTensor(5, 2, 1, -3, 3);
    checkLossGradients(loss, randomTensor(5, 2, 2, -3, 3), yTrue, tfMse(yTrue));
  });

  it('property: gradients agree with both references over shapes and values', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 32 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        (rows, cols, seed, scale) => {
          const yTrue = randomTensor(rows, cols, seed, -scale, scale);
          checkLossGradients(loss, randomTensor(rows, cols, seed + 1, -scale, scale), yTrue, tfMse(yTrue));
        },
      ),
      { numRuns: 25, seed: 17 },
    );
  });

  it('rejects label arrays, wrong shapes and non-finite values, by message', () => {
    expect(() => loss.forward(new Tensor([3, 1]), [1, 2, 3])).toThrow(
      'MeanSquaredError.forward: targets must be a [batch, outputs] Tensor shaped like the predictions [3, 1], got an array of 3 labels',
    );
    expect(() => loss.backward(new Tensor([3, 1]), new Tensor([3, 2]))).toThrow(
      'MeanSquaredError.backward: targets have shape [3, 2], predictions have shape [3, 1]',
    );
    expect(() => loss.forward(Tensor.fromArray([[Number.POSITIVE_INFINITY]]), new Tensor([1, 1]))).toThrow(
      'MeanSquaredError.forward: predictions: [1, 1] tensor holds Infinity at row 0, column 0',
    );
    expect(() => loss.forward(new Tensor([0, 1]), new Tensor([0, 1]))).toThrow('MeanSquaredError.forward: predictions are empty (shape [0, 1])');
  });
});
