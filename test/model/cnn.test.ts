import { beforeAll, describe, expect, it } from 'vitest';
import {
  Adam,
  AveragePooling2D,
  BatchNormalization,
  CategoricalCrossEntropy,
  Conv2D,
  Dense,
  Flatten,
  GlobalAveragePooling2D,
  MaxPool2D,
  Random,
  ReLU,
  Sequential,
  Softmax,
  Tensor,
  gradCheckModel,
  type ModelJSON,
} from '../../src/index.js';
import { FD_EPSILON, randomLabels, randomTensorNd } from '../helpers/check-gradients.js';
import { expectClose } from '../helpers/close.js';
import { tf, tfData, tfReady } from '../helpers/tf.js';

beforeAll(tfReady);

/** The CNN for 28×28×1 images. */
function fashionCnn(): Sequential {
  return new Sequential([
    new Conv2D(1, 32, { kernelSize: 3, seed: 1, initializer: 'he' }),
    new ReLU(),
    new MaxPool2D({ poolSize: 2 }),
    new Conv2D(32, 64, { kernelSize: 3, seed: 2, initializer: 'he' }),
    new ReLU(),
    new MaxPool2D({ poolSize: 2 }),
    new Flatten(),
    new Dense(1600, 128, { seed: 3, initializer: 'he' }),
    new ReLU(),
    new Dense(128, 10, { seed: 4, initializer: 'glorot' }),
    new Softmax(),
  ]);
}

/** A small CNN that uses every new layer type, for end-to-end gradient checks (input [n, 7, 7, 2]). */
function smallCnn(seed: number): Sequential {
  const model = new Sequential([
    new Conv2D(2, 3, { kernelSize: 3, padding: 'same', seed, initializer: 'he' }),
    new BatchNormalization(3),
    new ReLU(),
    new MaxPool2D({ poolSize: 2 }),
    new Conv2D(3, 4, { kernelSize: 2, seed: seed + 1, initializer: 'he' }),
    new ReLU(),
    new AveragePooling2D({ poolSize: 2, strides: 1, padding: 'same' }),
    new Flatten(),
    new Dense(16, 5, { seed: seed + 2, initializer: 'glorot' }),
    new Softmax(),
  ]);
  // non-trivial biases, γ and β, so every gradient term is exercised
  const rng = new Random(seed + 3);
  for (const p of model.parameters()) if (!p.name.endsWith('weights')) rng.fillUniform(p.value.data, 0.5, 1.5);
  return model;
}

/** `smallCnn` written with tfjs ops, parameters in `model.parameters()` order; returns the mean cross-entropy. */
function tfSmallCnnLoss(x: tf.Tensor, params: tf.Tensor[], labels: Int32Array): tf.Scalar {
  const [w1, b1, gamma, beta, w2, b2, w3, b3] = params;
  let h: tf.Tensor = tf.add(tf.conv2d(x as tf.Tensor4D, w1 as tf.Tensor4D, 1, 'same'), b1);
  const { mean, variance } = tf.moments(h, [0, 1, 2]);
  h = tf.batchNorm(h, mean, variance, tf.reshape(beta, [-1]), tf.reshape(gamma, [-1]), 1e-3);
  h = tf.maxPool(tf.relu(h) as tf.Tensor4D, 2, 2, 'valid');
  h = tf.relu(tf.add(tf.conv2d(h as tf.Tensor4D, w2 as tf.Tensor4D, 1, 'valid'), b2));
  // 2×2 average pooling, stride 1, 'same' on a 2×2 map: windows of 4, 2, 2 and 1 real pixels. Written with
  // slices and pads (tf.avgPool's gradient at 'same' borders divides by the full window; see the layer test).
  const padded = tf.pad(h, [[0, 0], [0, 1], [0, 1], [0, 0]]);
  const sums = tf.add(tf.add(tf.slice(padded, [0, 0, 0, 0], [-1, 2, 2, -1]), tf.slice(padded, [0, 1, 0, 0], [-1, 2, 2, -1])), tf.add(tf.slice(padded, [0, 0, 1, 0], [-1, 2, 2, -1]), tf.slice(padded, [0, 1, 1, 0], [-1, 2, 2, -1])));
  h = tf.div(sums, tf.tensor4d([4, 2, 2, 1], [1, 2, 2, 1]));
  const logits = tf.add(tf.matMul(tf.reshape(h, [h.shape[0], -1]), w3 as tf.Tensor2D), b3);
  const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), 5);
  return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1))) as tf.Scalar;
}

/** Images of a bar: class 0 horizontal, 1 vertical, 2 a diagonal, at a random place, with noise. */
function barImages(count: number, size: number, seed: number): { x: Tensor; y: Int32Array } {
  const rng = new Random(seed);
  const x = new Tensor([count, size, size, 1]);
  const y = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const label = rng.int(3);
    y[n] = label;
    const at = 1 + rng.int(size - 2);
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) {
        const on = label === 0 ? i === at : label === 1 ? j === at : i === j;
        x.data[(n * size + i) * size + j] = (on ? 1 : 0) + 0.2 * rng.uniform();
      }
    }
  }
  return { x, y };
}

describe('convolutional networks', () => {
  it('summary shows N-D output shapes and parameter counts', () => {
    expect(fashionCnn().summary([28, 28, 1])).toBe(
      [
        '#   Layer               Output shape          Params',
        '────────────────────────────────────────────────────',
        '0   Conv2D(1→32, 3×3)   [batch, 26, 26, 32]      320',
        '1   ReLU                [batch, 26, 26, 32]        0',
        '2   MaxPool2D(2×2)      [batch, 13, 13, 32]        0',
        '3   Conv2D(32→64, 3×3)  [batch, 11, 11, 64]   18,496',
        '4   ReLU                [batch, 11, 11, 64]        0',
        '5   MaxPool2D(2×2)      [batch, 5, 5, 64]          0',
        '6   Flatten             [batch, 1600]              0',
        '7   Dense(1600→128)     [batch, 128]         204,928',
        '8   ReLU                [batch, 128]               0',
        '9   Dense(128→10)       [batch, 10]            1,290',
        '10  Softmax             [batch, 10]                0',
        '────────────────────────────────────────────────────',
        'Total params: 225,034 (inputs: [batch, 28, 28, 1])',
      ].join('\n'),
    );
  });

  it('a whole small CNN: the model backward matches finite differences and TensorFlow.js autodiff', () => {
    const model = smallCnn(5);
    const loss = new CategoricalCrossEntropy();
    const x = randomTensorNd([3, 7, 7, 2], 6);
    const labels = randomLabels(3, 5, 7);

    // (a) TensorFlow.js autodiff of the same network, same parameters
    const yPred = model.forward(x, { training: true });
    const value = loss.forward(yPred, labels);
    const dx = model.backward(yPred, labels, loss).data.slice();
    const params = model.parameters();
    tf.tidy(() => {
      const args = [tf.tensor(x.data.slice(), [...x.shape]), ...params.map((p) => tf.tensor(p.value.data.slice(), [...p.value.shape]))];
      const tfValue = tfSmallCnnLoss(args[0], args.slice(1), labels).dataSync()[0];
      expect(value).toBeCloseTo(tfValue, 5);
      const grads = tf.grads((...ts: tf.Tensor[]) => tfSmallCnnLoss(ts[0], ts.slice(1), labels))(args);
      // abs: the biases of the Conv2D before BatchNormalization have gradient exactly 0 (BN subtracts the
      // batch mean), which both sides compute as float32 noise of ~1e-8
      const tol = { rtol: 1e-3, atol: 1e-4, abs: 1e-6 };
      expectClose(dx, tfData(grads[0]), tol, 'small CNN input gradient vs TensorFlow.js');
      params.forEach((p, i) => expectClose(p.grad.data, tfData(grads[i + 1]), tol, `small CNN ${p.name} vs TensorFlow.js`));
    });

    // (b) central differences of the whole model's loss, for the input and every parameter. The loss is a
    // float32 computation through ten layers, so the difference quotient carries ~1e-4 of rounding noise
    // (measured over seeds at h = 1e-3): hence the unscaled floor `abs`. A central difference is only a
    // slope where no ReLU or max changes its choice within ±h; a first-layer weight moves every activation,
    // so some inputs do cross a kink (then the quotient measures a jump). This fixed seed crosses none —
    // the TensorFlow.js check above needs no such luck.
    const report = gradCheckModel(model, loss, x, labels, { epsilon: FD_EPSILON, maxElementsPerTensor: 25 });
    for (const e of report.entries) {
      expectClose(e.analytic, e.numeric, { rtol: 2e-3, atol: 2e-3, abs: 5e-4 }, `small CNN ${e.name} vs finite differences`);
    }

  });

  it('fit, evaluate and predict take NHWC images; a small CNN learns to tell bar orientations apart', () => {
    const train = barImages(300, 9, 1);
    const test = barImages(150, 9, 2);
    const model = new Sequential([
      new Conv2D(1, 8, { kernelSize: 3, padding: 'same', seed: 1, initializer: 'he' }),
      new BatchNormalization(8),
      new ReLU(),
      new MaxPool2D({ poolSize: 3 }),
      new Conv2D(8, 8, { kernelSize: 3, seed: 2, initializer: 'he' }),
      new ReLU(),
      new GlobalAveragePooling2D(),
      new Dense(8, 3, { seed: 3, initializer: 'glorot' }),
      new Softmax(),
    ]).compile({ loss: new CategoricalCrossEntropy(), optimizer: new Adam({ learningRate: 0.02 }) });
    const before = model.evaluate(test.x, test.y);
    const history = model.fit(train.x, train.y, { epochs: 8, batchSize: 32, seed: 3 });
    const after = model.evaluate(test.x, test.y);
    expect(history[7].loss).toBeLessThan(history[0].loss);
    expect(before.accuracy).toBeLessThan(0.5);
    expect(after.accuracy).toBeGreaterThan(0.95);
    const probabilities = model.predict(test.x);
    expect(probabilities.shape).toEqual([150, 3]);
    expect(Array.from(model.predictClasses(test.x))).toEqual(
      Array.from({ length: 150 }, (_, i) => {
        const row = Array.from(probabilities.data.subarray(i * 3, i * 3 + 3));
        return row.indexOf(Math.max(...row));
      }),
    );
  });

  it('save/load round-trips every new layer, with the BatchNormalization moving statistics, bit for bit', () => {
    const model = smallCnn(9).compile({ loss: new CategoricalCrossEntropy(), optimizer: new Adam({ learningRate: 0.01 }) });
    const x = randomTensorNd([6, 7, 7, 2], 10);
    const y = randomLabels(6, 5, 11);
    for (let i = 0; i < 3; i++) model.trainStep(x, y);
    const json = JSON.parse(JSON.stringify(model.toJSON({ includeOptimizer: true }))) as ModelJSON;
    expect(json.layers.map((l) => l.type)).toEqual([
      'Conv2D', 'BatchNormalization', 'ReLU', 'MaxPool2D', 'Conv2D', 'ReLU', 'AveragePooling2D', 'Flatten', 'Dense', 'Softmax',
    ]);
    expect(json.layers[0].config).toMatchObject({ inChannels: 2, filters: 3, kernelSize: [3, 3], strides: [1, 1], padding: 'same' });
    expect(json.layers[0].parameters.weights.shape).toEqual([3, 3, 2, 3]);
    expect(json.layers[6].config).toEqual({ poolSize: [2, 2], strides: [1, 1], padding: 'same' });

    const loaded = Sequential.fromJSON(json);
    const bn = loaded.layers[1] as BatchNormalization;
    const original = model.layers[1] as BatchNormalization;
    expect(bn.movingMean.data).toEqual(original.movingMean.data);
    expect(bn.movingVariance.data).toEqual(original.movingVariance.data);
    expect(Array.from(bn.movingMean.data).some((v) => v !== 0)).toBe(true); // training moved them
    // inference uses the moving statistics, so equal predictions prove they were restored
    expect(loaded.predict(x).data).toEqual(model.predict(x).data);
    // and training resumes exactly
    expect(loaded.trainStep(x, y)).toBe(model.trainStep(x, y));
    expect(loaded.predict(x).data).toEqual(model.predict(x).data);
  });

  it("save/load keeps Conv2D's and Dense's fused activation 'relu'; training resumes bit for bit", () => {
    const model = new Sequential([
      new Conv2D(2, 8, { kernelSize: 3, seed: 1, initializer: 'he', activation: 'relu' }),
      new MaxPool2D({ poolSize: 2 }),
      new Flatten(),
      new Dense(8 * 2 * 2, 3, { seed: 2, activation: 'relu' }),
      new Softmax(),
    ]).compile({ loss: new CategoricalCrossEntropy(), optimizer: new Adam({ learningRate: 0.01 }) });
    const x = randomTensorNd([4, 7, 7, 2], 3);
    const y = randomLabels(4, 3, 4);
    for (let i = 0; i < 2; i++) model.trainStep(x, y);
    const json = JSON.parse(JSON.stringify(model.toJSON({ includeOptimizer: true }))) as ModelJSON;
    expect(json.layers[0].config).toMatchObject({ activation: 'relu' });
    expect(json.layers[3].config).toMatchObject({ activation: 'relu' });
    const loaded = Sequential.fromJSON(json);
    expect(loaded.layers[0].name).toBe('Conv2D(2→8, 3×3, relu)');
    expect(loaded.layers[3].name).toBe('Dense(32→3, relu)');
    expect(loaded.predict(x).data).toEqual(model.predict(x).data);
    expect(loaded.trainStep(x, y)).toBe(model.trainStep(x, y));
    expect(loaded.predict(x).data).toEqual(model.predict(x).data);
  });

  it('rejects saved moving statistics that are missing, the wrong length or not finite, naming the field', () => {
    const json = JSON.parse(JSON.stringify(smallCnn(1).toJSON())) as ModelJSON;
    const state = json.layers[1].state as { movingMean: string; movingVariance: string };
    const broken = (patch: object) => ({ ...json, layers: json.layers.map((l, i) => (i === 1 ? { ...l, state: { ...state, ...patch } } : l)) });
    expect(() => Sequential.fromJSON(broken({ movingMean: 3 }))).toThrow(
      'Sequential.fromJSON: layers[1].state: movingMean: expected a base64 string, got 3',
    );
    expect(() => Sequential.fromJSON(broken({ movingVariance: Buffer.from(new Float32Array([1, -1, 1]).buffer).toString('base64') }))).toThrow(
      'Sequential.fromJSON: layers[1].state: movingVariance: value -1 at index 1 is not a finite number ≥ 0',
    );
    expect(() => Sequential.fromJSON(broken({ movingMean: Buffer.from(new Float32Array([1]).buffer).toString('base64') }))).toThrow(
      'Sequential.fromJSON: layers[1].state: movingMean',
    );
  });
});

describe('evaluate / predict in chunks', () => {
  it('give the same results for any batchSize (a CNN on 70 images in chunks of 256, 32 and 7)', () => {
    const model = smallCnn(3).compile({ loss: new CategoricalCrossEntropy(), optimizer: new Adam() });
    const x = randomTensorNd([70, 7, 7, 2], 4);
    const y = randomLabels(70, 5, 5);
    const whole = model.evaluate(x, y);
    const probabilities = model.predict(x);
    const classes = model.predictClasses(x);
    for (const batchSize of [32, 7]) {
      const chunked = model.evaluate(x, y, { batchSize });
      expect(chunked.loss).toBeCloseTo(whole.loss, 10);
      expect(chunked.accuracy).toBeCloseTo(whole.accuracy, 12);
      expect(model.predict(x, { batchSize }).data).toEqual(probabilities.data);
      expect(model.predictClasses(x, { batchSize })).toEqual(classes);
    }
    expect(() => model.predict(x, { batchSize: 0 })).toThrow('Sequential.predict: batchSize must be an integer ≥ 1, got 0');
  });
});
