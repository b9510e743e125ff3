import type { RandomState } from '../core/random.js';
import { Dense, type DenseOptions } from '../layers/dense.js';
import { Dropout } from '../layers/dropout.js';
import type { InitializerName } from '../layers/initializers.js';
import type { Layer } from '../layers/layer.js';
import { LeakyReLU } from '../layers/leaky-relu.js';
import { Linear } from '../layers/linear.js';
import { ReLU } from '../layers/relu.js';
import { Sigmoid } from '../layers/sigmoid.js';
import { Softmax } from '../layers/softmax.js';
import { Tanh } from '../layers/tanh.js';

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
  getConfig: (layer) => ({ nIn: layer.nIn, nOut: layer.nOut, ...definedFields(layer.options) }),
  fromConfig: (c) => {
    const options: DenseOptions = {
      seed: (c.seed as number | undefined) ?? 0, // weights come from the file; a fixed seed keeps the global stream untouched
      initializer: c.initializer as InitializerName | undefined,
      weightL1: c.weightL1 as number | undefined,
      weightL2: c.weightL2 as number | undefined,
      biasL1: c.biasL1 as number | undefined,
      biasL2: c.biasL2 as number | undefined,
    };
    return new Dense(c.nIn as number, c.nOut as number, options);
  },
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
