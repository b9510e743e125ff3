import { describe, expect, it } from 'vitest';
import {
  Adam,
  CategoricalCrossEntropy,
  Dense,
  SGD,
  Sequential,
  Softmax,
  Tensor,
  spiralData,
  toOneHot,
  type Labels,
} from '../../src/index.js';
import { spiralModel } from '../helpers/spiral-model.js';

const data = spiralData({ samples: 100, classes: 3, seed: 0 });

/** Copies of every parameter's values, to check that something did (not) change. */
function snapshot(model: Sequential): Float32Array[] {
  return model.parameters().map((p) => p.value.data.slice());
}

describe('Sequential.trainStep', () => {
  it('returns the loss before the update and leaves that step’s gradients on every Dense', () => {
    const model = spiralModel(new SGD({ learningRate: 0.5 }));
    const before = model.evaluate(data.x, data.y, { batchSize: data.x.rows }).loss; // one forward pass, as trainStep's
    const weights = snapshot(model);
    // the gradients of this step, computed independently through forward/backward on an identical model
    const twin = spiralModel(new SGD({ learningRate: 0.5 }));
    twin.backward(twin.forward(data.x, { training: true }), data.y, new CategoricalCrossEntropy());
    const loss = model.trainStep(data.x, data.y);
    expect(loss).toBe(before);
    const dense = model.layers[0] as Dense;
    const twinDense = twin.layers[0] as Dense;
    expect(dense.dweights.data).toEqual(twinDense.dweights.data);
    expect(dense.dbiases.data).toEqual(twinDense.dbiases.data);
    expect((model.layers[2] as Dense).dweights.data).toEqual((twin.layers[2] as Dense).dweights.data);
    // and the update used exactly those gradients: w ← w − 0.5 · dW
    const w0 = weights[0];
    const expected = w0.map((w, i) => w - 0.5 * twinDense.dweights.data[i]);
    expect(dense.weights.data).toEqual(expected);
    expect(model.evaluate(data.x, data.y).loss).toBeLessThan(before);
  });

  it('with learning rate 0 keeps the parameters but still computes gradients', () => {
    const model = spiralModel(new Adam({ learningRate: 0 }));
    const weights = snapshot(model);
    model.trainStep(data.x, data.y);
    model.trainStep(data.x, data.y);
    expect(snapshot(model)).toEqual(weights);
    const dw = (model.layers[0] as Dense).dweights.data;
    expect(dw.some((v) => v !== 0)).toBe(true);
  });

  it('reuses its buffers: the prediction tensor is the same object from step to step', () => {
    const model = spiralModel(new Adam());
    model.trainStep(data.x, data.y);
    const first = model.forward(data.x, { training: true });
    model.trainStep(data.x, data.y);
    expect(model.forward(data.x, { training: true })).toBe(first);
  });

  it('refuses to run before compile', () => {
    const model = new Sequential([new Dense(2, 3), new Softmax()]);
    expect(() => model.trainStep(data.x, data.y)).toThrow('Sequential.trainStep: call compile({ loss, optimizer }) first');
    expect(() => model.fit(data.x, data.y)).toThrow('Sequential.fit: call compile({ loss, optimizer }) first');
    expect(() => model.evaluate(data.x, data.y)).toThrow('Sequential.evaluate: call compile({ loss, optimizer }) first');
  });
});

describe('Sequential.fit', () => {
  it('handles a batch size that does not divide N: one epoch equals trainStep on each slice in order', () => {
    const model = spiralModel(new Adam({ learningRate: 0.01 }));
    const twin = spiralModel(new Adam({ learningRate: 0.01 }));
    // 300 rows in batches of 64: four full batches and one of 44
    const [log] = model.fit(data.x, data.y, { epochs: 1, batchSize: 64, shuffle: false });
    expect(model.compiledWith!.optimizer.iterations).toBe(5);
    let weighted = 0;
    for (let start = 0; start < 300; start += 64) {
      const end = Math.min(start + 64, 300);
      const xb = new Tensor([end - start, 2], data.x.data.slice(start * 2, end * 2));
      weighted += twin.trainStep(xb, data.y.slice(start, end)) * (end - start);
    }
    expect(log.loss).toBe(weighted / 300);
    expect(snapshot(model)).toEqual(snapshot(twin));
  });

  it('reports epoch, loss and accuracy; with validation data, valLoss and valAccuracy as evaluate gives them', () => {
    const val = spiralData({ samples: 30, classes: 3, seed: 1 });
    const model = spiralModel(new Adam({ learningRate: 0.02 }));
    const seen: { valLoss: number; valAccuracy: number }[] = [];
    const history = model.fit(data.x, data.y, {
      epochs: 4,
      batchSize: 50,
      seed: 3,
      validationData: [val.x, val.y],
      onEpochEnd: () => {
        const e = model.evaluate(val.x, val.y);
        seen.push({ valLoss: e.loss, valAccuracy: e.accuracy });
      },
    });
    expect(history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
    history.forEach((h, i) => {
      expect(h.valLoss).toBe(seen[i].valLoss);
      expect(h.valAccuracy).toBe(seen[i].valAccuracy);
      expect(h.accuracy).toBeGreaterThanOrEqual(0);
      expect(h.accuracy).toBeLessThanOrEqual(1);
    });
    expect(history[3].loss).toBeLessThan(history[0].loss);
    // without validation data the keys are absent
    const [plain] = model.fit(data.x, data.y, { epochs: 1 });
    expect(Object.keys(plain).sort()).toEqual(['accuracy', 'epoch', 'loss', 'regularizationLoss']);
  });

  it('the epoch accuracy is the share of rows classified correctly before each batch update', () => {
    const model = spiralModel(new SGD({ learningRate: 0 }));
    const [log] = model.fit(data.x, data.y, { epochs: 1, batchSize: 7 });
    const predicted = model.predictClasses(data.x);
    const correct = predicted.reduce((n, c, i) => n + (c === data.y[i] ? 1 : 0), 0);
    expect(log.accuracy).toBeCloseTo(correct / 300, 12); // lr 0: the weights never change
  });

  it('accepts one-hot targets and gives the same run as class indices', () => {
    const a = spiralModel(new Adam({ learningRate: 0.02 }));
    const b = spiralModel(new Adam({ learningRate: 0.02 }));
    const ha = a.fit(data.x, data.y, { epochs: 3, batchSize: 32, seed: 4 });
    const hb = b.fit(data.x, toOneHot(data.y, 3), { epochs: 3, batchSize: 32, seed: 4 });
    expect(hb.map((h) => h.accuracy)).toEqual(ha.map((h) => h.accuracy));
    hb.forEach((h, i) => expect(h.loss).toBeCloseTo(ha[i].loss, 5));
  });

  it('stops early when onEpochEnd returns false', () => {
    const model = spiralModel(new Adam());
    const history = model.fit(data.x, data.y, { epochs: 10, onEpochEnd: (log) => log.epoch < 3 });
    expect(history).toHaveLength(3);
  });

  it('stops on a non-finite loss, naming the epoch and step', () => {
    class FlakyLoss extends CategoricalCrossEntropy {
      calls = 0;
      override forward(yPred: Tensor, yTrue: Labels): number {
        this.calls++;
        return this.calls === 9 ? Number.NaN : super.forward(yPred, yTrue);
      }
    }
    const model = spiralModel(new Adam());
    model.compile({ loss: new FlakyLoss(), optimizer: new Adam() });
    // call 1 checks the targets before training; 300 rows / 100 per batch = 3 steps per epoch: call 9 is epoch 3, step 2
    expect(() => model.fit(data.x, data.y, { epochs: 5, batchSize: 100 })).toThrow(
      'Sequential.fit: training stopped at epoch 3 of 5, step 2 of 3 (batch of 100 rows): Sequential.trainStep: CategoricalCrossEntropy loss is NaN',
    );
    expect(model.compiledWith!.optimizer.iterations).toBe(7);
  });

  it('stops with an error, not silent NaN, when a huge learning rate makes the model diverge', () => {
    const model = spiralModel(new SGD({ learningRate: 1e30 }));
    expect(() => model.fit(data.x, data.y, { epochs: 50, batchSize: 300 })).toThrow(
      /^Sequential\.fit: training stopped at epoch \d+ of 50, step 1 of 1 \(batch of 300 rows\): .*(NaN|Infinity)/,
    );
  });
});

describe('bad input is rejected before any work starts', () => {
  const cases: [string, (m: Sequential) => unknown, string][] = [
    ['batchSize 0', (m) => m.fit(data.x, data.y, { batchSize: 0 }), 'Sequential.fit: batchSize must be an integer ≥ 1, got 0'],
    ['epochs 0', (m) => m.fit(data.x, data.y, { epochs: 0 }), 'Sequential.fit: epochs must be an integer ≥ 1, got 0'],
    ['epochs 2.5', (m) => m.fit(data.x, data.y, { epochs: 2.5 }), 'Sequential.fit: epochs must be an integer ≥ 1, got 2.5'],
    ['initialEpoch ≥ epochs', (m) => m.fit(data.x, data.y, { epochs: 3, initialEpoch: 3 }), 'Sequential.fit: initialEpoch (3) must be below epochs (3): nothing would be trained'],
    ['initialEpoch −1', (m) => m.fit(data.x, data.y, { epochs: 3, initialEpoch: -1 }), 'Sequential.fit: initialEpoch must be an integer ≥ 0, got -1'],
    [
      'a label ≥ the number of classes',
      (m) => m.fit(data.x, Int32Array.from(data.y, (c, i) => (i === 17 ? 3 : c))),
      'Sequential.fit: x label 3 at index 17 is not a class index in [0, 2] (the model has 3 outputs)',
    ],
    [
      'x / y length mismatch',
      (m) => m.fit(data.x, data.y.slice(0, 299)),
      'Sequential.fit: x has 300 rows but 299 targets (one per row needed)',
    ],
    [
      'one-hot targets of the wrong width',
      (m) => m.fit(data.x, toOneHot(data.y, 4)),
      'Sequential.fit: x targets have shape [300, 4], the model outputs 3 columns',
    ],
    [
      'x with the wrong number of features',
      (m) => m.fit(new Tensor([300, 3]), data.y),
      'Sequential.fit: x [300, 3] does not fit the model: Dense(2→64).forward: input has 3 columns, expected 2',
    ],
    [
      'bad validation data',
      (m) => m.fit(data.x, data.y, { validationData: { x: data.x, y: data.y.slice(1) } }),
      'Sequential.fit: validationData has 300 rows but 299 targets (one per row needed)',
    ],
  ];
  it.each(cases)('%s', (_name, run, message) => {
    const model = spiralModel(new Adam());
    const before = snapshot(model);
    expect(() => run(model)).toThrow(message);
    expect(snapshot(model)).toEqual(before);
    expect(model.compiledWith!.optimizer.iterations).toBe(0);
  });

  it('a negative or NaN learning rate fails when the optimizer is built', () => {
    expect(() => new Adam({ learningRate: -1 })).toThrow('Adam: learningRate must be a finite number ≥ 0, got -1');
    expect(() => new SGD({ learningRate: Number.NaN })).toThrow('SGD: learningRate must be a finite number ≥ 0, got NaN');
  });
});

describe('determinism', () => {
  const run = (modelSeed: number, fitSeed: number) =>
    spiralModel(new Adam({ learningRate: 0.02 }), modelSeed).fit(data.x, data.y, { epochs: 5, batchSize: 32, seed: fitSeed });

  it('the same seeds give bit-identical histories', () => {
    expect(run(1, 7)).toEqual(run(1, 7));
  });

  it('a different shuffling seed or initialisation seed gives a different run', () => {
    const base = run(1, 7).map((h) => h.loss);
    expect(run(1, 8).map((h) => h.loss)).not.toEqual(base);
    expect(run(2, 7).map((h) => h.loss)).not.toEqual(base);
  });
});

describe('evaluate / predict / predictClasses', () => {
  const model = spiralModel(new Adam({ learningRate: 0.05 }));
  model.fit(data.x, data.y, { epochs: 20, batchSize: 300, shuffle: false });

  it('predict returns probability rows the caller owns', () => {
    const p = model.predict(data.x);
    expect(p.shape).toEqual([300, 3]);
    for (let i = 0; i < 300; i++) expect(p.get(i, 0) + p.get(i, 1) + p.get(i, 2)).toBeCloseTo(1, 5);
    const copy = p.data.slice();
    model.predict(spiralData({ samples: 100, seed: 5 }).x); // same batch size: would overwrite a shared buffer
    expect(p.data).toEqual(copy);
  });

  it('predictClasses is the argmax of predict, and evaluate matches loss and accuracy computed from it', () => {
    const p = model.predict(data.x);
    const classes = model.predictClasses(data.x);
    let correct = 0;
    let loss = 0;
    for (let i = 0; i < 300; i++) {
      const row = [p.get(i, 0), p.get(i, 1), p.get(i, 2)];
      expect(classes[i]).toBe(row.indexOf(Math.max(...row)));
      if (classes[i] === data.y[i]) correct++;
      loss -= Math.log(Math.max(row[data.y[i]], 1e-7));
    }
    const e = model.evaluate(data.x, data.y);
    expect(e.accuracy).toBe(correct / 300);
    expect(e.loss).toBeCloseTo(loss / 300, 10);
  });

  it('evaluate checks its data', () => {
    expect(() => model.evaluate(data.x, data.y.slice(2))).toThrow(
      'Sequential.evaluate: x has 300 rows but 298 targets (one per row needed)',
    );
  });
});
