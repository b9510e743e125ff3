import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { BinaryCrossEntropy, Random, Tensor } from '../../src/index.js';
import { checkLossGradients, randomTensor } from '../helpers/check-gradients.js';
import { tf, tfReady, toTf } from '../helpers/tf.js';

beforeAll(tfReady);

/** The book's BCE in tfjs: clip, per-element loss, mean over outputs, then mean over samples. */
function tfBce(yTrue: Tensor) {
  return (yPred: tf.Tensor2D): tf.Scalar => {
    const y = toTf(yTrue);
    const p = tf.clipByValue(yPred, 1e-7, 1 - 1e-7);
    const perElement = tf.neg(tf.add(tf.mul(y, tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p)))));
    return tf.mean(tf.mean(perElement, 1));
  };
}

function binaryTargets(rows: number, cols: number, seed: number): Tensor {
  const t = new Tensor([rows, cols]);
  const rng = new Random(seed);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.int(2);
  return t;
}

describe('BinaryCrossEntropy', () => {
  const loss = new BinaryCrossEntropy();

  it('matches a hand computation: mean over outputs, then over samples', () => {
    const yPred = Tensor.fromArray([[0.9, 0.2], [0.4, 0.5]]);
    const yTrue = Tensor.fromArray([[1, 0], [0, 1]]);
    const s0 = (-Math.log(Math.fround(0.9)) - Math.log(1 - Math.fround(0.2))) / 2;
    const s1 = (-Math.log(1 - Math.fround(0.4)) - Math.log(0.5)) / 2;
    expect(loss.forward(yPred, yTrue)).toBeCloseTo((s0 + s1) / 2, 12);
  });

  it('clips predictions at 1e-7, so exact 0 and 1 give a large but finite loss and gradient', () => {
    const yPred = Tensor.fromArray([[0, 1]]);
    const yTrue = Tensor.fromArray([[1, 0]]);
    expect(loss.forward(yPred, yTrue)).toBeCloseTo(-Math.log(1e-7), 6);
    const g = loss.backward(yPred, yTrue).data;
    expect(g.every(Number.isFinite)).toBe(true);
    expect(g[0]).toBeLessThan(0);
    expect(g[1]).toBeGreaterThan(0);
  });

  it('gradient matches finite differences and TensorFlow.js', () => {
    const yTrue = binaryTargets(6, 3, 1);
    checkLossGradients(loss, randomTensor(6, 3, 2, 0.02, 0.98), yTrue, tfBce(yTrue));
  });

  it('property: gradients agree with both references over shapes, predictions and soft targets', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 32 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.boolean(),
        (rows, cols, seed, soft) => {
          const yTrue = soft ? randomTensor(rows, cols, seed, 0, 1) : binaryTargets(rows, cols, seed);
          checkLossGradients(loss, randomTensor(rows, cols, seed + 1, 0.02, 0.98), yTrue, tfBce(yTrue));
        },
      ),
      { numRuns: 25, seed: 16 },
    );
  });

  it('rejects label arrays, wrong shapes, targets outside [0, 1] and NaN predictions, by message', () => {
    const yPred = new Tensor([2, 1]);
    expect(() => loss.forward(yPred, [0, 1])).toThrow(
      'BinaryCrossEntropy.forward: targets must be a [batch, outputs] Tensor shaped like the predictions [2, 1], got an array of 2 labels',
    );
    expect(() => loss.backward(yPred, new Tensor([1, 2]))).toThrow(
      'BinaryCrossEntropy.backward: targets have shape [1, 2], predictions have shape [2, 1]',
    );
    expect(() => loss.forward(yPred, Tensor.fromArray([[0], [2]]))).toThrow(
      'BinaryCrossEntropy.forward: target 2 at row 1, column 0 is outside [0, 1]',
    );
    expect(() => loss.forward(Tensor.fromArray([[Number.NaN], [0]]), Tensor.fromArray([[0], [1]]))).toThrow(
      'BinaryCrossEntropy.forward: predictions: [2, 1] tensor holds NaN at row 0, column 0',
    );
    expect(() => loss.forward(yPred, Tensor.fromArray([[0], [Number.NaN]]))).toThrow(
      'BinaryCrossEntropy.forward: targets: [2, 1] tensor holds NaN at row 1, column 0',
    );
  });
});
