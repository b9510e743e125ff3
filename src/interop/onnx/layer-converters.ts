import { AveragePooling2D } from '../../layers/average-pooling2d.js';
import { BatchNormalization } from '../../layers/batch-normalization.js';
import { Conv2D } from '../../layers/conv2d.js';
import { Dense } from '../../layers/dense.js';
import { Dropout } from '../../layers/dropout.js';
import type { Layer } from '../../layers/layer.js';
import { Flatten } from '../../layers/flatten.js';
import { GlobalAveragePooling2D } from '../../layers/global-average-pooling2d.js';
import { LeakyReLU } from '../../layers/leaky-relu.js';
import { Linear } from '../../layers/linear.js';
import { MaxPool2D } from '../../layers/max-pool2d.js';
import { ReLU } from '../../layers/relu.js';
import { Sigmoid } from '../../layers/sigmoid.js';
import { Softmax } from '../../layers/softmax.js';
import { Tanh } from '../../layers/tanh.js';
import { windowGeometry, type Padding } from '../../tensor/window-geometry.js';
import type { ShapedLayer } from '../model-shapes.js';
import type { OnnxAttribute } from './onnx-proto.js';
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
  describe: 'Dense → Gemm (+ Relu with activation relu)',
  convert(layer, graph, _shaped, name) {
    // Dense takes [batch, nIn] only (a Flatten comes first for images), so Gemm sees a matrix.
    // Gemm: Y = A·B + C with A the batch [N, nIn], B = W [nIn, nOut] (transB = 0), C = b broadcast over rows.
    const w = graph.constant(`${name}.weights`, [layer.nIn, layer.nOut], layer.weights.data);
    const b = graph.constant(`${name}.biases`, [layer.nOut], layer.biases.data);
    graph.apply('Gemm', name, [w, b]);
    if (layer.activation === 'relu') graph.apply('Relu', `${name}.relu`); // the fused activation, as its own node
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

/**
 * kernel_shape, strides and explicit pads `[top, left, bottom, right]` for a window over `[H, W, C]`
 * examples, reproducing handgrad's (TensorFlow's) 'valid' / 'same' placement: ONNX's output size
 * ⌊(in + top + bottom − k) / s⌋ + 1 then equals handgrad's for both paddings.
 */
function windowAttributes(
  shaped: ShapedLayer,
  window: readonly [number, number],
  strides: readonly [number, number],
  padding: Padding,
  name: string,
): OnnxAttribute[] {
  const g = windowGeometry(name, 'window', [1, ...shaped.inputShape], window, strides, padding);
  const bottom = Math.max((g.outHeight - 1) * g.strideY + g.windowHeight - g.inHeight, 0) - g.padTop;
  const right = Math.max((g.outWidth - 1) * g.strideX + g.windowWidth - g.inWidth, 0) - g.padLeft;
  return [
    { name: 'kernel_shape', ints: [window[0], window[1]] },
    { name: 'strides', ints: [strides[0], strides[1]] },
    { name: 'pads', ints: [g.padTop, g.padLeft, bottom, right] },
  ];
}

register<Conv2D>({
  layerClass: Conv2D,
  describe: 'Conv2D → Conv (+ Relu with activation relu)',
  convert(layer, graph, shaped, name) {
    graph.ensureLayout('channels-first', 4, name);
    // handgrad keeps W as [kh, kw, in, out] (HWIO, as Keras); ONNX wants [out, in, kh, kw] (OIHW).
    const [kh, kw] = layer.kernelSize;
    const cin = layer.inChannels;
    const cout = layer.filters;
    const hwio = layer.weights.data;
    const oihw = new Float32Array(hwio.length);
    for (let y = 0; y < kh; y++) {
      for (let x = 0; x < kw; x++) {
        for (let i = 0; i < cin; i++) {
          for (let o = 0; o < cout; o++) oihw[((o * cin + i) * kh + y) * kw + x] = hwio[((y * kw + x) * cin + i) * cout + o];
        }
      }
    }
    const w = graph.constant(`${name}.weights`, [cout, cin, kh, kw], oihw);
    const b = graph.constant(`${name}.biases`, [cout], layer.biases.data);
    graph.apply('Conv', name, [w, b], windowAttributes(shaped, layer.kernelSize, layer.strides, layer.padding, name));
    if (layer.activation === 'relu') graph.apply('Relu', `${name}.relu`); // the fused activation, as its own node
  },
});
register<MaxPool2D>({
  layerClass: MaxPool2D,
  describe: 'MaxPool2D → MaxPool',
  convert(layer, graph, shaped, name) {
    graph.ensureLayout('channels-first', 4, name);
    // ONNX's MaxPool, like handgrad's, never lets a padded position win.
    graph.apply('MaxPool', name, [], windowAttributes(shaped, layer.poolSize, layer.strides, layer.padding, name));
  },
});
register<AveragePooling2D>({
  layerClass: AveragePooling2D,
  describe: 'AveragePooling2D → AveragePool',
  convert(layer, graph, shaped, name) {
    graph.ensureLayout('channels-first', 4, name);
    // count_include_pad = 0: padded positions are left out of the mean, as in handgrad and TensorFlow.
    const attributes = [...windowAttributes(shaped, layer.poolSize, layer.strides, layer.padding, name), { name: 'count_include_pad', int: 0 }];
    graph.apply('AveragePool', name, [], attributes);
  },
});
register<GlobalAveragePooling2D>({
  layerClass: GlobalAveragePooling2D,
  describe: 'GlobalAveragePooling2D → GlobalAveragePool + Flatten',
  convert(_layer, graph, _shaped, name) {
    graph.ensureLayout('channels-first', 4, name);
    graph.apply('GlobalAveragePool', name); // [N, C, 1, 1]
    graph.apply('Flatten', `${name}_flatten`, [], [{ name: 'axis', int: 1 }]); // [N, C], as handgrad's output
    graph.layout = 'channels-last';
  },
});
register<Flatten>({
  layerClass: Flatten,
  describe: 'Flatten → Flatten (after a Transpose back to channels-last, so the order matches)',
  convert(_layer, graph, shaped, name) {
    graph.ensureLayout('channels-last', shaped.inputShape.length + 1, name);
    graph.apply('Flatten', name, [], [{ name: 'axis', int: 1 }]);
  },
});
register<BatchNormalization>({
  layerClass: BatchNormalization,
  describe: 'BatchNormalization → BatchNormalization (moving statistics)',
  convert(layer, graph, shaped, name) {
    const rank = shaped.inputShape.length + 1;
    // ONNX normalises axis 1: that is the features of [N, C] and the channels of NCHW.
    if (rank !== 2 && rank !== 4) throw new RangeError(`BatchNormalization over a [batch, ${shaped.inputShape.join(', ')}] input has no ONNX export yet`);
    graph.ensureLayout('channels-first', rank, name);
    const c = layer.channels;
    const inputs = [
      graph.constant(`${name}.gamma`, [c], layer.gamma.data),
      graph.constant(`${name}.beta`, [c], layer.beta.data),
      graph.constant(`${name}.movingMean`, [c], layer.movingMean.data),
      graph.constant(`${name}.movingVariance`, [c], layer.movingVariance.data),
    ];
    // Inference form: y = γ · (x − moving mean) / √(moving variance + ε) + β.
    graph.apply('BatchNormalization', name, inputs, [{ name: 'epsilon', float: layer.epsilon }]);
  },
});
