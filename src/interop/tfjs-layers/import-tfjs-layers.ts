import type { Layer } from '../../layers/layer.js';
import { Sequential } from '../../model/sequential.js';
import { kerasImporterFor, supportedImportClasses, type KerasImportContext } from './keras-layers.js';
import { describe, unpackWeights, weightBytes } from './weights.js';
import { describeValue, quote, showList, showValue, truncate } from '../../core/validate.js';

const OP = 'importTfjsLayers';

function fail(field: string, message: string): never {
  throw new RangeError(`${OP}: ${field}: ${message}`);
}

function isObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The Sequential layer list of a Keras topology (tfjs-layers, Keras 2 `model_config` wrappers, old bare lists). */
function sequentialLayers(topology: unknown): unknown[] {
  if (!isObject(topology)) fail('modelTopology', `expected the Keras model topology object, got ${describe(topology)}`);
  const model = isObject(topology.model_config) ? topology.model_config : topology;
  if (model.class_name !== 'Sequential') {
    fail(
      'modelTopology.class_name',
      `only Sequential models can be imported, got ${describe(model.class_name)} (a functional Model's graph has no handgrad equivalent)`,
    );
  }
  const config = model.config;
  const layers = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
  if (!Array.isArray(layers) || layers.length === 0) fail('modelTopology.config.layers', `expected a non-empty array, got ${describe(layers)}`);
  return layers;
}

/** The example shape declared by an InputLayer or the first layer's `batch_input_shape` / `batch_shape`. */
function declaredInputShape(config: { [key: string]: unknown }, field: string): number[] | undefined {
  const batchShape = config.batch_input_shape ?? config.batch_shape;
  if (batchShape === undefined || batchShape === null) return undefined;
  if (!Array.isArray(batchShape) || batchShape.length < 2 || !batchShape.slice(1).every((d) => Number.isInteger(d) && d >= 1)) {
    fail(`${field}.batch_input_shape`, `expected [null, ...positive integers], got ${showValue(batchShape)}`);
  }
  return batchShape.slice(1) as number[];
}

/**
 * A handgrad model from a TensorFlow.js Layers model: `model.json`'s content (parsed, or its text) and the
 * weights file's bytes (`weights.bin`; an ArrayBuffer, a typed array, or a list of them for several files,
 * in the order the manifest lists them).
 *
 * Reads Sequential models of Dense and Conv2D (a fused `activation` becomes a separate handgrad activation
 * layer; Dense's L1/L2 regularizers carry over), Activation (linear, relu, sigmoid, tanh, softmax), ReLU,
 * LeakyReLU, Softmax, Dropout, Flatten, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D,
 * BatchNormalization (last axis) and InputLayer, images channels-last. The weights are matched by name (`<layer>/kernel`, …) and checked for
 * shape, dtype and finiteness; the model comes back with its `inputShape`, uncompiled.
 *
 * @throws naming the layer and the Keras class when a class or option has no handgrad equivalent, and the
 *   field when the file is malformed (missing topology, weights of the wrong size, …)
 */
export function importTfjsLayers(modelJson: unknown, weightData: ArrayBuffer | ArrayBufferView | readonly (ArrayBuffer | ArrayBufferView)[]): Sequential {
  let json = modelJson;
  if (typeof json === 'string') {
    try {
      json = JSON.parse(json);
    } catch (err) {
      throw new SyntaxError(`${OP}: model.json is not valid JSON: ${(err as Error).message}`, { cause: err });
    }
  }
  if (!isObject(json)) fail('(root)', `expected the content of model.json ({ modelTopology, weightsManifest }), got ${describe(json)}`);
  if (json.format !== undefined && json.format !== 'layers-model') {
    fail('format', `expected 'layers-model', got ${describe(json.format)}${json.format === 'graph-model' ? ' (a graph model holds ops, not layers; only layers models can be imported)' : ''}`);
  }
  const keras = sequentialLayers(json.modelTopology);
  const weights = unpackWeights(OP, json.weightsManifest, weightBytes(OP, weightData));
  const used = new Set<string>();

  const layers: Layer[] = [];
  let inputShape: number[] | undefined;
  let shape: readonly number[] | undefined;
  keras.forEach((entry, index) => {
    const field = `modelTopology.config.layers[${index}]`;
    if (!isObject(entry) || typeof entry.class_name !== 'string' || !isObject(entry.config)) {
      fail(field, `expected { class_name, config }, got ${describe(entry)}`);
    }
    const className = entry.class_name;
    const config = entry.config;
    const layerName = typeof config.name === 'string' ? config.name : `layer ${index}`;
    const where = `${field} (${truncate(layerName)}, ${truncate(className)})`;
    if (shape === undefined) {
      inputShape = declaredInputShape(config, field);
      if (inputShape === undefined) fail(field, `the first layer declares no batch_input_shape, so the input shape is unknown`);
      shape = inputShape;
    }
    if (className === 'InputLayer') {
      if (index !== 0) fail(where, 'an InputLayer must come first');
      return;
    }
    const importer = kerasImporterFor(className);
    if (!importer) {
      fail(where, `Keras class ${describeValue(className)} has no handgrad equivalent; supported: ${['InputLayer', ...supportedImportClasses()].join(', ')}`);
    }
    const weightName = (suffix: string): string | undefined => {
      const exact = `${layerName}/${suffix}`;
      if (weights.has(exact)) return exact;
      // Models converted from Python Keras may scope names, e.g. `sequential/dense/kernel`.
      const scoped = [...weights.keys()].filter((n) => n.endsWith(`/${exact}`));
      return scoped.length === 1 ? scoped[0] : undefined;
    };
    const ctx: KerasImportContext = {
      config,
      inputShape: shape,
      index,
      fail: (message) => fail(where, message),
      hasWeight: (suffix) => weightName(suffix) !== undefined,
      weight(suffix, expected) {
        const name = weightName(suffix);
        if (name === undefined) fail(where, `weight ${quote(`${layerName}/${suffix}`)} is missing from the weights manifest`);
        const w = weights.get(name) as { shape: number[]; data: Float32Array };
        if (w.shape.length !== expected.length || w.shape.some((d, i) => d !== expected[i])) {
          fail(where, `weight ${quote(name)} has shape [${w.shape.join(', ')}], expected [${expected.join(', ')}]`);
        }
        used.add(name);
        return w.data;
      },
    };
    const converted = importer.fromKeras(ctx);
    layers.push(...converted.layers);
    shape = converted.outputShape;
  });
  const unused = [...weights.keys()].filter((n) => !used.has(n));
  if (unused.length > 0) fail('weightsManifest', `weights no layer uses: ${showList(unused)}`);
  if (layers.length === 0) fail('modelTopology.config.layers', 'no layer with a handgrad equivalent (only an InputLayer)');
  return new Sequential(layers, { inputShape });
}
