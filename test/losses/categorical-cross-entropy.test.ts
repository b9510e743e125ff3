import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CategoricalCrossEntropy, Dense, Linear, ReLU, Sequential, Softmax, Tensor, softmaxCrossEntropyBackward, toOneHot, type Loss } from '../../src/index.js';
import { checkLossGradients, randomLabels, randomProbabilities, randomTensor } from '../helpers/check-gradients.js';
import { expectClose } from '../helpers/close.js';
import { tf, tfReady, toTf } from '../helpers/tf.js';

beforeAll(tfReady);

/** −(1/N) Σ y·log(clip(ŷ)) in tfjs. */
function tfCce(oneHot: Tensor) {
  return (yPred: tf.Tensor2D) =>
    tf.neg(tf.div(tf.sum(tf.mul(toTf(oneHot), tf.log(tf.clipByValue(yPred, 1e-7, 1 - 1e-7)))), oneHot.rows)) as tf.Scalar;
}

/**
 * The loss sums in float64 and log(ŷ) curves on the scale of ŷ itself (down to ~1e-3 here), so the
 * finite-difference step must be small in absolute terms.
 */
const FD = { epsilon: 1e-5 };

describe('CategoricalCrossEntropy', () => {
  const loss = new CategoricalCrossEntropy();

  it('is the mean negative log-likelihood of the true class (the book example)', () => {
    // Book ch. 5: softmax outputs and targets [0, 1, 1] → mean of −log 0.7, −log 0.5, −log 0.9
    const yPred = Tensor.fromArray([[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]]);
    const expected = -(Math.log(0.7) + Math.log(0.5) + Math.log(0.9)) / 3;
    expect(loss.forward(yPred, [0, 1, 1])).toBeCloseTo(expected, 6);
    expect(loss.forward(yPred, toOneHot([0, 1, 1], 3))).toBeCloseTo(expected, 6);
  });

  it('gradient matches finite differences and TensorFlow.js, for index and one-hot labels', () => {
    const yPred = randomProbabilities(6, 4, 1);
    const labels = randomLabels(6, 4, 2);
    checkLossGradients(loss, yPred, labels, tfCce(toOneHot(labels, 4)), { gradCheck: FD });
    checkLossGradients(loss, yPred, toOneHot(labels, 4), tfCce(toOneHot(labels, 4)), { gradCheck: FD });
  });

  it('property: random batch sizes, class counts and labels', () => {
    fc.assert(
      // (≥ 2 classes: a single class predicts exactly 1, on the clip boundary where the loss has a kink)
      fc.property(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 2, max: 128 }), fc.integer({ min: 0, max: 1e6 }), (batch, classes, seed) => {
        const yPred = randomProbabilities(batch, classes, seed);
        const labels = randomLabels(batch, classes, seed + 1);
        checkLossGradients(loss, yPred, labels, tfCce(toOneHot(labels, classes)), { gradCheck: { ...FD, maxElementsPerTensor: 40 } });
      }),
      { numRuns: 25, seed: 3 },
    );
  });

  it('clips predictions of exactly 0 and 1: finite loss and gradient', () => {
    const yPred = Tensor.fromArray([[0, 1], [1, 0]]);
    const value = loss.forward(yPred, [0, 0]);
    // row 0: −log(1e-7); row 1: −log(1 − 1e-7)
    expect(value).toBeCloseTo((-Math.log(1e-7) - Math.log(1 - 1e-7)) / 2, 6);
    const grad = loss.backward(yPred, [0, 0]);
    expect(grad.data.every(Number.isFinite)).toBe(true);
    expect(grad.get(0, 0)).toBeCloseTo(-1 / 1e-7 / 2, -1);
  });

  it('a batch of one', () => {
    const yPred = randomProbabilities(1, 5, 9);
    checkLossGradients(loss, yPred, [3], tfCce(toOneHot([3], 5)), { gradCheck: FD });
  });

  it('rejects a label out of range, naming the index and the class count', () => {
    expect(() => loss.forward(randomProbabilities(3, 3, 1), [0, 3, 1])).toThrow(
      'CategoricalCrossEntropy.forward: label 3 at index 1 is not a class index in [0, 2] (predictions have 3 classes)',
    );
    expect(() => loss.forward(randomProbabilities(2, 3, 1), [0, 1.5])).toThrow('label 1.5 at index 1 is not a class index');
    expect(() => loss.backward(randomProbabilities(2, 3, 1), [-1, 0])).toThrow('CategoricalCrossEntropy.backward: label -1 at index 0');
  });

  it('rejects the wrong label count and mismatched one-hot shapes', () => {
    expect(() => loss.forward(randomProbabilities(3, 2, 1), [0, 1])).toThrow(
      'CategoricalCrossEntropy.forward: got 2 labels for 3 predictions (shape [3, 2])',
    );
    expect(() => loss.forward(randomProbabilities(3, 2, 1), new Tensor([3, 3]))).toThrow(
      'CategoricalCrossEntropy.forward: one-hot labels have shape [3, 3], predictions have shape [3, 2]',
    );
    expect(() => loss.forward(randomProbabilities(1, 2, 1), Tensor.fromArray([[0.5, 0.4]]))).toThrow(
      'one-hot label row 0 sums to',
    );
  });

  it('rejects NaN predictions instead of returning NaN', () => {
    expect(() => loss.forward(Tensor.fromArray([[0.5, Number.NaN]]), [0])).toThrow(
      'CategoricalCrossEntropy.forward: predictions: [1, 2] tensor holds NaN at row 0, column 1',
    );
  });
});

describe('fused Softmax + cross-entropy backward', () => {
  it('equals chaining CategoricalCrossEntropy.backward into Softmax.backward', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 2, max: 32 }), fc.integer({ min: 0, max: 1e6 }), (batch, classes, seed) => {
        const softmax = new Softmax();
        const probs = softmax.forward(randomTensor(batch, classes, seed, -4, 4));
        const labels = randomLabels(batch, classes, seed + 1);
        const chained = softmax.backward(new CategoricalCrossEntropy().backward(probs, labels)).data.slice();
        const fused = softmaxCrossEntropyBackward(probs, labels).data;
        expectClose(fused, chained, { rtol: 1e-4, atol: 1e-6 }, 'fused vs chained');
        expectClose(softmaxCrossEntropyBackward(probs, toOneHot(labels, classes)).data, fused, { rtol: 0, atol: 0 }, 'one-hot vs index');
      }),
      { numRuns: 30, seed: 4 },
    );
  });

  it('matches TensorFlow.js softmaxCrossEntropy gradient w.r.t. the logits, logits up to ±100', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 2, max: 128 }), fc.integer({ min: 0, max: 1e6 }), fc.double({ min: 0.1, max: 100, noNaN: true }), (batch, classes, seed, scale) => {
        const logits = randomTensor(batch, classes, seed, -scale, scale);
        const labels = randomLabels(batch, classes, seed + 1);
        const probs = new Softmax().forward(logits);
        const ours = softmaxCrossEntropyBackward(probs, labels).data;
        expect(ours.every(Number.isFinite)).toBe(true);
        const theirs = tf.tidy(() => {
          const y = toTf(toOneHot(labels, classes));
          // mean over the batch of −Σ y log softmax(z)
          const f = (z: tf.Tensor) => tf.div(tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(z)))), batch);
          return tf.grad(f)(toTf(logits)).dataSync();
        });
        expectClose(ours, theirs, { rtol: 1e-4, atol: 1e-5, abs: 1e-8 }, 'fused gradient vs TensorFlow.js');
      }),
      { numRuns: 25, seed: 5 },
    );
  });

  it('the loss owns the fusion: backwardThrough gives the fused gradient for a Softmax (and sets its dinputs), null for any other layer', () => {
    const loss = new CategoricalCrossEntropy();
    const softmax = new Softmax();
    const probs = softmax.forward(randomTensor(5, 4, 1, -2, 2));
    const labels = randomLabels(5, 4, 2);
    const fused = loss.backwardThrough(softmax, probs, labels);
    expect(fused?.data).toEqual(softmaxCrossEntropyBackward(probs, labels).data);
    expect(softmax.dinputs).toBe(fused);
    expect(loss.backwardThrough(new ReLU(), probs, labels)).toBeNull();
  });

  it('Sequential asks the loss: a custom loss with its own backwardThrough is used instead of chaining', () => {
    const dense = new Dense(3, 2, { seed: 1 });
    const last = new Linear();
    const model = new Sequential([dense, last]);
    const marker = Tensor.fromArray([[1, -1], [2, -2]]);
    const custom: Loss = {
      name: 'Custom',
      forward: () => 0,
      backward: () => {
        throw new Error('backward must not be called when backwardThrough fuses');
      },
      backwardThrough: (layer) => (layer === last ? marker : null),
    };
    const x = randomTensor(2, 3, 3);
    const yPred = model.forward(x, { training: true });
    model.backward(yPred, new Int32Array([0, 1]), custom);
    // the Dense layer received the marker as dL/d(output): dL/db = column sums of it
    expect(Array.from(dense.dbiases.data)).toEqual([3, -3]);
  });

  it('validates labels', () => {
    expect(() => softmaxCrossEntropyBackward(randomProbabilities(2, 3, 1), [0, 7])).toThrow(
      'softmaxCrossEntropyBackward: label 7 at index 1 is not a class index in [0, 2]',
    );
  });
});
