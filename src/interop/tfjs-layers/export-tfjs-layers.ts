import type { Sequential } from '../../model/sequential.js';
import { resolveInputShape, shapeLayers, type ExportOptions } from '../model-shapes.js';
import { kerasExporterFor, supportedExportLayers } from './keras-layers.js';
import type { KerasLayerJson, NamedWeight, TfjsLayersArtifacts } from './types.js';
import { packWeights } from './weights.js';

/** Options for {@link exportTfjsLayers}. */
export interface TfjsLayersExportOptions extends ExportOptions {
  /** The weights file named in the manifest, relative to `model.json`. Default `"weights.bin"`. */
  weightsPath?: string;
}

const OP = 'exportTfjsLayers';

/**
 * The model in the TensorFlow.js Layers format (`tf.loadLayersModel` reads it): a Keras `Sequential`
 * topology, a weights manifest and the weights as little-endian float32 bytes in manifest order.
 *
 * Dense becomes Dense (its `activation`, `'linear'` or `'relu'`; kernel `[nIn, nOut]`, bias `[nOut]`); ReLU, Sigmoid, Tanh,
 * Softmax and Linear become Activation layers; LeakyReLU, Dropout, Conv2D (kernel `[kh, kw, in, out]`),
 * Flatten, AveragePooling2D, GlobalAveragePooling2D and BatchNormalization (gamma, beta, moving mean and
 * variance) keep their names; MaxPool2D becomes MaxPooling2D. Layers are named
 * `dense_1`, `activation_2`, … and weights `<layer>/kernel`, `<layer>/bias`, unique as TF.js's strict loader wants.
 *
 * @returns `modelJson` (write it as `model.json`) and `weightData` (write it as `weights.bin`, or the
 *   `weightsPath` given); `handgrad/node`'s `saveTfjsLayers` writes both.
 * @throws naming the layer when a layer has no Keras form, or when the input shape is unknown or does not fit
 */
export function exportTfjsLayers(model: Sequential, options: TfjsLayersExportOptions = {}): TfjsLayersArtifacts {
  const inputShape = resolveInputShape(OP, model, options);
  const weightsPath = options.weightsPath ?? 'weights.bin';
  if (typeof weightsPath !== 'string' || weightsPath === '') throw new TypeError(`${OP}: weightsPath must be a non-empty string`);
  const layers: KerasLayerJson[] = [];
  const weights: NamedWeight[] = [];
  for (const shaped of shapeLayers(OP, model, inputShape)) {
    const exporter = kerasExporterFor(shaped.layer);
    if (!exporter) {
      throw new TypeError(`${OP}: layer ${shaped.index} (${shaped.layer.name}) has no TF.js Layers form; supported: ${supportedExportLayers()}`);
    }
    for (const out of exporter.toKeras(shaped.layer, shaped)) {
      const name = `${out.nameStem}_${layers.length + 1}`;
      const config: { [key: string]: unknown } = { name, trainable: true, ...out.config };
      if (layers.length === 0) {
        config.batch_input_shape = [null, ...inputShape];
        config.dtype = 'float32';
      }
      layers.push({ class_name: out.className, config });
      for (const w of out.weights) weights.push({ name: `${name}/${w.suffix}`, shape: w.shape, data: w.data });
    }
  }
  return {
    modelJson: {
      format: 'layers-model',
      generatedBy: 'handgrad',
      convertedBy: null,
      modelTopology: {
        class_name: 'Sequential',
        config: { name: 'sequential', layers },
        keras_version: 'handgrad',
        backend: 'handgrad',
      },
      weightsManifest: [{ paths: [weightsPath], weights: weights.map(({ name, shape }) => ({ name, shape, dtype: 'float32' as const })) }],
    },
    weightData: packWeights(weights),
  };
}
