import { Dense } from '../../layers/dense.js';
import { Dropout } from '../../layers/dropout.js';
import type { Layer } from '../../layers/layer.js';
import { LeakyReLU } from '../../layers/leaky-relu.js';
import { Linear } from '../../layers/linear.js';
import { ReLU } from '../../layers/relu.js';
import { Sigmoid } from '../../layers/sigmoid.js';
import { Softmax } from '../../layers/softmax.js';
import { Tanh } from '../../layers/tanh.js';
import type { ShapedLayer } from '../model-shapes.js';
import type { OnnxGraph } from './onnx-graph.js';

/**
 * How one handgrad layer class becomes ONNX nodes (opset 13). `convert` reads `graph.value` and leaves the
 * layer's output there; `shaped` gives the layer's input and output shapes (channels-last, no batch).
 */
export interface OnnxConverter<L extends Layer = Layer> {
  readonly layerClass: abstract new (...args: never[]) => L;
  /** What the layer becomes, for the list of supported layers in error messages, e.g. "Dense → Gemm". */
  readonly describe: string;
  convert(layer: L, graph: OnnxGraph, shaped: ShapedLayer, name: string): void;
}

const converters = new Map<unknown, OnnxConverter>();

function register<L extends Layer>(converter: OnnxConverter<L>): void {
  converters.set(converter.layerClass, converter as unknown as OnnxConverter);
}

/** The converter for `layer`'s exact class, or undefined. */
export function onnxConverterFor(layer: Layer): OnnxConverter | undefined {
  return converters.get(Object.getPrototypeOf(layer)?.constructor);
}

/** "Dense → Gemm, ReLU → Relu, …" for error messages. */
export function supportedOnnxLayers(): string {
  return [...converters.values()].map((c) => c.describe).join(', ');
}

/** An activation that ONNX applies elementwise in any layout, so no Transpose is needed around it. */
function elementwise<L extends Layer>(layerClass: new () => L, handgradName: string, opType: string): OnnxConverter<L> {
  return {
    layerClass,
    describe: `${handgradName} → ${opType}`,
    convert: (_layer, graph, _shaped, name) => graph.apply(opType, name),
  };
}

register<Dense>({
  layerClass: Dense,
  describe: 'Dense → Gemm',
  convert(layer, graph, _shaped, name) {
    // Dense takes [batch, nIn] only (a Flatten comes first for images), so Gemm sees a matrix.
    // Gemm: Y = A·B + C with A the batch [N, nIn], B = W [nIn, nOut] (transB = 0), C = b broadcast over rows.
    const w = graph.constant(`${name}.weights`, [layer.nIn, layer.nOut], layer.weights.data);
    const b = graph.constant(`${name}.biases`, [layer.nOut], layer.biases.data);
    graph.apply('Gemm', name, [w, b]);
  },
});
register(elementwise(ReLU, 'ReLU', 'Relu'));
register(elementwise(Sigmoid, 'Sigmoid', 'Sigmoid'));
register(elementwise(Tanh, 'Tanh', 'Tanh'));
register(elementwise(Linear, 'Linear', 'Identity'));
register<LeakyReLU>({
  layerClass: LeakyReLU,
  describe: 'LeakyReLU → LeakyRelu',
  // alpha written even when it is ONNX's default 0.01, so the file says what it computes.
  convert: (layer, graph, _shaped, name) => graph.apply('LeakyRelu', name, [], [{ name: 'alpha', float: layer.alpha }]),
});
register<Softmax>({
  layerClass: Softmax,
  describe: 'Softmax → Softmax (axis −1)',
  convert(_layer, graph, shaped, name) {
    if (shaped.inputShape.length !== 1) {
      throw new RangeError(`Softmax over a [batch, ${shaped.inputShape.join(', ')}] input has no ONNX export yet; put a Flatten before it`);
    }
    graph.apply('Softmax', name, [], [{ name: 'axis', int: -1 }]);
  },
});
register<Dropout>({
  layerClass: Dropout,
  describe: 'Dropout → (omitted: the identity at inference)',
  convert: () => {},
});
