import { Tensor } from '../tensor/tensor.js';
import { validateLabels, type Labels } from '../core/labels.js';
import type { Metric } from './metric.js';

/** Index of the largest value in row `i` of `t` (the first one on ties). */
export function argmaxRow(t: Tensor, i: number): number {
  const cols = t.cols;
  const d = t.data;
  const row = i * cols;
  let best = 0;
  let bestValue = d[row];
  for (let j = 1; j < cols; j++) {
    if (d[row + j] > bestValue) {
      bestValue = d[row + j];
      best = j;
    }
  }
  return best;
}

/**
 * Fraction of rows whose highest-scoring class (argmax of the prediction row) is the target class:
 * `(1/N) Σ_i [argmax_j ŷ_ij = c_i]`. Targets are class indices or one-hot rows (whose argmax is the class).
 */
export const categoricalAccuracy: Metric = {
  name: 'categoricalAccuracy',
  compute(yPred: Tensor, yTrue: Labels): number {
    validateLabels('categoricalAccuracy', yPred, yTrue);
    const n = yPred.rows;
    if (n === 0) return 0;
    let correct = 0;
    if (yTrue instanceof Tensor) {
      for (let i = 0; i < n; i++) if (argmaxRow(yPred, i) === argmaxRow(yTrue, i)) correct++;
    } else {
      for (let i = 0; i < n; i++) if (argmaxRow(yPred, i) === yTrue[i]) correct++;
    }
    return correct / n;
  },
};
