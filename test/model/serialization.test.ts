import { describe, expect, it } from 'vitest';
import {
  AdaGrad,
  Adam,
  BinaryCrossEntropy,
  CategoricalCrossEntropy,
  Dense,
  Dropout,
  LeakyReLU,
  Linear,
  MeanSquaredError,
  MODEL_FORMAT_VERSION,
  RMSProp,
  ReLU,
  SGD,
  Sequential,
  Sigmoid,
  Softmax,
  Tanh,
  Tensor,
  registerLayer,
  setGlobalSeed,
  type Layer,
  type ModelJSON,
  type Optimizer,
  type Parameter,
} from '../../src/index.js';
import { float32ToBase64 } from '../../src/model/base64.js';
import { randomLabels, randomTensor } from '../helpers/check-gradients.js';

/** Every built-in layer type, regularised and with non-default options, so nothing is saved by luck. */
function everyLayerModel(): Sequential {
  return new Sequential([
    new Dense(3, 8, { seed: 1, initializer: 'he', weightL1: 1e-4, weightL2: 5e-4, biasL1: 1e-5, biasL2: 2e-5 }),
    new LeakyReLU({ alpha: 0.05 }),
    new Dropout({ rate: 0.2, seed: 7 }),
    new Dense(8, 6, { seed: 2, initializer: 'glorot' }),
    new Tanh(),
    new Dense(6, 5, { seed: 3 }),
    new Sigmoid(),
    new Dense(5, 4, { seed: 4 }),
    new ReLU(),
    new Dense(4, 3, { seed: 5 }),
    new Linear(),
    new Softmax(),
  ]);
}

/** Parsed copy of the model's JSON, as a file would give it back. */
const roundTripJSON = (model: Sequential, includeOptimizer = false): ModelJSON =>
  JSON.parse(JSON.stringify(model.toJSON({ includeOptimizer })));

describe('Sequential.toJSON / fromJSON', () => {
  it('round trip gives bit-identical predictions and the same architecture and options', () => {
    const model = everyLayerModel();
    // train a little so biases are non-zero and weights are not their seeded initial values
    model.compile({ loss: new CategoricalCrossEntropy(), optimizer: new Adam({ learningRate: 0.01 }) });
    const x = randomTensor(16, 3, 1, -2, 2);
    const y = randomLabels(16, 3, 2);
    for (let i = 0; i < 5; i++) model.trainStep(x, y);

    const json = roundTripJSON(model);
    expect(json.format).toBe('handgrad-model');
    expect(json.version).toBe(MODEL_FORMAT_VERSION);
    expect(json.layers.map((l) => l.type)).toEqual([
      'Dense', 'LeakyReLU', 'Dropout', 'Dense', 'Tanh', 'Dense', 'Sigmoid', 'Dense', 'ReLU', 'Dense', 'Linear', 'Softmax',
    ]);
    expect(json.layers[0].config).toEqual({ nIn: 3, nOut: 8, seed: 1, initializer: 'he', weightL1: 1e-4, weightL2: 5e-4, biasL1: 1e-5, biasL2: 2e-5 });
    expect(json.layers[1].config).toEqual({ alpha: 0.05 });
    expect(json.layers[2].config).toEqual({ rate: 0.2, seed: 7 });
    expect(json.training).toBeUndefined();

    const loaded = Sequential.fromJSON(json);
    expect(loaded.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    const a = model.predict(x).data;
    const b = loaded.predict(x).data;
    expect(new Uint32Array(b.buffer)).toEqual(new Uint32Array(a.buffer)); // bit for bit
    expect(loaded.regularizationLoss()).toBe(model.regularizationLoss());
    loaded.parameters().forEach((p, i) => expect(p.value.data).toEqual(model.parameters()[i].value.data));
  });

  it('stores every float32 bit pattern losslessly (subnormals, −0, extremes)', () => {
    const model = new Sequential([new Dense(2, 3, { seed: 1 })]);
    const special = [Math.fround(1e-45), -0, 3.4028234663852886e38, -1.1754943508222875e-38, Math.fround(Math.PI), 1];
    model.parameters()[0].value.data.set(special);
    const loaded = Sequential.fromJSON(roundTripJSON(model));
    const w = loaded.parameters()[0].value.data;
    expect(new Uint32Array(w.buffer)).toEqual(new Uint32Array(new Float32Array(special).buffer));
  });

  it('JSON.stringify(model) works directly (toJSON called with a key string)', () => {
    const model = new Sequential([new Dense(2, 2, { seed: 1 }), new ReLU()]);
    expect(JSON.parse(JSON.stringify(model))).toEqual(model.toJSON());
  });

  it('loading draws nothing from the global random stream', () => {
    const json = roundTripJSON(everyLayerModel());
    setGlobalSeed(123);
    const expected = new Dense(4, 4).weights.data.slice();
    setGlobalSeed(123);
    Sequential.fromJSON(json);
    expect(new Dense(4, 4).weights.data).toEqual(expected);
  });

  it('a user-defined layer becomes saveable with one registerLayer call', () => {
    class Scale implements Layer {
      readonly name: string;
      dinputs: Tensor | null = null;
      constructor(readonly factor: number) {
        this.name = `Scale(${factor})`;
      }
      forward(x: Tensor): Tensor {
        return new Tensor([x.rows, x.cols], x.data.map((v) => v * this.factor));
      }
      backward(d: Tensor): Tensor {
        return (this.dinputs = new Tensor([d.rows, d.cols], d.data.map((v) => v * this.factor)));
      }
      parameters(): Parameter[] {
        return [];
      }
    }
    const model = new Sequential([new Dense(2, 2, { seed: 3 }), new Scale(3)]);
    expect(() => model.toJSON()).toThrow(
      'Sequential.toJSON: layers[1] (Scale(3)) has no registered type; call registerLayer({ type, layerClass, getConfig, fromConfig }) for its class',
    );
    registerLayer<Scale>({ type: 'Scale', layerClass: Scale, getConfig: (l) => ({ factor: l.factor }), fromConfig: (c) => new Scale(c.factor as number) });
    const loaded = Sequential.fromJSON(roundTripJSON(model));
    const x = randomTensor(3, 2, 4);
    expect(loaded.predict(x).data).toEqual(model.predict(x).data);
    expect(loaded.layers[1].name).toBe('Scale(3)');
  });
});

describe('resuming training from a saved model', () => {
  const optimizers: [string, () => Optimizer][] = [
    ['SGD with momentum and decay', () => new SGD({ learningRate: 0.5, momentum: 0.9, decay: 1e-3 })],
    ['AdaGrad', () => new AdaGrad({ learningRate: 0.5, decay: 1e-4 })],
    ['RMSProp', () => new RMSProp({ learningRate: 0.01, rho: 0.95, decay: 1e-4 })],
    ['Adam', () => new Adam({ learningRate: 0.02, decay: 5e-4, beta1: 0.8, beta2: 0.99 })],
  ];

  function dropoutModel(optimizer: Optimizer): Sequential {
    return new Sequential([
      new Dense(2, 16, { seed: 1, initializer: 'he', weightL2: 1e-3, biasL1: 1e-4 }),
      new ReLU(),
      new Dropout({ rate: 0.25, seed: 9 }),
      new Dense(16, 3, { seed: 2 }),
      new Softmax(),
    ]).compile({ loss: new CategoricalCrossEntropy(), optimizer });
  }

  const batches = [0, 1, 2].map((k) => ({ x: randomTensor(12, 2, 10 + k, -1, 1), y: randomLabels(12, 3, 20 + k) }));
  const stepOn = (model: Sequential, step: number) => model.trainStep(batches[step % 3].x, batches[step % 3].y);

  it.each(optimizers)('%s: save at step k with the optimizer, load, continue = uninterrupted, bit for bit', (_, make) => {
    const k = 7;
    const total = 15;
    const uninterrupted = dropoutModel(make());
    const expected = Array.from({ length: total }, (_, s) => stepOn(uninterrupted, s));

    const first = dropoutModel(make());
    for (let s = 0; s < k; s++) expect(stepOn(first, s)).toBe(expected[s]);
    const resumed = Sequential.fromJSON(roundTripJSON(first, true));
    expect(resumed.compiledWith?.optimizer.name).toBe(make().name);
    expect(resumed.compiledWith?.optimizer.iterations).toBe(k);
    for (let s = k; s < total; s++) expect(stepOn(resumed, s)).toBe(expected[s]);
    resumed.parameters().forEach((p, i) => expect(p.value.data).toEqual(uninterrupted.parameters()[i].value.data));
  });

  it('without the optimizer state the continuation differs (the test above can fail)', () => {
    const uninterrupted = dropoutModel(new Adam({ learningRate: 0.02 }));
    const expected = Array.from({ length: 10 }, (_, s) => stepOn(uninterrupted, s));
    const first = dropoutModel(new Adam({ learningRate: 0.02 }));
    for (let s = 0; s < 5; s++) stepOn(first, s);
    const fresh = Sequential.fromJSON(roundTripJSON(first)).compile({ loss: new CategoricalCrossEntropy(), optimizer: new Adam({ learningRate: 0.02 }) });
    expect(stepOn(fresh, 5)).toBe(expected[5]); // same weights and dropout stream: the first loss agrees …
    expect(stepOn(fresh, 6)).not.toBe(expected[6]); // … but Adam restarts its moments and bias correction
  });

  it('restores each loss by name', () => {
    for (const loss of [new BinaryCrossEntropy(), new MeanSquaredError()]) {
      const model = new Sequential([new Dense(2, 1, { seed: 1 }), new Sigmoid()]).compile({ loss, optimizer: new SGD() });
      expect(Sequential.fromJSON(roundTripJSON(model, true)).compiledWith?.loss.name).toBe(loss.name);
    }
  });

  it('includeOptimizer needs a compiled model', () => {
    expect(() => new Sequential([new ReLU()]).toJSON({ includeOptimizer: true })).toThrow(
      'Sequential.toJSON({ includeOptimizer: true }): call compile({ loss, optimizer }) first',
    );
  });
});

describe('Sequential.fromJSON rejects corrupt models, naming the field', () => {
  const model = new Sequential([
    new Dense(2, 3, { seed: 1 }),
    new Dropout({ rate: 0.5, seed: 1 }),
    new Dense(3, 2, { seed: 2 }),
    new Softmax(),
  ]).compile({ loss: new CategoricalCrossEntropy(), optimizer: new Adam() });
  model.trainStep(randomTensor(4, 2, 1), randomLabels(4, 2, 2));
  const good = roundTripJSON(model, true);

  /** A deep copy of the good JSON with one change applied. */
  function corrupt(change: (j: any) => void): unknown {
    const j = structuredClone(good);
    change(j);
    return j;
  }
  const cases: [string, (j: any) => void, string][] = [
    ['not an object', () => {}, ''],
    ['wrong format tag', (j) => (j.format = 'keras'), "format: expected 'handgrad-model', got 'keras'"],
    ['future version', (j) => (j.version = 3), 'version: unsupported format version 3 (this handgrad reads versions 1 and 2)'],
    ['missing version', (j) => delete j.version, 'version: unsupported format version undefined'],
    ['no layers', (j) => (j.layers = []), 'layers: expected a non-empty array, got an array'],
    ['layer not an object', (j) => (j.layers[1] = 5), 'layers[1]: expected { type, config, parameters }, got 5'],
    ['unknown layer type', (j) => (j.layers[1].type = 'LSTM'), "layers[1].type: unknown layer type 'LSTM' (registered: Dense, ReLU, Softmax, Sigmoid, Tanh, Linear, LeakyReLU, Dropout, Flatten, GlobalAveragePooling2D, Conv2D, MaxPool2D, AveragePooling2D, BatchNormalization"],
    ['bad config value', (j) => (j.layers[0].config.nOut = -3), 'layers[0].config: Dense: nOut must be an integer ≥ 1, got -3'],
    ['bad dropout rate', (j) => (j.layers[1].config.rate = 1.5), 'layers[1].config: Dropout: rate must be a number in [0, 1), got 1.5'],
    ['missing parameter', (j) => delete j.layers[0].parameters.biases, 'layers[0].parameters.biases: missing'],
    ['unknown parameter', (j) => (j.layers[0].parameters.gamma = j.layers[0].parameters.biases), 'layers[0].parameters.gamma: Dense(2→3) has no such parameter (it has weights, biases)'],
    ['wrong shape', (j) => (j.layers[0].parameters.weights.shape = [3, 2]), "layers[0].parameters.weights.shape: [3,2] does not match the layer's [2, 3]"],
    ['wrong dtype', (j) => (j.layers[2].parameters.biases.dtype = 'float64'), "layers[2].parameters.biases.dtype: expected 'float32', got 'float64'"],
    ['short data', (j) => (j.layers[0].parameters.weights.data = j.layers[0].parameters.weights.data.slice(0, 16)), 'layers[0].parameters.weights.data: holds 12 bytes, expected 24 (6 float32 values)'],
    ['not base64', (j) => (j.layers[0].parameters.weights.data = '!!!!' + j.layers[0].parameters.weights.data.slice(4)), 'layers[0].parameters.weights.data: not base64 (bad character at position 0)'],
    ['non-finite weight', (j) => (j.layers[2].parameters.weights.data = nanWeights(6)), 'layers[2].parameters.weights.data: value NaN at index 0 is not finite'],
    ['layers that do not fit', (j) => (j.layers[2] = denseJSON(4, 2)), 'layers[2].config.nIn: 4 does not match the 3 outputs of the Dense layer before it'],
    ['missing dropout state', (j) => delete j.layers[1].state, 'layers[1].state: missing'],
    ['bad dropout state', (j) => (j.layers[1].state = { words: [1, 2], spareNormal: null }), 'layers[1].state: Random.setState: words must be 4 32-bit integers, got [1, 2]'],
    ['unknown loss', (j) => (j.training.loss = 'Hinge'), "training.loss: unknown loss 'Hinge' (registered: CategoricalCrossEntropy, BinaryCrossEntropy, MeanSquaredError, MeanAbsoluteError"],
    ['unknown optimizer', (j) => (j.training.optimizer.config.name = 'Lion'), "training.optimizer.config: unknown optimizer 'Lion' (registered: SGD, AdaGrad, RMSProp, Adam"],
    ['bad optimizer option', (j) => (j.training.optimizer.config.options.beta1 = 2), 'training.optimizer.config: Adam: beta1 must be a number in [0, 1), got 2'],
    ['missing optimizer slot', (j) => delete j.training.optimizer.slots.cache, "training.optimizer: Adam.setState: snapshot has no 'cache' state"],
    ['wrong slot count', (j) => j.training.optimizer.slots.momentum.pop(), 'training.optimizer.slots.momentum: expected one tensor per parameter (4), got 3'],
    ['wrong slot shape', (j) => (j.training.optimizer.slots.cache[0].shape = [1, 6]), "training.optimizer.slots.cache[0].shape: [1,6] does not match the layer's [2, 3]"],
    ['negative iterations', (j) => (j.training.optimizer.iterations = -1), 'training.optimizer: Adam.setState: iterations must be an integer ≥ 0, got -1'],
  ];

  /** n NaNs as saved-tensor base64 (toJSON itself refuses to write them). */
  function nanWeights(n: number): string {
    return float32ToBase64(new Float32Array(n).fill(Number.NaN));
  }
  function denseJSON(nIn: number, nOut: number) {
    return new Sequential([new Dense(nIn, nOut, { seed: 1 })]).toJSON().layers[0];
  }

  it('the uncorrupted JSON loads', () => {
    expect(() => Sequential.fromJSON(good)).not.toThrow();
  });

  it.each(cases)('%s', (name, change, message) => {
    const input = name === 'not an object' ? 'a string' : corrupt(change);
    const expected = name === 'not an object' ? "(root): expected a saved model object, got 'a string'" : message;
    expect(() => Sequential.fromJSON(input)).toThrow(`Sequential.fromJSON: ${expected}`);
  });
});
