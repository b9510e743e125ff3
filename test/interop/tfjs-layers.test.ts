/**
 * exportTfjsLayers / importTfjsLayers, proven by TensorFlow.js Layers itself (tfjs-core CPU backend):
 * an exported model loads with `tf.loadLayersModel` (strict) and predicts what handgrad predicts to 1e-5
 * relative (absolute part 1e-6 × the largest output, for outputs that cancel to near zero); a model built and
 * saved by tfjs-layers imports into handgrad with equal predictions and then trains on.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Adam,
  CategoricalCrossEntropy,
  Dense,
  Dropout,
  exportTfjsLayers,
  importTfjsLayers,
  LeakyReLU,
  Linear,
  ReLU,
  Sequential,
  Sigmoid,
  Softmax,
  Tanh,
  verticalData,
  type Layer,
  type TfjsLayersModelJson,
} from '../../src/index.js';
import { randomTensor } from '../helpers/check-gradients.js';
import { expectClose } from '../helpers/close.js';
import { loadInTfjs, predictInTfjs, randomizeParameters, tf, tfl } from '../helpers/engines.js';
import { tfReady } from '../helpers/tf.js';

const TOLERANCE = { rtol: 1e-5, atol: 1e-6 };

beforeAll(tfReady);

async function expectTfjsMatches(model: Sequential, width: number, seed: number, label: string): Promise<tfl.LayersModel> {
  const x = randomTensor(7, width, seed, -3, 3);
  const expected = model.predict(x);
  const loaded = await loadInTfjs(exportTfjsLayers(model));
  expect(loaded.outputs[0].shape, `${label}: output shape`).toEqual([null, ...expected.shape.slice(1)]);
  expectClose(predictInTfjs(loaded, x), expected.data, TOLERANCE, label);
  return loaded;
}

/** What tfjs-layers' own `model.save` writes as model.json (paths relative to it) and weights.bin. */
async function savedByTfjs(model: tfl.LayersModel): Promise<{ modelJson: object; weightData: ArrayBuffer }> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const a = artifacts as tf.io.ModelArtifacts;
  const modelJson = {
    format: a.format,
    generatedBy: a.generatedBy,
    convertedBy: a.convertedBy,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
  };
  // A round trip through text, as the file on disk would be.
  return { modelJson: JSON.parse(JSON.stringify(modelJson)), weightData: a.weightData as ArrayBuffer };
}

describe('exportTfjsLayers: tf.loadLayersModel predicts what predict computes', () => {
  const single: [string, () => Layer][] = [
    ['Dense', () => new Dense(5, 4, { seed: 1 })],
    ["Dense with activation 'relu'", () => new Dense(5, 4, { seed: 1, activation: 'relu' })],
    ['ReLU', () => new ReLU()],
    ['LeakyReLU', () => new LeakyReLU({ alpha: 0.2 })],
    ['Sigmoid', () => new Sigmoid()],
    ['Tanh', () => new Tanh()],
    ['Softmax', () => new Softmax()],
    ['Linear', () => new Linear()],
    ['Dropout', () => new Dropout({ rate: 0.5, seed: 3 })],
  ];
  it.each(single)('%s alone', async (label, make) => {
    await expectTfjsMatches(randomizeParameters(new Sequential([make()], { inputShape: [5] }), 11), 5, 21, label);
  });

  it.each(single)('%s after a Dense layer', async (label, make) => {
    const model = randomizeParameters(new Sequential([new Dense(3, 5, { seed: 2 }), make()], { inputShape: [3] }), 12);
    await expectTfjsMatches(model, 3, 22, label);
  });

  it('a classifier MLP, with Keras classes and names TF.js expects', async () => {
    const model = new Sequential([
      new Dense(2, 64, { seed: 1, initializer: 'he' }),
      new ReLU(),
      new Dropout({ rate: 0.1, seed: 2 }),
      new Dense(64, 32, { seed: 3 }),
      new LeakyReLU({ alpha: 0.05 }),
      new Dense(32, 3, { seed: 4 }),
      new Softmax(),
    ]);
    randomizeParameters(model, 5);
    model.predict(randomTensor(1, 2, 0)); // the model learns its input shape from the first batch it sees
    const loaded = await expectTfjsMatches(model, 2, 23, 'classifier');
    expect(loaded.layers.map((l) => l.getClassName())).toEqual(['Dense', 'Activation', 'Dropout', 'Dense', 'LeakyReLU', 'Dense', 'Activation']);
    const { modelJson, weightData } = exportTfjsLayers(model);
    expect(modelJson.format).toBe('layers-model');
    expect(modelJson.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(modelJson.weightsManifest[0].weights.map((w) => w.name)).toEqual([
      'dense_1/kernel',
      'dense_1/bias',
      'dense_4/kernel',
      'dense_4/bias',
      'dense_6/kernel',
      'dense_6/bias',
    ]);
    expect(weightData.byteLength).toBe(4 * (2 * 64 + 64 + 64 * 32 + 32 + 32 * 3 + 3));
  });

  it('a regression MLP (Dense→Tanh→Dense→Sigmoid→Dense→Linear)', async () => {
    const model = randomizeParameters(
      new Sequential([new Dense(4, 16, { seed: 1 }), new Tanh(), new Dense(16, 8, { seed: 2 }), new Sigmoid(), new Dense(8, 1, { seed: 3 }), new Linear()], {
        inputShape: [4],
      }),
      6,
    );
    await expectTfjsMatches(model, 4, 24, 'regression');
  });

  it('explains what is missing: no input shape, a layer with no Keras form', () => {
    expect(() => exportTfjsLayers(new Sequential([new Dense(3, 2, { seed: 1 })]))).toThrow(/exportTfjsLayers: the model's input shape is unknown/);
    class Square implements Layer {
      readonly name = 'Square';
      dinputs = null;
      forward = (x: never) => x;
      backward = (d: never) => d;
      parameters = () => [];
    }
    expect(() => exportTfjsLayers(new Sequential([new Square()], { inputShape: [2] }))).toThrow(
      /exportTfjsLayers: layer 0 \(Square\) has no TF.js Layers form; supported: Dense → Dense, ReLU → Activation\('relu'\)/,
    );
  });
});

describe('importTfjsLayers: a model built and saved by tfjs-layers', () => {
  function tfjsClassifier(): tfl.Sequential {
    return tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 32, activation: 'relu', inputShape: [2], kernelInitializer: tfl.initializers.glorotNormal({ seed: 1 }), biasInitializer: 'randomNormal' }),
        tfl.layers.leakyReLU({ alpha: 0.1 }),
        tfl.layers.dropout({ rate: 0.2 }),
        tfl.layers.dense({ units: 16, activation: 'tanh', kernelInitializer: tfl.initializers.glorotNormal({ seed: 2 }) }),
        tfl.layers.activation({ activation: 'sigmoid' }),
        tfl.layers.dense({ units: 8, kernelInitializer: tfl.initializers.glorotNormal({ seed: 3 }), biasInitializer: 'randomNormal' }),
        tfl.layers.reLU(),
        tfl.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tfl.initializers.glorotNormal({ seed: 4 }) }),
      ],
    });
  }

  it('loads with equal predictions, then trains on (the loss falls)', async () => {
    const source = tfjsClassifier();
    const { modelJson, weightData } = await savedByTfjs(source);
    const model = importTfjsLayers(modelJson, weightData);
    expect(model.inputShape).toEqual([2]);
    expect(model.layers.map((l) => l.name)).toEqual([
      'Dense(2→32)',
      'ReLU',
      'LeakyReLU(α=0.1)',
      'Dropout(0.2)',
      'Dense(32→16)',
      'Tanh',
      'Sigmoid',
      'Dense(16→8)',
      'ReLU',
      'Dense(8→3)',
      'Softmax',
    ]);
    const x = randomTensor(9, 2, 31, -2, 2);
    expectClose(model.predict(x).data, predictInTfjs(source, x), TOLERANCE, 'imported predictions');

    const data = verticalData({ samples: 100, classes: 3, seed: 0 });
    model.compile({ loss: new CategoricalCrossEntropy(), optimizer: new Adam({ learningRate: 0.01 }) });
    const before = model.evaluate(data.x, data.y).loss;
    model.fit(data.x, data.y, { epochs: 30, batchSize: 32, seed: 1 });
    const after = model.evaluate(data.x, data.y).loss;
    expect(after).toBeLessThan(before * 0.5);
  });

  it('a model exported by handgrad comes back identical (weights bit for bit)', async () => {
    const model = randomizeParameters(
      new Sequential([new Dense(3, 4, { seed: 1 }), new LeakyReLU({ alpha: 0.3 }), new Dropout({ rate: 0.25 }), new Dense(4, 2, { seed: 2 }), new Sigmoid()], {
        inputShape: [3],
      }),
      7,
    );
    const { modelJson, weightData } = exportTfjsLayers(model);
    const back = importTfjsLayers(JSON.stringify(modelJson), new Uint8Array(weightData));
    expect(back.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    back.parameters().forEach((p, i) => expect(p.value.data).toEqual(model.parameters()[i].value.data));
  });

  it('rejects layers and options handgrad does not have, naming the Keras class and what is supported', async () => {
    const norm = tfl.sequential({ layers: [tfl.layers.dense({ units: 4, inputShape: [3] }), tfl.layers.layerNormalization()] });
    const saved = await savedByTfjs(norm);
    expect(() => importTfjsLayers(saved.modelJson, saved.weightData)).toThrow(
      /importTfjsLayers: modelTopology\.config\.layers\[1\] \(layer_normalization_LayerNormalization\d+, LayerNormalization\): Keras class 'LayerNormalization' has no handgrad equivalent; supported: InputLayer, Dense, Activation/,
    );
    const elu = await savedByTfjs(tfl.sequential({ layers: [tfl.layers.dense({ units: 2, activation: 'elu', inputShape: [3] })] }));
    expect(() => importTfjsLayers(elu.modelJson, elu.weightData)).toThrow(/Dense\): activation 'elu' is not supported \(supported: linear, relu, sigmoid, tanh, softmax\)/);
  });

  it('rejects malformed files with the field at fault', async () => {
    const { modelJson, weightData } = await savedByTfjs(tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [3] })] }));
    const json = modelJson as TfjsLayersModelJson;
    const edit = (f: (j: TfjsLayersModelJson) => void): unknown => {
      const copy = JSON.parse(JSON.stringify(json)) as TfjsLayersModelJson;
      f(copy);
      return copy;
    };
    expect(() => importTfjsLayers('{ not json', weightData)).toThrow(/importTfjsLayers: model.json is not valid JSON/);
    expect(() => importTfjsLayers([], weightData)).toThrow(/importTfjsLayers: \(root\): expected the content of model.json/);
    expect(() => importTfjsLayers(edit((j) => ((j as { format: string }).format = 'graph-model')), weightData)).toThrow(
      /format: expected 'layers-model', got 'graph-model' \(a graph model holds ops/,
    );
    expect(() => importTfjsLayers(edit((j) => delete (j as Partial<TfjsLayersModelJson>).modelTopology), weightData)).toThrow(
      /modelTopology: expected the Keras model topology object, got undefined/,
    );
    expect(() => importTfjsLayers(edit((j) => ((j.modelTopology as { class_name: string }).class_name = 'Model')), weightData)).toThrow(
      /modelTopology.class_name: only Sequential models can be imported, got 'Model'/,
    );
    expect(() => importTfjsLayers(edit((j) => delete j.modelTopology.config.layers[0].config.batch_input_shape), weightData)).toThrow(
      /layers\[0\]: the first layer declares no batch_input_shape/,
    );
    expect(() => importTfjsLayers(json, weightData.slice(0, 8))).toThrow(
      /weightData: has 8 bytes, the manifest describes 2 float32 weights totalling 32 bytes/,
    );
    expect(() => importTfjsLayers(json, 'weights' as never)).toThrow(/weightData must be an ArrayBuffer or a typed array/);
    expect(() => importTfjsLayers(edit((j) => (j.weightsManifest[0].weights[0].dtype = 'int32' as never)), weightData)).toThrow(
      /weightsManifest\[0\]\.weights\[0\]\.dtype: only 'float32' weights are supported, got 'int32'/,
    );
    expect(() => importTfjsLayers(edit((j) => (j.weightsManifest[0].weights[0].shape = [2, 3])), weightData)).toThrow(
      /Dense\): weight 'dense_Dense\d+\/kernel' has shape \[2, 3\], expected \[3, 2\]/,
    );
    expect(() => importTfjsLayers(edit((j) => (j.weightsManifest[0].weights[1].name = 'other/bias')), weightData)).toThrow(
      /Dense\): weight 'dense_Dense\d+\/bias' is missing from the weights manifest/,
    );
    const nan = new Float32Array(weightData.slice(0));
    nan[3] = Number.NaN;
    expect(() => importTfjsLayers(json, nan.buffer)).toThrow(/weightsManifest\[0\]\.weights\[0\] \(dense_Dense\d+\/kernel\): value NaN at index 3 is not finite/);
  });
});
