import type { Sequential } from '../../model/sequential.js';
import { resolveInputShape, shapeLayers, type ExportOptions } from '../model-shapes.js';
import { onnxConverterFor, supportedOnnxLayers } from './layer-converters.js';
import { OnnxGraph } from './onnx-graph.js';
import { encodeModel } from './onnx-proto.js';

/**
 * The ONNX operator-set version written: 13 has every operator the exporter uses in its current form
 * (Softmax over one axis, Gemm with a 1-D bias) and every maintained runtime supports it.
 */
export const ONNX_OPSET_VERSION = 13;
/**
 * The ONNX IR version written: 7, the IR released together with opset 13 (ONNX 1.8). Any runtime that
 * reads opset 13 reads IR 7 (onnxruntime accepts IR 3 to 10+); a newer IR would add nothing the model uses
 * and shut out older runtimes.
 */
export const ONNX_IR_VERSION = 7;

/** Options for {@link exportOnnx}. */
export interface OnnxExportOptions extends ExportOptions {
  /** The graph's name. Default `"handgrad"`. */
  graphName?: string;
}

const OP = 'exportOnnx';

/**
 * The model as an ONNX file (ModelProto bytes, opset 13, IR 7) that onnxruntime and other ONNX engines run.
 *
 * The graph has one input named `input` of shape `[batch, ...inputShape]` (batch dynamic; images stay
 * channels-last, `[batch, height, width, channels]`, exactly what `predict` takes) and one output named
 * `output`. Each layer becomes one node: Dense → Gemm, ReLU → Relu, LeakyReLU → LeakyRelu (alpha
 * written), Sigmoid, Tanh, Softmax (axis −1), Linear → Identity, Conv2D → Conv (kernel transposed to
 * OIHW, explicit pads reproducing 'valid' / 'same'), MaxPool2D → MaxPool, AveragePooling2D → AveragePool
 * (padding left out of the mean), GlobalAveragePooling2D → GlobalAveragePool + Flatten, Flatten → Flatten,
 * BatchNormalization → BatchNormalization (moving statistics); Dropout is left out (the identity at
 * inference). ONNX's image operators are channels-first, so a Transpose goes in before the first of them
 * and one comes back before a Flatten (or the output), keeping the flattened order handgrad's.
 * Weights are float32 initializers, so the engine's outputs equal `model.predict`.
 *
 * @param options - `inputShape` when the model does not know its own (see {@link Sequential.inputShape})
 * @throws naming the layer when a layer has no ONNX form, or when the input shape is unknown or does not fit
 */
export function exportOnnx(model: Sequential, options: OnnxExportOptions = {}): Uint8Array {
  const inputShape = resolveInputShape(OP, model, options);
  const shaped = shapeLayers(OP, model, inputShape);
  const graph = new OnnxGraph('input');
  for (const entry of shaped) {
    const converter = onnxConverterFor(entry.layer);
    if (!converter) {
      throw new TypeError(`${OP}: layer ${entry.index} (${entry.layer.name}) has no ONNX conversion; supported: ${supportedOnnxLayers()}`);
    }
    const name = `layer${entry.index}_${opName(entry.layer.name)}`;
    try {
      converter.convert(entry.layer, graph, entry, name);
    } catch (err) {
      throw new RangeError(`${OP}: layer ${entry.index} (${entry.layer.name}): ${(err as Error).message}`, { cause: err });
    }
  }
  const outputShape = shaped[shaped.length - 1].outputShape;
  graph.ensureLayout('channels-last', outputShape.length + 1, 'output');
  graph.nameOutput('output');
  return encodeModel({
    irVersion: ONNX_IR_VERSION,
    opsetVersion: ONNX_OPSET_VERSION,
    producerName: 'handgrad',
    producerVersion: '0.1.0',
    graphName: options.graphName ?? 'handgrad',
    nodes: graph.nodes,
    initializers: graph.initializers,
    inputs: [{ name: 'input', shape: [null, ...inputShape] }],
    outputs: [{ name: 'output', shape: [null, ...outputShape] }],
  });
}

/** "Dense(2→64)" → "dense": a readable, identifier-safe stem for node names. */
function opName(layerName: string): string {
  return (layerName.match(/^[A-Za-z0-9]+/)?.[0] ?? 'layer').toLowerCase();
}
