import type { Labels } from '../core/labels.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * A score of predictions against targets, reported by `fit` and `evaluate` next to the loss.
 * `compute` returns the mean over the batch (e.g. the fraction classified correctly), so the model can
 * average batches weighted by their size. It must not allocate: `fit` calls it on every batch.
 */
export interface Metric {
  /** e.g. `"categoricalAccuracy"`. */
  readonly name: string;
  compute(yPred: Tensor, yTrue: Labels): number;
  /**
   * Optional: called by `fit` with the whole training targets before training (and by `evaluate` with its
   * targets), for metrics that derive a setting from the data — e.g. regression accuracy's precision
   * std(y)/250, which the book fixes from the training set once.
   */
  prepare?(yTrue: Labels): void;
}
