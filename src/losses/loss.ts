import type { Tensor } from '../tensor/tensor.js';
import type { Labels } from '../core/labels.js';

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
}
