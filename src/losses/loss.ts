import type { Labels } from '../core/labels.js';
import type { Layer } from '../layers/layer.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * A loss: a scalar measure of how far predictions are from targets, and its gradient.
 * `forward` returns the mean over the batch; `backward` returns dL/d(yPred) for that mean, so it already
 * carries the 1/N factor.
 */
export interface Loss {
  readonly name: string;
  forward(yPred: Tensor, yTrue: Labels): number;
  /** dL/d(yPred). The returned tensor is owned by the loss and overwritten by the next call. */
  backward(yPred: Tensor, yTrue: Labels): Tensor;
  /**
   * Optional: a fused backward through the model's last layer. When this loss has a cheaper (or more
   * accurate) exact form of dL/d(input of `layer`) — categorical cross-entropy after Softmax:
   * `(ŷ − y)/N` — it returns that gradient, sets `layer.dinputs` to it, and the model continues with the
   * layer below, skipping `loss.backward` and `layer.backward`. It returns null for any other layer, and
   * the model chains the two backwards. `yPred` is the layer's output.
   */
  backwardThrough?(layer: Layer, yPred: Tensor, yTrue: Labels): Tensor | null;
}
