import type { Layer } from '../layers/layer.js';
import { lossFromName } from '../losses/registry.js';
import type { OptimizerState } from '../optimizers/optimizer.js';
import { optimizerFromConfig } from '../optimizers/registry.js';
import { base64ToFloat32, float32ToBase64 } from './base64.js';
import { describeValue, quote } from '../core/validate.js';
import { textChecksum } from './checksum.js';
import { layerTypeNamed, layerTypeOf, registeredLayerTypes, type JsonValue, type LayerConfig, type LayerType } from './layer-registry.js';
import type { Sequential } from './sequential.js';
import { formatShape, shapeSize, shapesEqual } from '../tensor/tensor.js';

/** The `format` tag of a saved handgrad model. */
export const MODEL_FORMAT = 'handgrad-model';
/**
 * The format version this handgrad writes. Bumped on any incompatible change. Version 2 added the
 * `checksum`; version-1 files (no checksum) are still read.
 */
export const MODEL_FORMAT_VERSION = 2;
/** Every version {@link layersFromJSON} reads. */
const READABLE_VERSIONS = [1, 2];
/** The fields a saved model may have at its top level. */
const ROOT_FIELDS = ['format', 'version', 'layers', 'inputShape', 'training', 'checksum'];

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
  /**
   * `'crc32:'` + 8 hex digits: CRC-32 of the UTF-8 bytes of `JSON.stringify` of this object without the
   * checksum field (in its key order). Lets `load` / `fromJSON` detect a corrupted file. Version ≥ 2.
   */
  checksum?: string;
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
    for (const p of layer.parameters()) {
      refuseNonFinite(p.value.data, `layers[${i}].parameters.${p.name} (of ${layer.name})`);
      parameters[p.name] = tensorJSON(p.value.shape, p.value.data);
    }
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
      slots[slot] = arrays.map((values, k) => {
        const data = Float32Array.from(values);
        refuseNonFinite(data, `training.optimizer.slots.${slot}[${k}] (${compiled.optimizer.name} state of ${params[k].name})`);
        return tensorJSON(params[k].value.shape, data);
      });
    }
    const config = compiled.optimizer.getConfig();
    json.training = {
      loss: compiled.loss.name,
      optimizer: { config: { name: config.name, options: { ...config.options } }, iterations: state.iterations, slots },
    };
  }
  json.checksum = textChecksum(JSON.stringify(json));
  return json;
}

/**
 * What is saved must load, and `fromJSON` refuses non-finite values, so they are refused here, before
 * anything is written (a good file on disk stays in place).
 */
function refuseNonFinite(data: Float32Array, field: string): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v - v !== 0) {
      throw new RangeError(
        `Sequential.toJSON: ${field} holds ${v} at index ${i}; a model with non-finite values cannot be loaded again, so it is not saved (restore a finite state first)`,
      );
    }
  }
}

function fail(field: string, message: string): never {
  throw new RangeError(`Sequential.fromJSON: ${field}: ${message}`);
}

const describe = describeValue;

/** A saved shape for a message: as JSON when short, else described (never echoed whole). */
function shownShape(shape: unknown): string {
  return Array.isArray(shape) && shape.length <= 8 && shape.every((d) => typeof d === 'number') ? JSON.stringify(shape) : describe(shape);
}

/** Bytes that padded base64 text of this length decodes to, without decoding it. */
function base64ByteLength(text: string): number {
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return (text.length / 4) * 3 - pad;
}

/**
 * Checks the saved parameters' shapes and data sizes against the shapes the layer's config implies, before
 * the layer is built: a file that declares a huge layer but holds little data is rejected without
 * allocating (or randomly initialising) that layer, so loading costs memory in proportion to the file.
 * Missing or unknown parameters are reported after the layer is built (with its name).
 */
function checkSizesBeforeBuilding(entry: LayerType, config: LayerConfig, saved: Record<string, unknown>, field: string): void {
  if (!entry.parameterShapes) return;
  let shapes: Record<string, readonly number[]>;
  try {
    shapes = entry.parameterShapes(config);
  } catch {
    return; // an invalid config: the constructor reports it (before allocating)
  }
  for (const [name, shape] of Object.entries(shapes)) {
    if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) return; // likewise
    const json = saved[name];
    if (!isObject(json)) continue;
    const pf = `${field}.parameters.${name}`;
    if (!Array.isArray(json.shape) || !shapesEqual(json.shape, shape)) {
      fail(`${pf}.shape`, `${shownShape(json.shape)} does not match the layer's ${formatShape(shape)}`);
    }
    if (typeof json.data === 'string' && json.data.length % 4 === 0) {
      const bytes = base64ByteLength(json.data);
      const expected = shapeSize(shape) * 4;
      if (bytes !== expected) fail(`${pf}.data`, `holds ${bytes} bytes, expected ${expected} (${expected / 4} float32 values)`);
    }
  }
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
    fail(`${field}.shape`, `${shownShape(s)} does not match the layer's ${formatShape(shape)}`);
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
  const saved = json.parameters ?? {};
  if (!isObject(saved)) fail(`${field}.parameters`, `expected an object, got ${describe(saved)}`);
  checkSizesBeforeBuilding(entry, json.config as LayerConfig, saved, field);
  let layer: Layer;
  try {
    layer = entry.fromConfig(json.config as LayerConfig);
  } catch (err) {
    fail(`${field}.config`, (err as Error).message);
  }
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
  /** The whole saved object, for the checksum check that ends {@link restoreTraining}. */
  root: Record<string, unknown>;
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
  if (!READABLE_VERSIONS.includes(json.version as number)) {
    fail('version', `unsupported format version ${describe(json.version)} (this handgrad reads versions ${READABLE_VERSIONS.join(' and ')})`);
  }
  for (const key of Object.keys(json)) {
    if (!ROOT_FIELDS.includes(key)) fail(quote(key), `unknown field (a saved model has ${ROOT_FIELDS.join(', ')})`);
  }
  if (json.checksum !== undefined && (typeof json.checksum !== 'string' || !/^crc32:[0-9a-f]{8}$/.test(json.checksum))) {
    fail('checksum', `expected 'crc32:' and 8 hex digits, got ${describe(json.checksum)}`);
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
    fail('inputShape', `expected a non-empty array of positive integers, got ${shownShape(inputShape)}`);
  }
  return { layers, training: json.training, inputShape: inputShape as number[] | undefined, root: json };
}

/** Throws unless the model's checksum matches its content (see {@link ModelJSON.checksum}). */
function verifyChecksum(json: Record<string, unknown>): void {
  const { checksum, ...content } = json;
  const computed = textChecksum(JSON.stringify(content));
  if (computed !== checksum) {
    fail(
      'checksum',
      `the content does not match its checksum (stored ${String(checksum)}, computed ${computed}): the file is corrupted or was edited after saving`,
    );
  }
}

/**
 * Compiles `model` with the saved loss and optimizer and restores the optimizer's state (iteration count,
 * momentum, caches), checking every field, when the model has a training section; then verifies the
 * model's checksum when it has one.
 */
export function restoreTraining(model: Sequential, parsed: ParsedModel): void {
  if (parsed.training !== undefined) readTraining(model, parsed.training);
  // Last, so a hand-edited field is reported by name first; a file that passes every field check but was
  // still changed (a flipped bit in the weights) is caught here.
  if (parsed.root.checksum !== undefined) verifyChecksum(parsed.root);
}
