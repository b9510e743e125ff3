import type { Layer } from '../layers/layer.js';
import { Sequential } from '../model/sequential.js';
import { Tensor } from '../tensor/tensor.js';
import { checkInstance, checkOptions, showValue } from '../core/validate.js';

/** Options shared by the exporters. */
export interface ExportOptions {
  /**
   * The shape of one example (no batch dimension), e.g. `[2]`. Default: the model's own
   * {@link Sequential.inputShape} (given to its constructor, or learned from its first `fit`/`predict`).
   */
  inputShape?: readonly number[];
}

/** A layer with the shapes of one example going in and coming out (batch dimension left out). */
export interface ShapedLayer {
  readonly index: number;
  readonly layer: Layer;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
}

/**
 * The input shape to export for: `options.inputShape`, else the model's own.
 * @throws naming `op` when neither is known or the shape is not a list of positive integers
 */
export function resolveInputShape(op: string, model: Sequential, options: ExportOptions = {}): readonly number[] {
  checkInstance(op, 'model', model, Sequential, 'a Sequential model');
  checkOptions(op, 'options', options);
  const given = options.inputShape;
  const shape = given ?? model.inputShape;
  if (shape === null || shape === undefined) {
    throw new Error(
      `${op}: the model's input shape is unknown; pass { inputShape: [...] } (one example, without the batch dimension), ` +
        `give the model one (new Sequential(layers, { inputShape })), or run fit/predict once first`,
    );
  }
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new RangeError(`${op}: inputShape must be a non-empty array of positive integers, got ${showValue(shape)}`);
  }
  return shape;
}

/**
 * Every layer with its input and output shape for examples of `inputShape`, found by running one zero
 * example through the layers in inference mode (no random numbers drawn, no statistics updated).
 * @throws naming `op` and the layer when the shape does not fit the model
 */
export function shapeLayers(op: string, model: Sequential, inputShape: readonly number[]): ShapedLayer[] {
  let x = zeroExample(inputShape);
  return model.layers.map((layer, index) => {
    const before = x.shape.slice(1);
    try {
      x = layer.forward(x, { training: false });
    } catch (err) {
      throw new RangeError(
        `${op}: layer ${index} (${layer.name}) rejects inputs of shape [batch, ${before.join(', ')}]: ${(err as Error).message}`,
        { cause: err },
      );
    }
    return { index, layer, inputShape: before, outputShape: x.shape.slice(1) };
  });
}

/** A batch of one all-zero example. */
function zeroExample(shape: readonly number[]): Tensor {
  return new Tensor([1, ...shape]);
}
