import type { Layer } from '../layers/layer.js';
import { lossFromName } from '../losses/registry.js';
import type { OptimizerState } from '../optimizers/optimizer.js';
import { optimizerFromConfig } from '../optimizers/registry.js';
import { base64ToFloat32, float32ToBase64 } from './base64.js';
import { layerTypeNamed, layerTypeOf, registeredLayerTypes, type JsonValue, type LayerConfig, type LayerType } from './layer-registry.js';
import type { Sequential } from './sequential.js';
import { formatShape, shapeSize, shapesEqual } from '../tensor/tensor.js';

/** The `format` tag of a saved handgrad model. */
export const MODEL_FORMAT = 'handgrad-model';
/** The format version this handgrad writes and reads. Bumped on any incompatible change. */
export const MODEL_FORMAT_VERSION = 1;

/** A float32 tensor in a saved model: shape, and the little-endian IEEE-754 bytes in base64 (lossless). */
export interface TensorJSON {
  shape: number[];
  dtype: 'float32';
  data: string;
}

/** One layer: its registered type, constructor config, parameters by name, and optional extra state. */
export interface LayerJSON {
  type: string;
  config: LayerConfig;
  parameters: { [name: string]: TensorJSON };
  state?: JsonValue;
}

/** What is needed to resume training: the loss by name, the optimizer's config and its state. */
export interface TrainingJSON {
  loss: string;
  optimizer: {
    config: { name: string; options: { [key: string]: number } };
    iterations: number;
    /** `slots[slotName][i]` is the state of the model's i-th parameter. */
    slots: { [slot: string]: TensorJSON[] };
  };
}

/** A saved model: versioned, self-describing JSON (see {@link modelToJSON}). */
export interface ModelJSON {
  format: typeof MODEL_FORMAT;
  version: number;
  layers: LayerJSON[];
  /** The model's `inputShape` (one example, no batch dimension), when known. */
  inputShape?: number[];
  training?: TrainingJSON;
}

/** Options for {@link modelToJSON} / `Sequential.toJSON` / `save`. */
export interface SaveOptions {
  /**
   * Also save the compiled loss and the optimizer's state (iteration count, momentum, caches), so a loaded
   * model continues training exactly where this one stopped. Needs a compiled model. Default false.
   */
  includeOptimizer?: boolean;
}

function tensorJSON(shape: readonly number[], data: Float32Array): TensorJSON {
  return { shape: [...shape], dtype: 'float32', data: float32ToBase64(data) };
}

/**
 * The model as versioned JSON: every layer's registered type and config, its parameters as lossless
 * float32 base64, and (with `includeOptimizer`) the loss and optimizer state.
 * @throws naming the layer if its class is not registered (see `registerLayer`)
 */
export function modelToJSON(model: Sequential, options: SaveOptions = {}): ModelJSON {
  const layers = model.layers.map((layer, i): LayerJSON => {
    const entry = layerTypeOf(layer);
    if (!entry) {
      throw new TypeError(
        `Sequential.toJSON: layers[${i}] (${layer.name}) has no registered type; call registerLayer({ type, layerClass, getConfig, fromConfig }) for its class`,
      );
    }
    const parameters: { [name: string]: TensorJSON } = {};
    for (const p of layer.parameters()) parameters[p.name] = tensorJSON(p.value.shape, p.value.data);
    const out: LayerJSON = { type: entry.type, config: entry.getConfig(layer), parameters };
    if (entry.getState) out.state = entry.getState(layer);
    return out;
  });
  const json: ModelJSON = { format: MODEL_FORMAT, version: MODEL_FORMAT_VERSION, layers };
  if (model.inputShape !== null) json.inputShape = [...model.inputShape];
  if (options.includeOptimizer) {
    const compiled = model.compiledWith;
    if (compiled === null) throw new Error('Sequential.toJSON({ includeOptimizer: true }): call compile({ loss, optimizer }) first');
    const params = model.parameters();
    const state = compiled.optimizer.getState(params);
    const slots: { [slot: string]: TensorJSON[] } = {};
    for (const [slot, arrays] of Object.entries(state.slots)) {
      slots[slot] = arrays.map((values, k) => tensorJSON(params[k].value.shape, Float32Array.from(values)));
    }
    const config = compiled.optimizer.getConfig();
    json.training = {
      loss: compiled.loss.name,
      optimizer: { config: { name: config.name, options: { ...config.options } }, iterations: state.iterations, slots },
    };
  }
  return json;
}

function fail(field: string, message: string): never {
  throw new RangeError(`Sequential.fromJSON: ${field}: ${message}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `'${value}'`;
  return typeof value === 'object' ? 'an object' : String(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks a saved tensor against the expected shape: dtype, shape, byte length, finiteness. */
function readTensor(json: unknown, shape: readonly number[], field: string): Float32Array {
  if (!isObject(json)) fail(field, `expected { shape, dtype, data }, got ${describe(json)}`);
  if (json.dtype !== 'float32') fail(`${field}.dtype`, `expected 'float32', got ${describe(json.dtype)}`);
  const s = json.shape;
  if (!Array.isArray(s) || !shapesEqual(s, shape)) {
    fail(`${field}.shape`, `${JSON.stringify(s)} does not match the layer's ${formatShape(shape)}`);
  }
  if (typeof json.data !== 'string') fail(`${field}.data`, `expected a base64 string, got ${describe(json.data)}`);
  let values: Float32Array;
  try {
    values = base64ToFloat32(json.data, shapeSize(shape), `${field}.data`);
  } catch (err) {
    throw new RangeError(`Sequential.fromJSON: ${(err as Error).message}`);
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) fail(`${field}.data`, `value ${values[i]} at index ${i} is not finite`);
  }
  return values;
}

function readLayer(json: unknown, i: number): Layer {
  const field = `layers[${i}]`;
  if (!isObject(json)) fail(field, `expected { type, config, parameters }, got ${describe(json)}`);
  const type = json.type;
  const entry = typeof type === 'string' ? layerTypeNamed(type) : undefined;
  if (!entry) {
    fail(`${field}.type`, `unknown layer type ${describe(type)} (registered: ${registeredLayerTypes().join(', ')})`);
  }
  if (!isObject(json.config)) fail(`${field}.config`, `expected an object, got ${describe(json.config)}`);
  let layer: Layer;
  try {
    layer = entry.fromConfig(json.config as LayerConfig);
  } catch (err) {
    fail(`${field}.config`, (err as Error).message);
  }
  const saved = json.parameters ?? {};
  if (!isObject(saved)) fail(`${field}.parameters`, `expected an object, got ${describe(saved)}`);
  const params = layer.parameters();
  const names = params.map((p) => p.name);
  for (const name of Object.keys(saved)) {
    if (!names.includes(name)) {
      fail(`${field}.parameters.${name}`, `${layer.name} has no such parameter (it has ${names.join(', ') || 'none'})`);
    }
  }
  for (const p of params) {
    const pf = `${field}.parameters.${p.name}`;
    if (!(p.name in saved)) fail(pf, `missing`);
    p.value.data.set(readTensor(saved[p.name], p.value.shape, pf));
  }
  if (entry.setState) {
    if (json.state === undefined) fail(`${field}.state`, 'missing');
    try {
      entry.setState(layer, json.state as JsonValue);
    } catch (err) {
      fail(`${field}.state`, (err as Error).message);
    }
  }
  return layer;
}

function readTraining(model: Sequential, json: unknown): void {
  if (!isObject(json)) fail('training', `expected { loss, optimizer }, got ${describe(json)}`);
  let loss;
  try {
    loss = lossFromName(json.loss);
  } catch (err) {
    fail('training.loss', (err as Error).message);
  }
  const o = json.optimizer;
  if (!isObject(o)) fail('training.optimizer', `expected { config, iterations, slots }, got ${describe(o)}`);
  let optimizer;
  try {
    optimizer = optimizerFromConfig(o.config);
  } catch (err) {
    fail('training.optimizer.config', (err as Error).message);
  }
  model.compile({ loss, optimizer });
  const params = model.parameters();
  if (!isObject(o.slots)) fail('training.optimizer.slots', `expected an object, got ${describe(o.slots)}`);
  const slots: Record<string, number[][]> = {};
  for (const [slot, arrays] of Object.entries(o.slots)) {
    const sf = `training.optimizer.slots.${slot}`;
    if (!Array.isArray(arrays) || arrays.length !== params.length) {
      fail(sf, `expected one tensor per parameter (${params.length}), got ${Array.isArray(arrays) ? arrays.length : describe(arrays)}`);
    }
    slots[slot] = arrays.map((a, k) => Array.from(readTensor(a, params[k].value.shape, `${sf}[${k}]`)));
  }
  const state: OptimizerState = { name: optimizer.name, iterations: o.iterations as number, slots };
  try {
    optimizer.setState(params, state);
  } catch (err) {
    fail('training.optimizer', (err as Error).message);
  }
}

/** What {@link layersFromJSON} read: the rebuilt layers, and the raw training section if any. */
export interface ParsedModel {
  layers: Layer[];
  training: unknown;
  inputShape?: number[];
}

/**
 * Reads a saved model (parsed JSON, as {@link modelToJSON} writes it) into layers. Checks the format tag and
 * version, every layer type, config, parameter shape, byte length and value (finite), and that consecutive
 * Dense layers fit; any fault throws an error naming the field, e.g.
 * `Sequential.fromJSON: layers[0].parameters.weights.shape: [3, 4] does not match the layer's [2, 4]`.
 * `Sequential.fromJSON` builds the model and then applies the training section with {@link restoreTraining}.
 */
export function layersFromJSON(json: unknown): ParsedModel {
  if (!isObject(json)) fail('(root)', `expected a saved model object, got ${describe(json)}`);
  if (json.format !== MODEL_FORMAT) fail('format', `expected '${MODEL_FORMAT}', got ${describe(json.format)}`);
  if (json.version !== MODEL_FORMAT_VERSION) {
    fail('version', `unsupported format version ${describe(json.version)} (this handgrad reads version ${MODEL_FORMAT_VERSION})`);
  }
  if (!Array.isArray(json.layers) || json.layers.length === 0) {
    fail('layers', `expected a non-empty array, got ${describe(json.layers)}`);
  }
  const layers = json.layers.map(readLayer);
  // Consecutive layers must agree on the size of the last axis (features, channels); each registry entry
  // says what its layer takes and gives (see LayerType.lastAxis).
  let before: { size: number; type: string } | null = null;
  layers.forEach((layer, i) => {
    const entry = layerTypeOf(layer);
    const axis = entry?.lastAxis?.(layer);
    if (axis === undefined) return; // keeps the last axis
    if (axis === null) {
      before = null; // the size after this layer is not known from configs alone
      return;
    }
    if (before !== null && axis.input !== before.size) {
      fail(`layers[${i}].config.${axis.inputField}`, `${axis.input} does not match the ${before.size} outputs of the ${before.type} layer before it`);
    }
    before = { size: axis.output, type: (entry as LayerType).type };
  });
  const inputShape = json.inputShape;
  if (inputShape !== undefined && !(Array.isArray(inputShape) && inputShape.length > 0 && inputShape.every((d) => Number.isInteger(d) && d >= 1))) {
    fail('inputShape', `expected a non-empty array of positive integers, got ${JSON.stringify(inputShape)}`);
  }
  return { layers, training: json.training, inputShape: inputShape as number[] | undefined };
}

/**
 * Compiles `model` with the saved loss and optimizer and restores the optimizer's state (iteration count,
 * momentum, caches), checking every field. Nothing to do when `training` is undefined.
 */
export function restoreTraining(model: Sequential, training: unknown): void {
  if (training !== undefined) readTraining(model, training);
}
