import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CategoricalCrossEntropy,
  Dense,
  ReLU,
  Sequential,
  Softmax,
  Tensor,
  gradCheckModel,
  toOneHot,
} from '../../src/index.js';
import { FD_TOLERANCE, TF_TOLERANCE, randomLabels, randomTensor } from '../helpers/check-gradients.js';
import { expectClose } from '../helpers/close.js';
import { tf, tfData, tfReady, toTf } from '../helpers/tf.js';

beforeAll(tfReady);

function buildModel(nIn: number, hidden: number, classes: number, seed: number): Sequential {
  const first = new Dense(nIn, hidden, { seed, initializer: 'he' });
  const second = new Dense(hidden, classes, { seed: seed + 1, initializer: 'glorot' });
  // Non-zero biases so their gradients are exercised away from the initial state.
  first.biases.data.set(randomTensor(1, hidden, seed + 2, -0.5, 0.5).data);
  second.biases.data.set(randomTensor(1, classes, seed + 3, -0.5, 0.5).data);
  return new Sequential([first, new ReLU(), second, new Softmax()]);
}

/** The same network and loss in TensorFlow.js; returns the loss and dL/d[x, W1, b1, W2, b2]. */
function tfModelGradients(model: Sequential, x: Tensor, labels: Int32Array) {
  const [d1, , d2] = model.layers as [Dense, ReLU, Dense, Softmax];
  return tf.tidy(() => {
    const y = toTf(toOneHot(labels, d2.nOut));
    const f = (xt: tf.Tensor, w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor, b2: tf.Tensor) => {
      const hidden = tf.relu(tf.add(tf.matMul(xt as tf.Tensor2D, w1 as tf.Tensor2D), b1));
      const probs = tf.softmax(tf.add(tf.matMul(hidden as tf.Tensor2D, w2 as tf.Tensor2D), b2));
      const clipped = tf.clipByValue(probs, 1e-7, 1 - 1e-7);
      return tf.div(tf.neg(tf.sum(tf.mul(y, tf.log(clipped)))), x.rows) as tf.Scalar;
    };
    const args = [x, d1.weights, d1.biases, d2.weights, d2.biases].map(toTf);
    const { value, grads } = tf.valueAndGrads(f)(args);
    return { loss: value.dataSync()[0], grads: grads.map(tfData) };
  });
}

describe('Sequential', () => {
  it('chains forward through every layer', () => {
    const model = buildModel(3, 8, 4, 1);
    const x = randomTensor(5, 3, 2);
    let manual = x;
    for (const layer of model.layers) manual = layer.forward(manual).clone();
    expect(model.forward(x).data).toEqual(manual.data);
  });

  it('Dense→ReLU→Dense→Softmax→CCE: loss and every gradient match TensorFlow.js over random shapes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 32 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 2, max: 10 }),
        fc.integer({ min: 0, max: 1e6 }),
        (batch, nIn, hidden, classes, seed) => {
          const model = buildModel(nIn, hidden, classes, seed);
          const x = randomTensor(batch, nIn, seed + 4, -2, 2);
          const labels = randomLabels(batch, classes, seed + 5);
          const loss = new CategoricalCrossEntropy();
          const yPred = model.forward(x);
          const value = loss.forward(yPred, labels);
          const dx = model.backward(yPred, labels, loss).data.slice();
          const ours = [dx, ...model.parameters().map((p) => p.grad.data.slice())];
          const names = ['input', ...model.parameters().map((p) => p.name)];
          const reference = tfModelGradients(model, x, labels);
          expectClose([value], [reference.loss], TF_TOLERANCE, 'model loss vs TensorFlow.js');
          ours.forEach((g, i) => expectClose(g, reference.grads[i], TF_TOLERANCE, `${names[i]} vs TensorFlow.js`));
        },
      ),
      { numRuns: 25, seed: 6 },
    );
  });

  it('Dense→ReLU→Dense→Softmax→CCE: every gradient matches finite differences of the model', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 0, max: 1e6 }),
        (batch, nIn, hidden, classes, seed) => {
          const model = buildModel(nIn, hidden, classes, seed);
          const x = randomTensor(batch, nIn, seed + 4, -2, 2);
          const labels = randomLabels(batch, classes, seed + 5);
          // ReLU has a kink at 0: a finite difference whose ±h step moves a hidden pre-activation across it
          // measures a different function. A step of h = 1e-3·max(1, |v|) moves any pre-activation by less
          // than 0.01 here, so only cases where every pre-activation is at least that far from 0 are checked.
          const preActivations = model.layers[0].forward(x).data;
          fc.pre(preActivations.every((z) => Math.abs(z) > 0.01));
          const report = gradCheckModel(model, new CategoricalCrossEntropy(), x, labels);
          // The loss (≈ 1) is computed from float32 activations, so the difference quotient carries an
          // absolute noise of order 2⁻²⁴·|L| / (2h) ≈ 3e-5 whatever the gradient's size: that floor is added
          // to the usual bound (the gradients checked here are mostly 1e-3…1; 300 runs stayed inside it).
          for (const e of report.entries) {
            expectClose(e.analytic, e.numeric, { ...FD_TOLERANCE, abs: 3e-5 }, `${e.name} vs finite differences`);
          }
        },
      ),
      { numRuns: 25, seed: 7 },
    );
  });

  it('uses the fused softmax + cross-entropy gradient, equal to chaining the two backwards', () => {
    const model = buildModel(4, 10, 3, 8);
    const x = randomTensor(7, 4, 9);
    const labels = randomLabels(7, 3, 10);
    const loss = new CategoricalCrossEntropy();
    const yPred = model.forward(x);
    model.backward(yPred, labels, loss);
    const fusedGrads = model.parameters().map((p) => p.grad.data.slice());
    // Chain by hand: CCE.backward → Softmax.backward → Dense → ReLU → Dense
    let g = loss.backward(yPred, labels);
    for (let i = model.layers.length - 1; i >= 0; i--) g = model.layers[i].backward(g);
    model.parameters().forEach((p, i) => expectClose(fusedGrads[i], p.grad.data, { rtol: 1e-4, atol: 1e-6 }, p.name));
  });

  it('lists parameters with stable tensors and position-prefixed names', () => {
    const model = buildModel(2, 4, 3, 1);
    const a = model.parameters();
    const b = model.parameters();
    expect(a.map((p) => p.name)).toEqual([
      '0:Dense(2→4).weights',
      '0:Dense(2→4).biases',
      '2:Dense(4→3).weights',
      '2:Dense(4→3).biases',
    ]);
    a.forEach((p, i) => {
      expect(p.value).toBe(b[i].value);
      expect(p.grad).toBe(b[i].grad);
    });
  });

  it('reports a shape mismatch between layers by the layer that received it', () => {
    const model = new Sequential([new Dense(2, 5), new ReLU(), new Dense(4, 3)]);
    expect(() => model.forward(new Tensor([10, 2]))).toThrow(
      'Dense(4→3).forward: input has 5 columns, expected 4 (input shape [10, 5])',
    );
  });

  it('rejects an empty layer list', () => {
    expect(() => new Sequential([])).toThrow('Sequential: needs at least one layer');
  });
});
