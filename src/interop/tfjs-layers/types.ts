/**
 * The TensorFlow.js "layers-model" format, as much of it as handgrad reads and writes: `model.json` holds the
 * Keras model topology and a weights manifest; the weights are one binary blob of little-endian float32
 * values in manifest order (the layout of tfjs-core's `io/types.ts`: ModelJSON, WeightsManifestConfig).
 */

/** One layer as Keras serialises it: its class and its constructor config (snake_case keys). */
export interface KerasLayerJson {
  class_name: string;
  config: { [key: string]: unknown };
}

/** One weight in the manifest: its unique name (`<layer>/kernel`), shape and element type. */
export interface TfjsWeightEntry {
  name: string;
  shape: number[];
  dtype: 'float32';
}

/** A group of weights stored in the files `paths` (concatenated in order). */
export interface TfjsWeightsGroup {
  paths: string[];
  weights: TfjsWeightEntry[];
}

/** The content of `model.json` for a Sequential Keras model. */
export interface TfjsLayersModelJson {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  modelTopology: {
    class_name: 'Sequential';
    config: { name: string; layers: KerasLayerJson[] };
    keras_version: string;
    backend: string;
  };
  weightsManifest: TfjsWeightsGroup[];
}

/** What {@link exportTfjsLayers} returns: `model.json`'s content and the weights file's bytes. */
export interface TfjsLayersArtifacts {
  modelJson: TfjsLayersModelJson;
  weightData: ArrayBuffer;
}

/** A named float32 weight with its shape, as exported. */
export interface NamedWeight {
  name: string;
  shape: number[];
  data: Float32Array;
}
