import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CategoricalCrossEntropy,
  Dense,
  ReLU,
  Sequential,
  Softmax,
  Tensor,
  gradCheck,
  gradCheckModel,
  type DenseOptions,
} from '../../src/index.js';
import { FD_TOLERANCE, checkLayerGradients, randomLabels, randomTensor } from '../helpers/check-gradients.js';
import { expectClose } from '../helpers/close.js';
import { tf, tfReady } from '../helpers/tf.js';

beforeAll(tfReady);

const tfDense = (x: tf.Tensor2D, [w, b]: tf.Tensor2D[]) => tf.add(tf.matMul(x, w), b) as tf.Tensor2D;

/** R = λ₁ʷ Σ|W| + λ₂ʷ Σ W² + λ₁ᵇ Σ|b| + λ₂ᵇ Σ b², written independently in tfjs. */
function tfPenalty(o: DenseOptions) {
  return ([w, b]: tf.Tensor2D[]): tf.Scalar =>
    tf.addN([
      tf.mul(o.weightL1 ?? 0, tf.sum(tf.abs(w))),
      tf.mul(o.weightL2 ?? 0, tf.sum(tf.square(w))),
      tf.mul(o.biasL1 ?? 0, tf.sum(tf.abs(b))),
      tf.mul(o.biasL2 ?? 0, tf.sum(tf.square(b))),
    ]) as tf.Scalar;
}

function regularizedDense(nIn: number, nOut: number, seed: number, o: DenseOptions): Dense {
  const layer = new Dense(nIn, nOut, { seed, initializer: 'glorot', ...o });
  layer.biases.data.set(randomTensor(1, nOut, seed + 1).data);
  return layer;
}

describe('Dense L1/L2 regularisation', () => {
  it('reports λ₁Σ|w| + λ₂Σw² for weights and biases, apart from the forward output', () => {
    const layer = new Dense(2, 2, { weightL1: 0.1, weightL2: 0.01, biasL1: 0.5, biasL2: 2 });
    layer.weights.data.set([1, -2, 0, 3]);
    layer.biases.data.set([-1, 0.5]);
    const expected = 0.1 * 6 + 0.01 * 14 + 0.5 * 1.5 + 2 * 1.25;
    expect(layer.regularizationLoss()).toBeCloseTo(expected, 12);
    expect(new Dense(2, 2).regularizationLoss()).toBe(0);
  });

  it('adds λ₁·sign(w) + 2λ₂·w to the gradients, with sign(0) = 0', () => {
    const layer = new Dense(1, 3, { weightL1: 0.5, weightL2: 0.25 });
    layer.weights.data.set([2, 0, -4]);
    layer.forward(new Tensor([1, 1])); // x = 0, so the data part of dL/dW is 0
    layer.backward(Tensor.fromArray([[1, 1, 1]]));
    expect(Array.from(layer.dweights.data)).toEqual([0.5 + 1, 0, -0.5 - 2]);
    expect(Array.from(layer.dbiases.data)).toEqual([1, 1, 1]); // no bias penalty set
  });

  it('gradients including the penalty match finite differences and TensorFlow.js', () => {
    const o = { weightL1: 0.01, weightL2: 0.05, biasL1: 0.02, biasL2: 0.1 };
    checkLayerGradients(regularizedDense(4, 3, 1, o), randomTensor(5, 4, 2), tfDense, { tfPenalty: tfPenalty(o) });
  });

  it('finite differences agree with sign(0) = 0 at weights that are exactly zero', () => {
    // glorot weights sit well away from 0, except the two set to exactly 0
    const layer = new Dense(3, 2, { seed: 4, initializer: 'glorot', weightL1: 0.3, biasL1: 0.2 });
    layer.weights.data[0] = 0;
    layer.weights.data[3] = 0; // biases are all zero at start
    const report = gradCheck(layer, randomTensor(4, 3, 5));
    for (const e of report.entries) expectClose(e.analytic, e.numeric, FD_TOLERANCE, e.name);
  });

  it('property: gradients with random strengths agree with both references over shapes and values', () => {
    const strength = fc.oneof(fc.constant(0), fc.double({ min: 1e-4, max: 1, noNaN: true }));
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 1, max: 32 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.tuple(strength, strength, strength, strength),
        (batch, nIn, nOut, seed, [weightL1, weightL2, biasL1, biasL2]) => {
          const o = { weightL1, weightL2, biasL1, biasL2 };
          checkLayerGradients(regularizedDense(nIn, nOut, seed, o), randomTensor(batch, nIn, seed + 2), tfDense, {
            tfPenalty: tfPenalty(o),
            gradCheck: { maxElementsPerTensor: 40 },
          });
        },
      ),
      { numRuns: 20, seed: 14 },
    );
  });

  it('a model sums its layers\u2019 penalties, and its gradients (data loss + penalty) match finite differences', () => {
    const model = new Sequential([
      new Dense(2, 8, { seed: 1, initializer: 'he', weightL1: 5e-3, weightL2: 5e-3, biasL2: 1e-2 }),
      new ReLU(),
      new Dense(8, 3, { seed: 2, initializer: 'glorot', weightL2: 1e-2, biasL1: 1e-2 }),
      new Softmax(),
    ]);
    (model.layers[0] as Dense).biases.data.set(randomTensor(1, 8, 3).data);
    const penalties = (model.layers[0] as Dense).regularizationLoss() + (model.layers[2] as Dense).regularizationLoss();
    expect(model.regularizationLoss()).toBe(penalties);
    expect(penalties).toBeGreaterThan(0);
    const report = gradCheckModel(model, new CategoricalCrossEntropy(), randomTensor(6, 2, 4), randomLabels(6, 3, 5));
    for (const e of report.entries) expectClose(e.analytic, e.numeric, FD_TOLERANCE, e.name);
  });

  it('rejects negative or non-finite strengths, naming the option', () => {
    expect(() => new Dense(2, 3, { weightL1: -1 })).toThrow('Dense(2, 3): weightL1 must be a finite number ≥ 0, got -1');
    expect(() => new Dense(2, 3, { weightL2: Number.NaN })).toThrow('Dense(2, 3): weightL2 must be a finite number ≥ 0, got NaN');
    expect(() => new Dense(2, 3, { biasL1: Number.POSITIVE_INFINITY })).toThrow('Dense(2, 3): biasL1 must be a finite number ≥ 0, got Infinity');
    expect(() => new Dense(2, 3, { biasL2: '1' as unknown as number })).toThrow("Dense(2, 3): biasL2 must be a finite number ≥ 0, got '1'");
  });
});
