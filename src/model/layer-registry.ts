import type { RandomState } from '../core/random.js';
import { AveragePooling2D } from '../layers/average-pooling2d.js';
import { BatchNormalization } from '../layers/batch-normalization.js';
import { Conv2D, type Conv2DActivation, type Conv2DOptions } from '../layers/conv2d.js';
import { Dense, type DenseActivation, type DenseOptions } from '../layers/dense.js';
import { Flatten } from '../layers/flatten.js';
import { GlobalAveragePooling2D } from '../layers/global-average-pooling2d.js';
import { MaxPool2D } from '../layers/max-pool2d.js';
import { Dropout } from '../layers/dropout.js';
import type { InitializerName } from '../layers/initializers.js';
import type { Layer } from '../layers/layer.js';
import { LeakyReLU } from '../layers/leaky-relu.js';
import { Linear } from '../layers/linear.js';
import { ReLU } from '../layers/relu.js';
import { Sigmoid } from '../layers/sigmoid.js';
import { Softmax } from '../layers/softmax.js';
import { Tanh } from '../layers/tanh.js';
import type { Padding } from '../tensor/window-geometry.js';
import { base64ToFloat32, float32ToBase64 } from './base64.js';
import { describeValue } from '../core/validate.js';

/** A JSON value, as saved models hold them. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
/** A layer's constructor arguments as JSON. */
export type LayerConfig = { [key: string]: JsonValue };

/**
 * How one layer class is saved and rebuilt. The model never lists fields itself: it asks the entry
 * registered for the layer's class, so a new layer type becomes saveable with one {@link registerLayer}.
 * Parameters (`layer.parameters()`) are saved by the model, so an entry only describes the configuration
 * (and, optionally, non-parameter state such as Dropout's random stream).
 */
export interface LayerType<L extends Layer = Layer> {
  /** The type name written to the file, e.g. `"Dense"`. */
  readonly type: string;
  /** The class. A layer is saved by the entry whose class is exactly its constructor. */
  readonly layerClass: abstract new (...args: never[]) => L;
  /** The constructor arguments, as JSON. */
  getConfig(layer: L): LayerConfig;
  /**
   * A new layer from a config written by `getConfig`. Must not draw from the global random stream
   * (loading a model should not change other random numbers): pass a fixed seed where the layer takes one.
   * @throws if the config is invalid (the constructor's own checks)
   */
  fromConfig(config: LayerConfig): L;
  /**
   * Optional but recommended for layers with parameters: the shape of each parameter a config implies,
   * by name, computed without building the layer. Loading checks the saved data against these first, so a
   * small (or hostile) file that declares a huge layer is rejected before that layer is allocated.
   * May throw on an invalid config (the constructor then reports it).
   */
  parameterShapes?(config: LayerConfig): Record<string, readonly number[]>;
  /**
   * Optional: the size of the last axis the layer takes and gives (features for Dense, channels for
   * Conv2D), and the config field that sets the input size — so loading can check that consecutive layers
   * fit. Return null for a layer after which the last axis is unknown (Flatten). Leave it out for layers
   * that keep the last axis (activations, pooling, Dropout).
   */
  lastAxis?(layer: L): { readonly inputField: string; readonly input: number; readonly output: number } | null;
  /** Optional state that is neither config nor parameter, needed to resume training exactly. */
  getState?(layer: L): JsonValue;
  setState?(layer: L, state: JsonValue): void;
}

const byName = new Map<string, LayerType>();
const byClass = new Map<unknown, LayerType>();

/**
 * Makes a layer class saveable by `toJSON` / `save` and loadable by `fromJSON` / `load`.
 * Registering a type name again replaces the earlier entry.
 */
export function registerLayer<L extends Layer>(entry: LayerType<L>): void {
  const old = byName.get(entry.type);
  if (old) byClass.delete(old.layerClass);
  byName.set(entry.type, entry as unknown as LayerType);
  byClass.set(entry.layerClass, entry as unknown as LayerType);
}

/** The entry registered for `layer`'s class, or undefined. */
export function layerTypeOf(layer: Layer): LayerType | undefined {
  return byClass.get(Object.getPrototypeOf(layer)?.constructor);
}

/** The entry registered under `type`, or undefined. */
export function layerTypeNamed(type: string): LayerType | undefined {
  return byName.get(type);
}

/** Every registered type name (for error messages). */
export function registeredLayerTypes(): string[] {
  return [...byName.keys()];
}

/** Copies the defined, JSON-representable values of a typed options object. */
function definedFields(options: object): LayerConfig {
  const out: LayerConfig = {};
  for (const [k, v] of Object.entries(options)) if (v !== undefined) out[k] = v as JsonValue;
  return out;
}

const stateless = <L extends Layer>(type: string, layerClass: new () => L): LayerType<L> => ({
  type,
  layerClass,
  getConfig: () => ({}),
  fromConfig: () => new layerClass(),
});

// ---- the built-in layers ----

registerLayer<Dense>({
  type: 'Dense',
  layerClass: Dense,
  lastAxis: (layer) => ({ inputField: 'nIn', input: layer.nIn, output: layer.nOut }),
  getConfig: (layer) => ({ nIn: layer.nIn, nOut: layer.nOut, ...definedFields(layer.options) }),
  fromConfig: (c) => {
    const options: DenseOptions = {
      seed: (c.seed as number | undefined) ?? 0, // weights come from the file; a fixed seed keeps the global stream untouched
      initializer: c.initializer as InitializerName | undefined,
      weightL1: c.weightL1 as number | undefined,
      weightL2: c.weightL2 as number | undefined,
      biasL1: c.biasL1 as number | undefined,
      biasL2: c.biasL2 as number | undefined,
      activation: c.activation as DenseActivation | undefined,
    };
    return new Dense(c.nIn as number, c.nOut as number, options);
  },
  parameterShapes: (c) => ({ weights: [c.nIn as number, c.nOut as number], biases: [1, c.nOut as number] }),
});
registerLayer(stateless('ReLU', ReLU));
registerLayer(stateless('Softmax', Softmax));
registerLayer(stateless('Sigmoid', Sigmoid));
registerLayer(stateless('Tanh', Tanh));
registerLayer(stateless('Linear', Linear));
registerLayer<LeakyReLU>({
  type: 'LeakyReLU',
  layerClass: LeakyReLU,
  getConfig: (layer) => ({ alpha: layer.alpha }),
  fromConfig: (c) => new LeakyReLU({ alpha: c.alpha as number }),
});
registerLayer<Dropout>({
  type: 'Dropout',
  layerClass: Dropout,
  getConfig: (layer) => definedFields({ rate: layer.rate, seed: layer.seed }),
  fromConfig: (c) => new Dropout({ rate: c.rate as number, seed: (c.seed as number | undefined) ?? 0 }),
  // the mask stream continues where it stopped, so resumed training draws the same masks
  getState: (layer) => layer.rng.getState() as unknown as JsonValue,
  setState: (layer, state) => layer.rng.setState(state as unknown as RandomState),
});
registerLayer<Flatten>({ ...stateless('Flatten', Flatten), lastAxis: () => null });
registerLayer(stateless('GlobalAveragePooling2D', GlobalAveragePooling2D));
registerLayer<Conv2D>({
  type: 'Conv2D',
  layerClass: Conv2D,
  lastAxis: (layer) => ({ inputField: 'inChannels', input: layer.inChannels, output: layer.filters }),
  getConfig: (layer) => ({
    ...definedFields(layer.options),
    inChannels: layer.inChannels,
    filters: layer.filters,
    kernelSize: [...layer.kernelSize],
    strides: [...layer.strides],
    padding: layer.padding,
  }),
  fromConfig: (c) => {
    const options: Conv2DOptions = {
      kernelSize: c.kernelSize as [number, number],
      strides: c.strides as [number, number] | undefined,
      padding: c.padding as Padding | undefined,
      seed: (c.seed as number | undefined) ?? 0, // weights come from the file; a fixed seed keeps the global stream untouched
      initializer: c.initializer as InitializerName | undefined,
      activation: c.activation as Conv2DActivation | undefined,
    };
    return new Conv2D(c.inChannels as number, c.filters as number, options);
  },
  parameterShapes: (c) => {
    const k = c.kernelSize;
    const [kh, kw] = Array.isArray(k) ? (k as number[]) : [k as number, k as number];
    return { weights: [kh, kw, c.inChannels as number, c.filters as number], biases: [1, c.filters as number] };
  },
});
const poolConfig = (layer: MaxPool2D | AveragePooling2D): LayerConfig => ({
  poolSize: [...layer.poolSize],
  strides: [...layer.strides],
  padding: layer.padding,
});
const poolOptions = (c: LayerConfig) => ({
  poolSize: c.poolSize as [number, number],
  strides: c.strides as [number, number],
  padding: c.padding as Padding,
});
registerLayer<MaxPool2D>({
  type: 'MaxPool2D',
  layerClass: MaxPool2D,
  getConfig: poolConfig,
  fromConfig: (c) => new MaxPool2D(poolOptions(c)),
});
registerLayer<AveragePooling2D>({
  type: 'AveragePooling2D',
  layerClass: AveragePooling2D,
  getConfig: poolConfig,
  fromConfig: (c) => new AveragePooling2D(poolOptions(c)),
});
registerLayer<BatchNormalization>({
  type: 'BatchNormalization',
  layerClass: BatchNormalization,
  lastAxis: (layer) => ({ inputField: 'channels', input: layer.channels, output: layer.channels }),
  getConfig: (layer) => ({ channels: layer.channels, momentum: layer.momentum, epsilon: layer.epsilon }),
  fromConfig: (c) =>
    new BatchNormalization(c.channels as number, { momentum: c.momentum as number, epsilon: c.epsilon as number }),
  parameterShapes: (c) => ({ gamma: [1, c.channels as number], beta: [1, c.channels as number] }),
  // the moving averages are not trained by gradients, so they are state rather than parameters
  getState: (layer) => ({
    movingMean: float32ToBase64(layer.movingMean.data),
    movingVariance: float32ToBase64(layer.movingVariance.data),
  }),
  setState: (layer, state) => {
    const s = (state ?? {}) as { [key: string]: JsonValue };
    const read = (field: 'movingMean' | 'movingVariance'): Float32Array => {
      const text = s[field];
      if (typeof text !== 'string') throw new RangeError(`${field}: expected a base64 string, got ${describeValue(text)}`);
      const values = base64ToFloat32(text, layer.channels, field);
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (!Number.isFinite(v) || (field === 'movingVariance' && v < 0)) {
          throw new RangeError(`${field}: value ${v} at index ${i} is not ${field === 'movingVariance' ? 'a finite number ≥ 0' : 'finite'}`);
        }
      }
      return values;
    };
    const mean = read('movingMean');
    const variance = read('movingVariance');
    layer.movingMean.data.set(mean);
    layer.movingVariance.data.set(variance);
  },
});
