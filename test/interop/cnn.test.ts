/**
 * The convolutional layers in both formats, proven by the engines: onnxruntime (where handgrad's NHWC
 * images meet ONNX's NCHW operators through Transpose nodes) and tf.loadLayersModel compute what handgrad's
 * predict computes, to 1e-5 relative (absolute part 1e-6 × the largest output, for outputs that cancel to
 * near zero); and a CNN built and saved by tfjs-layers imports with equal predictions and trains on.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Adam,
  AveragePooling2D,
  BatchNormalization,
  CategoricalCrossEntropy,
  Conv2D,
  Dense,
  Dropout,
  exportOnnx,
  exportTfjsLayers,
  Flatten,
  GlobalAveragePooling2D,
  importTfjsLayers,
  LeakyReLU,
  Linear,
  MaxPool2D,
  Random,
  ReLU,
  Sequential,
  Sigmoid,
  Softmax,
  Tanh,
  type Layer,
} from '../../src/index.js';
import { randomTensorNd } from '../helpers/check-gradients.js';
import { expectClose } from '../helpers/close.js';
import { loadInTfjs, predictInTfjs, randomizeParameters, runOnnx, tf, tfl } from '../helpers/engines.js';
import { tfReady } from '../helpers/tf.js';

const TOLERANCE = { rtol: 1e-5, atol: 1e-6 };

beforeAll(tfReady);

/** Random parameters, and BatchNormalization moving statistics that are not the identity (variance > 0). */
function randomize(model: Sequential, seed: number): Sequential {
  randomizeParameters(model, seed);
  const random = new Random(seed + 1);
  for (const layer of model.layers) {
    if (layer instanceof BatchNormalization) {
      random.fillUniform(layer.movingMean.data, -0.5, 0.5);
      random.fillUniform(layer.movingVariance.data, 0.3, 2);
    }
  }
  return model;
}

async function expectBothEnginesMatch(model: Sequential, inputShape: number[], seed: number, label: string): Promise<void> {
  const x = randomTensorNd([5, ...inputShape], seed, -2, 2);
  const expected = model.predict(x);
  const onnx = await runOnnx(exportOnnx(model), x);
  expect(onnx.dims, `${label}: ONNX output dims`).toEqual([...expected.shape]);
  expectClose(onnx.data, expected.data, TOLERANCE, `${label} (onnxruntime)`);
  const loaded = await loadInTfjs(exportTfjsLayers(model));
  expect(loaded.outputs[0].shape, `${label}: TF.js output shape`).toEqual([null, ...expected.shape.slice(1)]);
  expectClose(predictInTfjs(loaded, x), expected.data, TOLERANCE, `${label} (tfjs-layers)`);
}

describe('convolutional layers in onnxruntime and TF.js', () => {
  const single: [string, number[], () => Layer][] = [
    ['Conv2D 3×3 valid', [6, 5, 3], () => new Conv2D(3, 4, { kernelSize: 3, seed: 1 })],
    ['Conv2D 3×2 same, stride 2 (uneven padding)', [7, 6, 2], () => new Conv2D(2, 3, { kernelSize: [3, 2], strides: 2, padding: 'same', seed: 1 })],
    ['Conv2D 2×2 valid, stride 2×1 (rows left over)', [7, 5, 2], () => new Conv2D(2, 2, { kernelSize: 2, strides: [2, 1], seed: 1 })],
    ['Conv2D 3×3 valid with activation relu (the direct kernels: 8 filters)', [6, 5, 3], () => new Conv2D(3, 8, { kernelSize: 3, seed: 1, activation: 'relu' })],
    ['Conv2D 3×3 same with activation relu (im2col + GEMM)', [5, 5, 2], () => new Conv2D(2, 3, { kernelSize: 3, padding: 'same', seed: 1, activation: 'relu' })],
    ['MaxPool2D 2×2', [6, 6, 3], () => new MaxPool2D({ poolSize: 2 })],
    ['MaxPool2D 3×3 same, stride 2', [7, 7, 2], () => new MaxPool2D({ poolSize: 3, strides: 2, padding: 'same' })],
    ['MaxPool2D 2×2 valid on 5×5 (edge dropped)', [5, 5, 2], () => new MaxPool2D({ poolSize: 2 })],
    ['AveragePooling2D 2×2', [6, 4, 3], () => new AveragePooling2D({ poolSize: 2 })],
    ['AveragePooling2D 3×3 same, stride 1 (padding left out of the mean)', [5, 6, 2], () => new AveragePooling2D({ poolSize: 3, strides: 1, padding: 'same' })],
    ['GlobalAveragePooling2D', [4, 5, 3], () => new GlobalAveragePooling2D()],
    ['Flatten', [3, 4, 2], () => new Flatten()],
    ['BatchNormalization on images', [4, 3, 5], () => new BatchNormalization(5, { epsilon: 1e-3 })],
    ['BatchNormalization on features', [6], () => new BatchNormalization(6, { epsilon: 0.01 })],
    ['ReLU on images', [3, 3, 2], () => new ReLU()],
    ['LeakyReLU on images', [3, 3, 2], () => new LeakyReLU({ alpha: 0.2 })],
    ['Sigmoid on images', [3, 3, 2], () => new Sigmoid()],
    ['Tanh on images', [3, 3, 2], () => new Tanh()],
    ['Linear on images', [3, 3, 2], () => new Linear()],
    ['Dropout on images', [3, 3, 2], () => new Dropout({ rate: 0.5, seed: 1 })],
  ];
  it.each(single)('%s', async (label, shape, make) => {
    const model = randomize(new Sequential([make()], { inputShape: shape }), 3);
    await expectBothEnginesMatch(model, shape, 4, label);
  });

  it('a CNN: Conv2D same → BatchNormalization → ReLU → MaxPool2D → Conv2D → LeakyReLU → AveragePooling2D → Flatten → Dense → Softmax', async () => {
    const model = new Sequential([
      new Conv2D(2, 6, { kernelSize: 3, padding: 'same', seed: 1, initializer: 'he' }),
      new BatchNormalization(6),
      new ReLU(),
      new MaxPool2D({ poolSize: 2 }),
      new Conv2D(6, 8, { kernelSize: 2, seed: 2, initializer: 'he' }),
      new LeakyReLU({ alpha: 0.1 }),
      new AveragePooling2D({ poolSize: 2, strides: 1, padding: 'same' }),
      new Flatten(),
      new Dropout({ rate: 0.3, seed: 3 }),
      new Dense(8 * 4 * 4, 5, { seed: 4 }),
      new Softmax(),
    ]);
    randomize(model, 5);
    model.predict(randomTensorNd([1, 10, 10, 2], 0)); // the model learns its input shape from its first batch
    await expectBothEnginesMatch(model, [10, 10, 2], 6, 'CNN');
  });

  it('a CNN ending in GlobalAveragePooling2D → Dense → Sigmoid', async () => {
    const model = randomize(
      new Sequential(
        [new Conv2D(1, 4, { kernelSize: 3, strides: 2, seed: 1 }), new Tanh(), new BatchNormalization(4), new GlobalAveragePooling2D(), new Dense(4, 2, { seed: 2 }), new Sigmoid()],
        { inputShape: [9, 8, 1] },
      ),
      7,
    );
    await expectBothEnginesMatch(model, [9, 8, 1], 8, 'GAP CNN');
  });

  it('ONNX: a Conv2D with activation relu exports as Conv then Relu', () => {
    const model = new Sequential([new Conv2D(1, 2, { kernelSize: 3, seed: 1, activation: 'relu' }), new Flatten()], { inputShape: [5, 5, 1] });
    const text = new TextDecoder('latin1').decode(exportOnnx(model));
    expect(text.match(/\b(Transpose|Conv|Relu|Flatten)\b/g)?.filter((op, i, all) => op !== all[i - 1])).toEqual(['Transpose', 'Conv', 'Relu', 'Transpose', 'Flatten']);
  });

  it('ONNX: one Transpose into NCHW before the first Conv and one back before Flatten', () => {
    const model = new Sequential(
      [new Conv2D(1, 2, { kernelSize: 3, seed: 1 }), new ReLU(), new MaxPool2D(), new BatchNormalization(2), new Flatten(), new Dense(8, 2, { seed: 2 })],
      { inputShape: [6, 6, 1] },
    );
    const text = new TextDecoder('latin1').decode(exportOnnx(model));
    expect(text.match(/\b(Transpose|Conv|Relu|MaxPool|BatchNormalization|Flatten|Gemm)\b(?=.*)/g)?.filter((op, i, all) => op !== all[i - 1])).toEqual([
      'Transpose',
      'Conv',
      'Relu',
      'MaxPool',
      'BatchNormalization',
      'Transpose',
      'Flatten',
      'Gemm',
    ]);
  });
});

describe('importTfjsLayers: a CNN built and saved by tfjs-layers', () => {
  it('loads with equal predictions, then trains on (the loss falls)', async () => {
    const seeded = (seed: number) => tfl.initializers.glorotUniform({ seed });
    const source = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [8, 8, 1], kernelInitializer: seeded(1) }),
        tfl.layers.batchNormalization(),
        tfl.layers.maxPooling2d({ poolSize: 2 }),
        tfl.layers.conv2d({ filters: 6, kernelSize: [2, 3], strides: [1, 2], kernelInitializer: seeded(2) }),
        tfl.layers.leakyReLU({ alpha: 0.2 }),
        tfl.layers.averagePooling2d({ poolSize: 2, strides: 1, padding: 'same' }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: seeded(3) }),
      ],
    });
    // non-trivial biases and BatchNormalization statistics, set through tfjs itself
    const random = new Random(9);
    source.setWeights(
      source.weights.map((w) => {
        const values = new Float32Array((w.shape as number[]).reduce((n, d) => n * d, 1));
        if (w.originalName.endsWith('moving_variance')) random.fillUniform(values, 0.3, 2);
        else random.fillUniform(values, -0.5, 0.5);
        return tf.tensor(values, w.shape as number[]);
      }),
    );
    let artifacts: tf.io.ModelArtifacts | undefined;
    await source.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    const a = artifacts as tf.io.ModelArtifacts;
    const modelJson = JSON.parse(JSON.stringify({ format: a.format, modelTopology: a.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] }));

    const model = importTfjsLayers(modelJson, a.weightData as ArrayBuffer);
    expect(model.inputShape).toEqual([8, 8, 1]);
    expect(model.layers.map((l) => l.name)).toEqual([
      'Conv2D(1→4, 3×3, same, relu)', // Keras's fused activation stays fused
      'BatchNormalization(4)',
      'MaxPool2D(2×2)',
      'Conv2D(4→6, 2×3, stride 1×2)',
      'LeakyReLU(α=0.2)',
      'AveragePooling2D(2×2, stride 1, same)',
      'Flatten',
      'Dense(18→3)', // 8×8 → pool 4×4 → 2×3 kernel, stride 1×2: 3×1 × 6 filters
      'Softmax',
    ]);
    const x = randomTensorNd([6, 8, 8, 1], 10, -1, 1);
    expectClose(model.predict(x).data, predictInTfjs(source, x), TOLERANCE, 'imported CNN');

    const images = randomTensorNd([24, 8, 8, 1], 11, 0, 1);
    const labels = Int32Array.from({ length: 24 }, (_, i) => i % 3);
    model.compile({ loss: new CategoricalCrossEntropy(), optimizer: new Adam({ learningRate: 0.01 }) });
    const before = model.evaluate(images, labels).loss;
    model.fit(images, labels, { epochs: 40, batchSize: 8, seed: 1 });
    expect(model.evaluate(images, labels).loss).toBeLessThan(0.5 * before);
  });

  it('rejects Keras options handgrad does not have, naming the class', async () => {
    const save = async (layer: tfl.layers.Layer): Promise<[unknown, ArrayBuffer]> => {
      let a: tf.io.ModelArtifacts | undefined;
      await tfl.sequential({ layers: [layer] }).save(tf.io.withSaveHandler(async (x) => ((a = x), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
      return [{ modelTopology: a?.modelTopology, weightsManifest: [{ paths: ['w'], weights: a?.weightSpecs }] }, a?.weightData as ArrayBuffer];
    };
    const dilated = await save(tfl.layers.conv2d({ filters: 2, kernelSize: 2, dilationRate: 2, inputShape: [6, 6, 1] }));
    expect(() => importTfjsLayers(...dilated)).toThrow(/Conv2D\): dilation_rate \[2, 2\] is not supported \(only 1\)/);
    const channelsFirst = await save(tfl.layers.maxPooling2d({ poolSize: 2, dataFormat: 'channelsFirst', inputShape: [1, 6, 6] }));
    expect(() => importTfjsLayers(...channelsFirst)).toThrow(/MaxPooling2D\): data_format 'channels_first' is not supported/);
    const softmaxImages = await save(tfl.layers.conv2d({ filters: 2, kernelSize: 2, activation: 'softmax', inputShape: [4, 4, 1] }));
    expect(() => importTfjsLayers(...softmaxImages)).toThrow(/Conv2D\): softmax over examples of shape \[3, 3, 2\] is not supported/);
    const denseOnImages = await save(tfl.layers.dense({ units: 2, inputShape: [4, 4, 1] }));
    expect(() => importTfjsLayers(...denseOnImages)).toThrow(/Dense\): Dense receives examples of shape \[4, 4, 1\]; handgrad's needs flat examples \(add a Flatten before it\)/);
  });
});
