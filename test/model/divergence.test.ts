/**
 * Nothing silent in training (issue 9, findings 2, 5, 8 and 9): an update that makes a parameter non-finite
 * is undone and reported, an exploding loss is flagged (and stops training when it persists), every value of
 * the data is checked before the first update, and bad arguments get messages that name them.
 */
import { describe, expect, it } from 'vitest';
import {
  Adam,
  BinaryCrossEntropy,
  CategoricalCrossEntropy,
  Dense,
  Linear,
  MeanSquaredError,
  RMSProp,
  ReLU,
  SGD,
  Sequential,
  Sigmoid,
  Softmax,
  Tanh,
  Tensor,
  spiralData,
  toOneHot,
  type Optimizer,
} from '../../src/index.js';

const snapshot = (m: Sequential) => m.parameters().map((p) => Array.from(p.value.data));
const allFinite = (m: Sequential) => m.parameters().every((p) => p.value.data.every(Number.isFinite));

/** The regression: x in [−3, 3], y = 1000·sin(x). */
function sineData(n = 64): { x: Tensor; y: Tensor } {
  const x = new Tensor([n, 1]);
  const y = new Tensor([n, 1]);
  for (let i = 0; i < n; i++) {
    x.data[i] = -3 + (6 * i) / (n - 1);
    y.data[i] = 1000 * Math.sin(x.data[i]);
  }
  return { x, y };
}

function sineModel(optimizer: Optimizer): Sequential {
  return new Sequential([new Dense(1, 16, { seed: 1 }), new Tanh(), new Dense(16, 1, { seed: 2 }), new Linear()]).compile({
    loss: new MeanSquaredError(),
    optimizer,
  });
}

describe('finding 2: fit never returns poisoned weights', () => {
  it.each([
    ['SGD', () => new SGD({ learningRate: 1e300 })],
    ['Adam', () => new Adam({ learningRate: 1e300 })],
    ['RMSProp', () => new RMSProp({ learningRate: 1e300 })],
  ])('%s at lr 1e300: the first update is undone and reported, naming the parameter', (name, make) => {
    const { x, y } = sineData();
    const model = sineModel(make());
    const before = snapshot(model);
    expect(() => model.fit(x, y, { epochs: 3, batchSize: 64 })).toThrow(
      new RegExp(
        `^Sequential\\.fit: training stopped at epoch 1 of 3, step 1 of 1 \\(batch of 64 rows\\): Sequential\\.trainStep: the ${name} update made 0:Dense\\(1→16\\)\\.weights non-finite \\(-?(Infinity|NaN) at index \\d+; its gradient was finite, the update overflowed\\)\\. The step was undone: parameters and optimizer state are as before it`,
      ),
    );
    expect(snapshot(model)).toEqual(before); // the last finite state, bit for bit
    expect(model.compiledWith!.optimizer.iterations).toBe(0);
  });

  it('the same holds for trainStep and fitAsync (one shared step)', async () => {
    const { x, y } = sineData();
    const model = sineModel(new SGD({ learningRate: 1e300 }));
    const before = snapshot(model);
    expect(() => model.trainStep(x, y)).toThrow(/^Sequential\.trainStep: the SGD update made 0:Dense\(1→16\)\.weights non-finite/);
    await expect(model.fitAsync(x, y, { batchSize: 64 })).rejects.toThrow(/^Sequential\.fitAsync: training stopped at epoch 1 of 1, step 1 of 1 .* The step was undone/);
    expect(snapshot(model)).toEqual(before);
  });

  it("SGD at lr 1 on y = 1000·sin(x) (the issue's run): stopped with finite weights, not 32 NaN weights", () => {
    const { x, y } = sineData();
    const model = sineModel(new SGD({ learningRate: 1 }));
    let history: ReturnType<Sequential['fit']> | null = null;
    try {
      history = model.fit(x, y, { epochs: 15, batchSize: 16, seed: 1 });
    } catch (err) {
      expect((err as Error).message).toMatch(/^Sequential\.fit: training stopped at epoch \d+ of 15, step \d+ of 4 .*(non-finite|loss is (NaN|Infinity))/);
    }
    if (history !== null) expect(history.at(-1)!.warning).toMatch(/^the loss is diverging: .*; training stopped \(stopOnDivergence\)/);
    expect(allFinite(model)).toBe(true);
  });

  it('Softmax + cross-entropy at lr 1e6 (finite but exploding): a warning per epoch, and training stops', () => {
    const { x, y } = spiralData({ samples: 100, classes: 3, seed: 0 });
    const make = () =>
      new Sequential([new Dense(2, 64, { seed: 1 }), new ReLU(), new Dense(64, 3, { seed: 2 }), new Softmax()]).compile({
        loss: new CategoricalCrossEntropy(),
        optimizer: new SGD({ learningRate: 1e6 }),
      });
    const history = make().fit(x, y, { epochs: 100, batchSize: 32, seed: 3 });
    expect(history.length).toBeLessThan(100);
    const last = history.at(-1)!;
    expect(last.warning).toMatch(/^the loss is diverging: [\d.]+ in epoch \d+ is [\d.]+× the [\d.]+ of the first batch( \(\d+ epochs in a row\))?; training stopped \(stopOnDivergence\)\. Lower the learning rate\.$/);
    // stopOnDivergence: false trains on, still warning
    const warned = make().fit(x, y, { epochs: 30, batchSize: 32, seed: 3, stopOnDivergence: false });
    expect(warned).toHaveLength(30);
    expect(warned.filter((e) => e.warning !== undefined).length).toBeGreaterThan(10);
    expect(warned.at(-1)!.warning).not.toMatch(/training stopped/);
  });
});

describe('finding 5: fit checks all data before changing a weight', () => {
  const model = () =>
    new Sequential([new Dense(2, 4, { seed: 1 }), new ReLU(), new Dense(4, 3, { seed: 2 }), new Softmax()]).compile({
      loss: new CategoricalCrossEntropy(),
      optimizer: new Adam({ learningRate: 0.1 }),
    });
  const { x, y } = spiralData({ samples: 100, classes: 3, seed: 0 });

  it('NaN in the last row of x', () => {
    const m = model();
    const before = snapshot(m);
    const bad = x.clone();
    bad.data[bad.size - 1] = Number.NaN;
    expect(() => m.fit(bad, y, { epochs: 2, batchSize: 10 })).toThrow(
      'Sequential.fit: training data x holds NaN at row 299, column 1 (of [300, 2]); every input must be finite',
    );
    expect(snapshot(m)).toEqual(before);
  });

  it('a bad one-hot row late in y, and a NaN regression target', () => {
    const m = model();
    const before = snapshot(m);
    const oneHot = new Tensor([300, 3]);
    for (let i = 0; i < 300; i++) oneHot.data[i * 3 + y[i]] = 1;
    oneHot.data[299 * 3] = 2;
    expect(() => m.fit(x, oneHot, { batchSize: 10 })).toThrow(
      'Sequential.fit: training data targets: CategoricalCrossEntropy.forward: one-hot label row 299 holds 2 at column 0; values must lie in [0, 1]',
    );
    expect(snapshot(m)).toEqual(before);
    const reg = new Sequential([new Dense(2, 1, { seed: 1 })]).compile({ loss: new MeanSquaredError(), optimizer: new SGD() });
    const target = new Tensor([300, 1]);
    target.data[250] = Number.NaN;
    const regBefore = snapshot(reg);
    expect(() => reg.fit(x, target, { batchSize: 10 })).toThrow(/^Sequential\.fit: training data targets: MeanSquaredError\.forward: targets: .*NaN/);
    expect(snapshot(reg)).toEqual(regBefore);
  });

  it('validationData of the wrong width, with NaN, or malformed: named as validationData, before training', () => {
    const m = model();
    const before = snapshot(m);
    const wide = new Tensor([5, 3]);
    expect(() => m.fit(x, y, { validationData: [wide, new Int32Array(5)] })).toThrow(/^Sequential\.fit: validationData/);
    const nan = x.clone();
    nan.data[17] = Number.NaN;
    expect(() => m.fit(x, y, { validationData: { x: nan, y } })).toThrow(
      'Sequential.fit: validationData x holds NaN at row 8, column 1 (of [300, 2]); every input must be finite',
    );
    expect(() => m.fit(x, y, { validationData: [x] as never })).toThrow(
      'Sequential.fit: validationData must be [x, y] or { x, y } with x a Tensor, got an array of length 1',
    );
    expect(snapshot(m)).toEqual(before);
  });
});

describe('findings 8 and 9: plain-JavaScript mistakes get named, not a raw engine error or a silent default', () => {
  const x = Tensor.fromArray([[0, 1], [1, 0]]);
  const y = new Int32Array([0, 1]);
  const model = () =>
    new Sequential([new Dense(2, 2, { seed: 1 }), new Softmax()]).compile({ loss: new CategoricalCrossEntropy(), optimizer: new SGD() });

  it('fit / predict / evaluate arguments', () => {
    const m = model();
    expect(() => m.fit(x, undefined as never)).toThrow(
      new TypeError('Sequential.fit: y must be class indices (an Int32Array or an array) or a targets Tensor, got undefined'),
    );
    expect(() => m.predict([[1, 2]] as never)).toThrow(
      new TypeError('Sequential.predict: x must be a Tensor (e.g. Tensor.fromArray([[…]])), got an array of length 1'),
    );
    expect(() => m.predictClasses('x' as never)).toThrow("Sequential.predictClasses: x must be a Tensor (e.g. Tensor.fromArray([[…]])), got 'x'");
    expect(() => m.evaluate(x, null as never)).toThrow('Sequential.evaluate: y must be class indices');
    expect(() => m.trainStep(null as never, y)).toThrow('Sequential.trainStep: x must be a Tensor, got null');
  });

  it('fit options: callbacks, typos and seeds are checked before the first epoch trains', () => {
    const m = model();
    const before = snapshot(m);
    expect(() => m.fit(x, y, { onEpochEnd: 5 as never })).toThrow(new TypeError('Sequential.fit: onEpochEnd must be a function, got 5'));
    expect(() => m.fit(x, y, { epoch: 10 } as never)).toThrow("Sequential.fit: unknown option 'epoch' in options (known: epochs,");
    expect(() => m.fit(x, y, { shuffle: 'no' as never })).toThrow("Sequential.fit: shuffle must be true or false, got 'no'");
    for (const seed of ['abc', Number.NaN, Infinity, 1.5]) {
      expect(() => m.fit(x, y, { seed: seed as never })).toThrow(/^Sequential\.fit: seed must be (an integer|a safe integer)/);
    }
    expect(() => m.fit(x, y, { signal: {} as never })).toThrow('Sequential.fit: signal must be an AbortSignal');
    expect(snapshot(m)).toEqual(before);
  });

  it('seeds ≥ 2^32 shuffle differently from their low 32 bits (no silent collision)', () => {
    const { x: sx, y: sy } = spiralData({ samples: 20, classes: 3, seed: 0 });
    const run = (seed: number) =>
      new Sequential([new Dense(2, 3, { seed: 1 }), new Softmax()])
        .compile({ loss: new CategoricalCrossEntropy(), optimizer: new SGD() })
        .fit(sx, sy, { batchSize: 7, seed })[0].loss;
    expect(run(2 ** 32 + 5)).not.toBe(run(5));
  });

  it('compile: a metric that is not one, and one optimizer shared by two models', () => {
    expect(() => model().compile({ loss: new CategoricalCrossEntropy(), optimizer: new SGD(), metric: {} as never })).toThrow(
      new TypeError('Sequential.compile: metric must be a Metric (with compute), got an empty object'),
    );
    expect(() => model().compile(null as never)).toThrow(new TypeError('Sequential.compile: options must be an options object, got null'));
    const shared = new Adam();
    const a = model().compile({ loss: new CategoricalCrossEntropy(), optimizer: shared });
    a.compile({ loss: new CategoricalCrossEntropy(), optimizer: shared }); // the same model again is fine
    expect(() => model().compile({ loss: new CategoricalCrossEntropy(), optimizer: shared })).toThrow(
      'Sequential.compile: this Adam already trains another model; one optimizer per model (shared, their step counts and learning-rate decay would mix)',
    );
  });

  it('a NaN weight is named as the model’s, not blamed on x; a text label is quoted', () => {
    const m = model();
    m.parameters()[0].value.data[3] = Number.NaN;
    expect(() => m.fit(x, y)).toThrow(
      "Sequential.fit: the model's 0:Dense(2→2).weights holds NaN at index 3 before training; a model with non-finite parameters cannot train",
    );
    expect(() => model().fit(x, ['a', 1] as never)).toThrow("Sequential.fit: x label 'a' at index 0 is not a class index in [0, 1]");
    expect(() => toOneHot(['2'] as never, 3)).toThrow("toOneHot: label '2' at index 0 is not a class index in [0, 2]");
  });

  it('predictClasses on one sigmoid unit thresholds at 0.5 instead of returning all zeros', () => {
    const m = new Sequential([new Dense(1, 1, { seed: 1 }), new Sigmoid()]).compile({ loss: new BinaryCrossEntropy(), optimizer: new SGD() });
    const w = m.parameters()[0].value.data;
    w[0] = 10;
    const classes = m.predictClasses(Tensor.fromArray([[-1], [1], [0.5], [-0.2]]));
    expect(Array.from(classes)).toEqual([0, 1, 1, 0]);
    expect(Array.from(m.predictClasses(Tensor.fromArray([[-1], [1]]), { batchSize: 1 }))).toEqual([0, 1]);
  });
});
