import { describe, expect, it } from 'vitest';
import { BinaryCrossEntropy, Dense, SGD, Sequential, Sigmoid, Tensor, binaryAccuracy } from '../../src/index.js';
import { randomTensor } from '../helpers/check-gradients.js';

function data(): { x: Tensor; y: Tensor } {
  const x = randomTensor(20, 2, 1, -1, 1);
  const y = new Tensor([20, 1]);
  for (let i = 0; i < 20; i++) y.data[i] = x.data[2 * i] + x.data[2 * i + 1] > 0 ? 1 : 0;
  return { x, y };
}

function model(): Sequential {
  return new Sequential([new Dense(2, 4, { seed: 1, initializer: 'glorot', weightL1: 1e-2, weightL2: 1e-2, biasL2: 1e-2 }), new Dense(4, 1, { seed: 2, weightL2: 0.1 }), new Sigmoid()]).compile({
    loss: new BinaryCrossEntropy(),
    optimizer: new SGD({ learningRate: 0.5 }),
  });
}

describe('training with L1/L2 regularisation reports the penalty apart from the data loss', () => {
  it('trainStep returns the data loss, without the penalty (read regularizationLoss() before the step for it)', () => {
    const m = model();
    const { x, y } = data();
    const penalty = m.regularizationLoss();
    const dataLoss = new BinaryCrossEntropy().forward(m.predict(x), y);
    expect(penalty).toBeGreaterThan(0);
    expect(m.trainStep(x, y)).toBe(dataLoss);
    expect(m.regularizationLoss()).not.toBe(penalty); // the update moved the weights
  });

  it('fit logs loss (data) and regularizationLoss per epoch; evaluate reports both and binary accuracy', () => {
    const m = model();
    const { x, y } = data();
    const penalty = m.regularizationLoss();
    const dataLoss = new BinaryCrossEntropy().forward(m.predict(x), y);
    const [first] = m.fit(x, y, { epochs: 1, batchSize: 20 });
    expect(first.loss).toBeCloseTo(dataLoss, 12); // one full batch (rows shuffled: the sum order differs)
    expect(first.regularizationLoss).toBe(penalty);
    const history = m.fit(x, y, { epochs: 30, batchSize: 5, seed: 1 });
    expect(history.at(-1)!.accuracy).toBeGreaterThan(0.8);
    const ev = m.evaluate(x, y);
    expect(ev.regularizationLoss).toBe(m.regularizationLoss());
    expect(ev.accuracy).toBe(binaryAccuracy.compute(m.predict(x), y));
  });

  it('trainStep descends the full objective: SGD moves each weight by −lr·(data gradient + penalty gradient)', () => {
    const lr = 0.5;
    const { x, y } = data();
    const reference = model();
    const loss = new BinaryCrossEntropy();
    reference.backward(reference.forward(x, { training: true }), y, loss); // gradients incl. the penalty's
    const expected = reference.parameters().map((p) => p.value.data.map((w, i) => w - lr * p.grad.data[i]));
    // the penalty's share is really there: without it the first weight gradient would differ
    const first = reference.layers[0] as Dense;
    const w0 = first.weights.data[0];
    const penaltyPart = 1e-2 * Math.sign(w0) + 2 * 1e-2 * w0;
    expect(Math.abs(penaltyPart)).toBeGreaterThan(1e-3);

    const trained = model();
    trained.trainStep(x, y);
    trained.parameters().forEach((p, k) => expect(p.value.data).toEqual(expected[k]));
  });

  it('a model without regularisation reports 0', () => {
    const m = new Sequential([new Dense(2, 1, { seed: 1 }), new Sigmoid()]).compile({ loss: new BinaryCrossEntropy(), optimizer: new SGD() });
    const { x, y } = data();
    expect(m.fit(x, y, { epochs: 2 }).every((e) => e.regularizationLoss === 0)).toBe(true);
  });
});
