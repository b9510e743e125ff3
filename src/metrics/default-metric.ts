import { invalid } from '../core/validate.js';
import type { Loss } from '../losses/loss.js';
import { binaryAccuracy } from './binary-accuracy.js';
import { categoricalAccuracy } from './categorical-accuracy.js';
import type { Metric } from './metric.js';
import { RegressionAccuracy } from './regression-accuracy.js';

/**
 * The metric `compile` uses when none is given: the accuracy that matches the loss.
 * Add a case here when adding a loss (e.g. binary cross-entropy → binary accuracy).
 * @throws for a loss it does not know, asking for an explicit `compile({ metric })`
 */
export function defaultMetricFor(loss: Loss): Metric {
  if (typeof loss !== 'object' || loss === null) invalid('defaultMetricFor', 'loss', 'a Loss', loss, true);
  switch (loss.name) {
    case 'CategoricalCrossEntropy':
      return categoricalAccuracy;
    case 'BinaryCrossEntropy':
      return binaryAccuracy;
    case 'MeanSquaredError':
    case 'MeanAbsoluteError':
      return new RegressionAccuracy(); // a fresh instance: its precision is fixed by the data it is prepared with
    default:
      throw new RangeError(
        `defaultMetricFor: no default metric for loss '${loss.name}'; pass one with compile({ loss, optimizer, metric })`,
      );
  }
}
