import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { MeanAbsoluteError, Random, Tensor } from '../../src/index.js';
import { checkLossGradients, randomTensor } from '../helpers/check-gradients.js';
import { tf, tfReady, toTf } from '../helpers/tf.js';

beforeAll(tfReady);

const tfMae = (yTrue: Tensor) => (yPred: tf.Tensor2D): tf.Scalar =>
  tf.mean(tf.mean(tf.abs(tf.sub(toTf(yTrue), yPred)), 1));

/** Predictions at least 0.05 away from the targets: |·| has no derivative where ŷ = y. */
function offsetPredictions(yTrue: Tensor, seed: number, scale: number): Tensor {
  const p = yTrue.clone();
  const rng = new Random(seed);
  for (let i = 0; i < p.size; i++) p.data[i] += (rng.uniform() < 0.5 ? -1 : 1) * (0.05 + scale * rng.uniform());
  return p;
}

describe('MeanAbsoluteError', () => {
  const loss = new MeanAbsoluteError();

  it('matches a hand computation, with gradient sign(ŷ − y)/J/N and 0 where ŷ = y exactly', () => {
    const yPred = Tensor.fromArray([[1, 2], [0, 5]]);
    const yTrue = Tensor.fromArray([[0, 2], [3, 0]]);
    expect(loss.forward(yPred, yTrue)).toBe(((1 + 0) / 2 + (3 + 5) / 2) / 2);
    expect(loss.backward(yPred, yTrue).toArray()).toEqual([[0.25, 0], [-0.25, 0.25]]);
  });

  it('gradient matches finite differences and TensorFlow.js', () => {
    const yTrue = randomTensor(6, 3, 1, -2, 2);
    checkLossGradients(loss, offsetPredictions(yTrue, 2, 1), yTrue, tfMae(yTrue));
  });

  it('property: gradients agree with both references over shapes and values', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 32 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.double({ min: 0.01, max: 50, noNaN: true }),
        (rows, cols, seed, scale) => {
          const yTrue = randomTensor(rows, cols, seed, -scale, scale);
          checkLossGradients(loss, offsetPredictions(yTrue, seed + 1, scale), yTrue, tfMae(yTrue));
        },
      ),
      { numRuns: 25, seed: 18 },
    );
  });

  it('rejects label arrays, wrong shapes and non-finite values, by message', () => {
    expect(() => loss.backward(new Tensor([2, 2]), new Int32Array(2))).toThrow(
      'MeanAbsoluteError.backward: targets must be a [batch, outputs] Tensor shaped like the predictions [2, 2], got an array of 2 labels',
    );
    expect(() => loss.forward(new Tensor([2, 2]), new Tensor([2, 1]))).toThrow(
      'MeanAbsoluteError.forward: targets have shape [2, 1], predictions have shape [2, 2]',
    );
    expect(() => loss.forward(new Tensor([1, 1]), Tensor.fromArray([[Number.NaN]]))).toThrow(
      'MeanAbsoluteError.forward: targets: [1, 1] tensor holds NaN at row 0, column 0',
    );
  });
});
