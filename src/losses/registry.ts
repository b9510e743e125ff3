import { BinaryCrossEntropy } from './binary-cross-entropy.js';
import { CategoricalCrossEntropy } from './categorical-cross-entropy.js';
import type { Loss } from './loss.js';
import { MeanAbsoluteError } from './mean-absolute-error.js';
import { MeanSquaredError } from './mean-squared-error.js';
import { describeValue } from '../core/validate.js';

const factories = new Map<string, () => Loss>();

/** Makes a loss restorable by name from a saved model (`Sequential.fromJSON` with a training section). */
export function registerLoss(name: string, create: () => Loss): void {
  factories.set(name, create);
}

/**
 * A new instance of the loss registered under `name` (a loss's `name` property).
 * @throws naming the unknown name and the registered ones
 */
export function lossFromName(name: unknown): Loss {
  const create = typeof name === 'string' ? factories.get(name) : undefined;
  if (!create) {
    throw new RangeError(`unknown loss ${describeValue(name)} (registered: ${[...factories.keys()].join(', ')})`);
  }
  return create();
}

registerLoss('CategoricalCrossEntropy', () => new CategoricalCrossEntropy());
registerLoss('BinaryCrossEntropy', () => new BinaryCrossEntropy());
registerLoss('MeanSquaredError', () => new MeanSquaredError());
registerLoss('MeanAbsoluteError', () => new MeanAbsoluteError());
