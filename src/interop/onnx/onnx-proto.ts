/**
 * The few ONNX messages the exporter writes, encoded with {@link ProtoWriter}. Field numbers are those of
 * `onnx/onnx.proto3` (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto,
 * TypeProto.Tensor, TensorShapeProto, OperatorSetIdProto).
 */
import { ProtoWriter } from './protobuf-writer.js';

/** TensorProto.DataType values used here. */
export const FLOAT = 1;
export const INT64 = 7;

/** AttributeProto.AttributeType values used here. */
const ATTRIBUTE_FLOAT = 1;
const ATTRIBUTE_INT = 2;
const ATTRIBUTE_INTS = 7;

/** A node attribute: a float, an int, or a list of ints (all the exported operators need). */
export type OnnxAttribute =
  | { name: string; float: number }
  | { name: string; int: number }
  | { name: string; ints: readonly number[] };

/** One operator application. */
export interface OnnxNode {
  opType: string;
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: readonly OnnxAttribute[];
}

/** A constant tensor (weights, biases, shapes) stored in the graph. */
export interface OnnxInitializer {
  name: string;
  dims: readonly number[];
  /** float32 values, or int64 values (for shape tensors, e.g. Reshape's target). */
  values: Float32Array | readonly number[];
  dataType: typeof FLOAT | typeof INT64;
}

/** A graph input or output: its name and float32 shape, with `null` for a dynamic dimension. */
export interface OnnxValueInfo {
  name: string;
  /** Dimensions; `null` marks a dimension named `dynamicName` (the batch). */
  shape: readonly (number | null)[];
}

export interface OnnxModel {
  irVersion: number;
  opsetVersion: number;
  producerName: string;
  producerVersion: string;
  graphName: string;
  docString?: string;
  nodes: readonly OnnxNode[];
  initializers: readonly OnnxInitializer[];
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
}

/** The name given to every dynamic (batch) dimension. */
export const BATCH_DIM = 'batch';

function attribute(a: OnnxAttribute): ProtoWriter {
  const w = new ProtoWriter().string(1, a.name); // name = 1
  if ('float' in a) w.float(2, a.float).int(20, ATTRIBUTE_FLOAT); // f = 2, type = 20
  else if ('int' in a) w.int(3, a.int).int(20, ATTRIBUTE_INT); // i = 3
  else w.packedInts(8, a.ints).int(20, ATTRIBUTE_INTS); // ints = 8
  return w;
}

function node(n: OnnxNode): ProtoWriter {
  const w = new ProtoWriter();
  for (const input of n.inputs) w.string(1, input); // input = 1
  for (const output of n.outputs) w.string(2, output); // output = 2
  w.string(3, n.name).string(4, n.opType); // name = 3, op_type = 4
  for (const a of n.attributes ?? []) w.message(5, attribute(a)); // attribute = 5
  return w;
}

function tensor(t: OnnxInitializer): ProtoWriter {
  const w = new ProtoWriter().packedInts(1, t.dims).int(2, t.dataType); // dims = 1, data_type = 2
  w.string(8, t.name); // name = 8
  // raw_data = 9: fixed-width little-endian values.
  const count = t.values.length;
  const raw = new Uint8Array(count * (t.dataType === FLOAT ? 4 : 8));
  const view = new DataView(raw.buffer);
  for (let i = 0; i < count; i++) {
    if (t.dataType === FLOAT) view.setFloat32(i * 4, t.values[i], true);
    else view.setBigInt64(i * 8, BigInt(t.values[i]), true);
  }
  return w.bytes(9, raw);
}

function valueInfo(v: OnnxValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.shape) {
    // TensorShapeProto.Dimension: dim_value = 1 or dim_param = 2
    shape.message(1, d === null ? new ProtoWriter().string(2, BATCH_DIM) : new ProtoWriter().int(1, d));
  }
  const tensorType = new ProtoWriter().int(1, FLOAT).message(2, shape); // elem_type = 1, shape = 2
  const type = new ProtoWriter().message(1, tensorType); // TypeProto.tensor_type = 1
  return new ProtoWriter().string(1, v.name).message(2, type); // name = 1, type = 2
}

/** Encodes a whole model as ModelProto bytes. */
export function encodeModel(m: OnnxModel): Uint8Array {
  const graph = new ProtoWriter();
  for (const n of m.nodes) graph.message(1, node(n)); // node = 1
  graph.string(2, m.graphName); // name = 2
  for (const t of m.initializers) graph.message(5, tensor(t)); // initializer = 5
  for (const v of m.inputs) graph.message(11, valueInfo(v)); // input = 11
  for (const v of m.outputs) graph.message(12, valueInfo(v)); // output = 12

  const model = new ProtoWriter().int(1, m.irVersion); // ir_version = 1
  model.string(2, m.producerName).string(3, m.producerVersion); // producer_name = 2, producer_version = 3
  if (m.docString) model.string(6, m.docString); // doc_string = 6
  model.message(7, graph); // graph = 7
  model.message(8, new ProtoWriter().string(1, '').int(2, m.opsetVersion)); // opset_import = 8 (domain "" = ai.onnx)
  return model.finish();
}
