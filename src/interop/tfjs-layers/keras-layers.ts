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
import { showValue } from '../../core/validate.js';

// ---------------------------------------------------------------------------------------------------------
// Export: handgrad layer → Keras layers
// ---------------------------------------------------------------------------------------------------------

/** One Keras layer to write: class, config (without `name`), and weights by suffix (`kernel`, `bias`, …). */
export interface KerasLayerOut {
  className: string;
  /** Stem of the layer's name, e.g. `dense` (the exporter appends a number). */
  nameStem: string;
  config: { [key: string]: unknown };
  weights: { suffix: string; shape: number[]; data: Float32Array }[];
}

/** How one handgrad layer class is written as Keras layers (usually one). */
export interface KerasExporter<L extends Layer = Layer> {
  readonly layerClass: abstract new (...args: never[]) => L;
  /** "Dense → Dense" for the list of supported layers in error messages. */
  readonly describe: string;
  toKeras(layer: L, shaped: ShapedLayer): KerasLayerOut[];
}

const exporters = new Map<unknown, KerasExporter>();

function registerExport<L extends Layer>(exporter: KerasExporter<L>): void {
  exporters.set(exporter.layerClass, exporter as unknown as KerasExporter);
}

/** The exporter for `layer`'s exact class, or undefined. */
export function kerasExporterFor(layer: Layer): KerasExporter | undefined {
  return exporters.get(Object.getPrototypeOf(layer)?.constructor);
}

export function supportedExportLayers(): string {
  return [...exporters.values()].map((e) => e.describe).join(', ');
}

const activationLayer = (activation: string): KerasLayerOut => ({
  className: 'Activation',
  nameStem: 'activation',
  config: { activation },
  weights: [],
});

function registerActivation<L extends Layer>(layerClass: new () => L, handgradName: string, activation: string): void {
  registerExport<L>({ layerClass, describe: `${handgradName} → Activation('${activation}')`, toKeras: () => [activationLayer(activation)] });
}

registerExport<Dense>({
  layerClass: Dense,
  describe: 'Dense → Dense',
  toKeras(layer) {
    // Dense takes [batch, nIn] only (a Flatten comes first for images), as Keras's Dense on flat examples.
    return [{
      className: 'Dense',
      nameStem: 'dense',
      config: { units: layer.nOut, activation: layer.activation, use_bias: true },
      weights: [
        { suffix: 'kernel', shape: [layer.nIn, layer.nOut], data: layer.weights.data },
        { suffix: 'bias', shape: [layer.nOut], data: layer.biases.data },
      ],
    }];
  },
});
registerActivation(ReLU, 'ReLU', 'relu');
registerActivation(Sigmoid, 'Sigmoid', 'sigmoid');
registerActivation(Tanh, 'Tanh', 'tanh');
registerActivation(Softmax, 'Softmax', 'softmax');
registerActivation(Linear, 'Linear', 'linear');
registerExport<LeakyReLU>({
  layerClass: LeakyReLU,
  describe: 'LeakyReLU → LeakyReLU',
  toKeras: (layer) => [{ className: 'LeakyReLU', nameStem: 'leaky_re_lu', config: { alpha: layer.alpha }, weights: [] }],
});
registerExport<Dropout>({
  layerClass: Dropout,
  describe: 'Dropout → Dropout',
  toKeras: (layer) => [
    { className: 'Dropout', nameStem: 'dropout', config: { rate: layer.rate, ...(layer.seed !== undefined ? { seed: layer.seed } : {}) }, weights: [] },
  ],
});

registerExport<Conv2D>({
  layerClass: Conv2D,
  describe: 'Conv2D → Conv2D',
  toKeras: (layer) => [
    {
      className: 'Conv2D',
      nameStem: 'conv2d',
      config: {
        filters: layer.filters,
        kernel_size: [...layer.kernelSize],
        strides: [...layer.strides],
        padding: layer.padding,
        data_format: 'channels_last',
        dilation_rate: [1, 1],
        activation: layer.activation,
        use_bias: true,
      },
      // Both keep the kernel as [kh, kw, in, out] (HWIO), so the values go over unchanged.
      weights: [
        { suffix: 'kernel', shape: [...layer.weights.shape], data: layer.weights.data },
        { suffix: 'bias', shape: [layer.filters], data: layer.biases.data },
      ],
    },
  ],
});
const pooling = (className: string, nameStem: string, layer: MaxPool2D | AveragePooling2D): KerasLayerOut[] => [
  {
    className,
    nameStem,
    config: { pool_size: [...layer.poolSize], strides: [...layer.strides], padding: layer.padding, data_format: 'channels_last' },
    weights: [],
  },
];
registerExport<MaxPool2D>({ layerClass: MaxPool2D, describe: 'MaxPool2D → MaxPooling2D', toKeras: (layer) => pooling('MaxPooling2D', 'max_pooling2d', layer) });
registerExport<AveragePooling2D>({
  layerClass: AveragePooling2D,
  describe: 'AveragePooling2D → AveragePooling2D',
  toKeras: (layer) => pooling('AveragePooling2D', 'average_pooling2d', layer),
});
registerExport<GlobalAveragePooling2D>({
  layerClass: GlobalAveragePooling2D,
  describe: 'GlobalAveragePooling2D → GlobalAveragePooling2D',
  toKeras: () => [{ className: 'GlobalAveragePooling2D', nameStem: 'global_average_pooling2d', config: { data_format: 'channels_last' }, weights: [] }],
});
registerExport<Flatten>({
  layerClass: Flatten,
  describe: 'Flatten → Flatten',
  toKeras: () => [{ className: 'Flatten', nameStem: 'flatten', config: {}, weights: [] }],
});
registerExport<BatchNormalization>({
  layerClass: BatchNormalization,
  describe: 'BatchNormalization → BatchNormalization',
  toKeras: (layer) => [
    {
      className: 'BatchNormalization',
      nameStem: 'batch_normalization',
      config: { axis: -1, momentum: layer.momentum, epsilon: layer.epsilon, center: true, scale: true },
      weights: [
        { suffix: 'gamma', shape: [layer.channels], data: layer.gamma.data },
        { suffix: 'beta', shape: [layer.channels], data: layer.beta.data },
        { suffix: 'moving_mean', shape: [layer.channels], data: layer.movingMean.data },
        { suffix: 'moving_variance', shape: [layer.channels], data: layer.movingVariance.data },
      ],
    },
  ],
});

// ---------------------------------------------------------------------------------------------------------
// Import: Keras layer → handgrad layers
// ---------------------------------------------------------------------------------------------------------

/** What an importer sees of the layer it converts. */
export interface KerasImportContext {
  /** The layer's Keras config. */
  readonly config: { readonly [key: string]: unknown };
  /** The shape of one example entering the layer (no batch dimension). */
  readonly inputShape: readonly number[];
  /** The layer's position in the file, used to derive seeds that leave the global random stream alone. */
  readonly index: number;
  /** The weight `<layer name>/<suffix>` with exactly `shape`; throws a clear error when missing or misshapen. */
  weight(suffix: string, shape: readonly number[]): Float32Array;
  /** Whether the layer has a weight with that suffix. */
  hasWeight(suffix: string): boolean;
  /** Throws an error naming the layer. */
  fail(message: string): never;
}

/** How one Keras class becomes handgrad layers; returns them and the shape of one example coming out. */
export interface KerasImporter {
  readonly className: string;
  fromKeras(ctx: KerasImportContext): { layers: Layer[]; outputShape: readonly number[] };
}

const importers = new Map<string, KerasImporter>();

function registerImport(importer: KerasImporter): void {
  importers.set(importer.className, importer);
}

/** The importer for a Keras class name, or undefined. */
export function kerasImporterFor(className: string): KerasImporter | undefined {
  return importers.get(className);
}

/** The Keras classes the importer reads, for error messages. */
export function supportedImportClasses(): string[] {
  return [...importers.keys()];
}

/** Keras activation names handgrad has as layers. `linear` (or none) adds nothing after a Dense. */
const ACTIVATIONS: { [name: string]: (() => Layer) | null } = {
  linear: null,
  relu: () => new ReLU(),
  sigmoid: () => new Sigmoid(),
  tanh: () => new Tanh(),
  softmax: () => new Softmax(),
};

/**
 * The handgrad layer for a Keras activation applied to examples of `shape`; none for `linear` after a
 * Dense or Conv2D (`fused`), a Linear layer for a standalone `Activation('linear')`.
 */
function activationLayers(ctx: KerasImportContext, field: string, fused: boolean, shape: readonly number[]): Layer[] {
  const value = ctx.config[field] ?? 'linear';
  if (typeof value !== 'string' || !(value in ACTIVATIONS)) {
    ctx.fail(`${field} ${showValue(value)} is not supported (supported: ${Object.keys(ACTIVATIONS).join(', ')})`);
  }
  if (value === 'softmax' && shape.length !== 1) {
    ctx.fail(`softmax over examples of shape [${shape.join(', ')}] is not supported (handgrad's Softmax takes [batch, classes])`);
  }
  const make = ACTIVATIONS[value];
  if (make === null) return fused ? [] : [new Linear()];
  return [make()];
}

function flatWidth(ctx: KerasImportContext, what: string): number {
  if (ctx.inputShape.length !== 1) {
    ctx.fail(`${what} receives examples of shape [${ctx.inputShape.join(', ')}]; handgrad's needs flat examples (add a Flatten before it)`);
  }
  return ctx.inputShape[0];
}

/** Reads an optional L1L2 regularizer config into handgrad's penalty strengths. */
function penalty(ctx: KerasImportContext, field: string): { l1?: number; l2?: number } {
  const reg = ctx.config[field];
  if (reg === null || reg === undefined) return {};
  const r = reg as { class_name?: unknown; config?: { l1?: unknown; l2?: unknown } };
  if (typeof r !== 'object' || !['L1L2', 'l1_l2', 'L1', 'L2'].includes(String(r.class_name))) {
    ctx.fail(`${field} ${showValue(reg)} is not supported (only L1L2 / L1 / L2 regularizers)`);
  }
  const l1 = r.config?.l1;
  const l2 = r.config?.l2;
  return { l1: typeof l1 === 'number' && l1 > 0 ? l1 : undefined, l2: typeof l2 === 'number' && l2 > 0 ? l2 : undefined };
}

registerImport({
  className: 'Dense',
  fromKeras(ctx: KerasImportContext) {
    const nIn = flatWidth(ctx, 'Dense');
    const units = ctx.config.units;
    if (!Number.isInteger(units) || (units as number) < 1) ctx.fail(`units must be a positive integer, got ${showValue(units)}`);
    const nOut = units as number;
    const activation = activationLayers(ctx, 'activation', true, [nOut]);
    const kernelPenalty = penalty(ctx, 'kernel_regularizer');
    const biasPenalty = penalty(ctx, 'bias_regularizer');
    const dense = new Dense(nIn, nOut, {
      seed: ctx.index, // the weights come from the file; a fixed seed leaves the global random stream alone
      weightL1: kernelPenalty.l1,
      weightL2: kernelPenalty.l2,
      biasL1: biasPenalty.l1,
      biasL2: biasPenalty.l2,
    });
    dense.weights.data.set(ctx.weight('kernel', [nIn, nOut]));
    // use_bias: false has no bias weight; handgrad's Dense always has one, so it starts at zero (equal outputs).
    if (ctx.config.use_bias !== false) dense.biases.data.set(ctx.weight('bias', [nOut]));
    return { layers: [dense, ...activation], outputShape: [nOut] };
  },
});

registerImport({
  className: 'Activation',
  fromKeras: (ctx: KerasImportContext) => ({ layers: activationLayers(ctx, 'activation', false, ctx.inputShape), outputShape: ctx.inputShape }),
});

registerImport({
  className: 'ReLU',
  fromKeras(ctx: KerasImportContext) {
    const { max_value: maxValue, negative_slope: slope, threshold } = ctx.config;
    if ((maxValue ?? null) !== null) ctx.fail(`max_value ${showValue(maxValue)} is not supported (a capped ReLU has no handgrad layer)`);
    if ((slope ?? 0) !== 0) ctx.fail(`negative_slope ${showValue(slope)} is not supported (use LeakyReLU)`);
    if ((threshold ?? 0) !== 0) ctx.fail(`threshold ${showValue(threshold)} is not supported`);
    return { layers: [new ReLU()], outputShape: ctx.inputShape };
  },
});

registerImport({
  className: 'LeakyReLU',
  fromKeras(ctx: KerasImportContext) {
    // tfjs-layers and Keras 2 write `alpha` (default 0.3); Keras 3 writes `negative_slope`.
    const alpha = ctx.config.alpha ?? ctx.config.negative_slope ?? 0.3;
    if (typeof alpha !== 'number' || !(alpha >= 0)) ctx.fail(`alpha must be a number ≥ 0, got ${showValue(alpha)}`);
    return { layers: [new LeakyReLU({ alpha })], outputShape: ctx.inputShape };
  },
});

registerImport({
  className: 'Softmax',
  fromKeras(ctx: KerasImportContext) {
    const axis = ctx.config.axis ?? -1;
    const last = Array.isArray(axis) ? axis.length === 1 && (axis[0] === -1 || axis[0] === ctx.inputShape.length) : axis === -1 || axis === ctx.inputShape.length;
    if (!last || ctx.inputShape.length !== 1) ctx.fail(`only a softmax over the last axis of flat examples is supported, got axis ${showValue(axis)} on [${ctx.inputShape.join(', ')}]`);
    return { layers: [new Softmax()], outputShape: ctx.inputShape };
  },
});

registerImport({
  className: 'Dropout',
  fromKeras(ctx: KerasImportContext) {
    const { rate, seed, noise_shape: noiseShape } = ctx.config;
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) ctx.fail(`rate must be a number in [0, 1), got ${showValue(rate)}`);
    if ((noiseShape ?? null) !== null) ctx.fail(`noise_shape ${showValue(noiseShape)} is not supported`);
    return {
      layers: [new Dropout({ rate, seed: typeof seed === 'number' && Number.isInteger(seed) ? seed : ctx.index })],
      outputShape: ctx.inputShape,
    };
  },
});

/** Keras writes sizes as `n` or `[h, w]`; returns the pair, or fails naming the field. */
function pair(ctx: KerasImportContext, field: string, fallback?: [number, number]): [number, number] {
  const value = ctx.config[field] ?? fallback;
  const p = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(p) || p.length !== 2 || !p.every((v) => Number.isInteger(v) && v >= 1)) {
    ctx.fail(`${field} must be a positive integer or [height, width], got ${showValue(ctx.config[field])}`);
  }
  return [p[0], p[1]];
}

function paddingOf(ctx: KerasImportContext): Padding {
  const padding = ctx.config.padding ?? 'valid';
  if (padding !== 'valid' && padding !== 'same') ctx.fail(`padding ${showValue(padding)} is not supported (supported: valid, same)`);
  return padding;
}

/** Images must be channels-last ([H, W, C]) as in handgrad. */
function imageShape(ctx: KerasImportContext, what: string): [number, number, number] {
  const format = ctx.config.data_format ?? 'channels_last';
  if (format !== 'channels_last') ctx.fail(`data_format ${showValue(format)} is not supported (handgrad's images are channels_last)`);
  if (ctx.inputShape.length !== 3) ctx.fail(`${what} needs examples of shape [height, width, channels], got [${ctx.inputShape.join(', ')}]`);
  return ctx.inputShape as unknown as [number, number, number];
}

function windowOutput(ctx: KerasImportContext, window: [number, number], strides: [number, number], padding: Padding, channels: number): number[] {
  let g;
  try {
    g = windowGeometry('window', 'window', [1, ...ctx.inputShape], window, strides, padding);
  } catch (err) {
    ctx.fail((err as Error).message);
  }
  return [g.outHeight, g.outWidth, channels];
}

registerImport({
  className: 'Conv2D',
  fromKeras(ctx: KerasImportContext) {
    const [, , inChannels] = imageShape(ctx, 'Conv2D');
    const filters = ctx.config.filters;
    if (!Number.isInteger(filters) || (filters as number) < 1) ctx.fail(`filters must be a positive integer, got ${showValue(filters)}`);
    const kernelSize = pair(ctx, 'kernel_size');
    const strides = pair(ctx, 'strides', [1, 1]);
    const dilation = pair(ctx, 'dilation_rate', [1, 1]);
    if (dilation[0] !== 1 || dilation[1] !== 1) ctx.fail(`dilation_rate ${showValue(ctx.config.dilation_rate)} is not supported (only 1)`);
    if ((ctx.config.groups ?? 1) !== 1) ctx.fail(`groups ${showValue(ctx.config.groups)} is not supported (only 1)`);
    for (const field of ['kernel_regularizer', 'bias_regularizer']) {
      if ((ctx.config[field] ?? null) !== null) ctx.fail(`${field} is not supported on Conv2D (handgrad's Conv2D has no L1/L2 penalty)`);
    }
    const padding = paddingOf(ctx);
    const outputShape = windowOutput(ctx, kernelSize, strides, padding, filters as number);
    // a fused ReLU stays fused (Conv2D's own activation option); others become a layer after it
    const fusedRelu = ctx.config.activation === 'relu';
    const activation = fusedRelu ? [] : activationLayers(ctx, 'activation', true, outputShape);
    const conv = new Conv2D(inChannels, filters as number, { kernelSize, strides, padding, seed: ctx.index, ...(fusedRelu ? { activation: 'relu' as const } : {}) });
    conv.weights.data.set(ctx.weight('kernel', [kernelSize[0], kernelSize[1], inChannels, filters as number]));
    if (ctx.config.use_bias !== false) conv.biases.data.set(ctx.weight('bias', [filters as number]));
    return { layers: [conv, ...activation], outputShape };
  },
});

function importPooling(className: string, make: (o: { poolSize: [number, number]; strides: [number, number]; padding: Padding }) => Layer): void {
  registerImport({
    className,
    fromKeras(ctx: KerasImportContext) {
      const [, , channels] = imageShape(ctx, className);
      const poolSize = pair(ctx, 'pool_size', [2, 2]);
      const strides = pair(ctx, 'strides', poolSize); // null/absent strides = the pool size, as in Keras
      const padding = paddingOf(ctx);
      return { layers: [make({ poolSize, strides, padding })], outputShape: windowOutput(ctx, poolSize, strides, padding, channels) };
    },
  });
}
importPooling('MaxPooling2D', (o) => new MaxPool2D(o));
importPooling('AveragePooling2D', (o) => new AveragePooling2D(o));

registerImport({
  className: 'GlobalAveragePooling2D',
  fromKeras(ctx: KerasImportContext) {
    const [, , channels] = imageShape(ctx, 'GlobalAveragePooling2D');
    if (ctx.config.keepdims === true) ctx.fail('keepdims: true is not supported (handgrad returns [batch, channels])');
    return { layers: [new GlobalAveragePooling2D()], outputShape: [channels] };
  },
});

registerImport({
  className: 'Flatten',
  fromKeras(ctx: KerasImportContext) {
    const format = ctx.config.data_format ?? 'channels_last';
    if (format !== 'channels_last') ctx.fail(`data_format ${showValue(format)} is not supported (handgrad flattens channels_last)`);
    return { layers: [new Flatten()], outputShape: [ctx.inputShape.reduce((a, b) => a * b, 1)] };
  },
});

registerImport({
  className: 'BatchNormalization',
  fromKeras(ctx: KerasImportContext) {
    const rank = ctx.inputShape.length; // without the batch axis; Keras counts it, so the last axis is `rank`
    const axis = Array.isArray(ctx.config.axis) && ctx.config.axis.length === 1 ? ctx.config.axis[0] : (ctx.config.axis ?? -1);
    if (axis !== -1 && axis !== rank) ctx.fail(`axis ${showValue(ctx.config.axis)} is not supported (handgrad normalises the last axis)`);
    const channels = ctx.inputShape[rank - 1];
    const momentum = ctx.config.momentum ?? 0.99;
    const epsilon = ctx.config.epsilon ?? 1e-3;
    let bn: BatchNormalization;
    try {
      bn = new BatchNormalization(channels, { momentum: momentum as number, epsilon: epsilon as number });
    } catch (err) {
      ctx.fail((err as Error).message);
    }
    // center: false / scale: false have no beta / gamma: β = 0 and γ = 1 compute the same.
    if (ctx.config.scale !== false) bn.gamma.data.set(ctx.weight('gamma', [channels]));
    if (ctx.config.center !== false) bn.beta.data.set(ctx.weight('beta', [channels]));
    bn.movingMean.data.set(ctx.weight('moving_mean', [channels]));
    bn.movingVariance.data.set(ctx.weight('moving_variance', [channels]));
    return { layers: [bn], outputShape: ctx.inputShape };
  },
});
