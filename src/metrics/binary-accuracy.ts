import type { Labels } from '../core/labels.js';
import { validateTargets } from '../losses/targets.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Metric } from './metric.js';

/**
 * Accuracy of independent yes/no outputs (e.g. Sigmoid + binary cross-entropy), book ch. 16: each output
 * counts as class 1 when ŷ > 0.5, else 0, and the score is the fraction of outputs equal to their 0/1
 * target, over every output of every sample: `(1/(N·J)) Σ_ij [ (ŷ_ij > 0.5) = y_ij ]`.
 * Targets: a `[batch, outputs]` Tensor of 0s and 1s.
 */
export const binaryAccuracy: Metric = {
  name: 'binaryAccuracy',
  compute(yPred: Tensor, yTrue: Labels): number {
    validateTargets('binaryAccuracy', yPred, yTrue);
    const p = yPred.data;
    const y = yTrue.data;
    let correct = 0;
    for (let i = 0; i < p.length; i++) if ((p[i] > 0.5 ? 1 : 0) === y[i]) correct++;
    return correct / p.length;
  },
};
