import { labelCount, type Labels } from '../core/labels.js';
import { Tensor } from '../tensor/tensor.js';
import { describeValue } from '../core/validate.js';

/**
 * Checks a dataset before any work: x has rows, y has one target per row, and every target fits a
 * model whose output has `outputs` columns — class indices must be integers in [0, outputs), target
 * tensors must be `[rows, outputs]`. (Whether target rows are one-hot is the loss's business.)
 * @param what - names the data in messages, e.g. `"x"` or `"validationData"`
 */
export function checkDataset(op: string, what: string, x: Tensor, y: Labels, outputs: number): void {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: ${what} inputs must be a Tensor`);
  if (x.rows === 0) throw new RangeError(`${op}: ${what} has no rows`);
  const n = labelCount(y);
  if (n !== x.rows) {
    throw new RangeError(`${op}: ${what} has ${x.rows} rows but ${n} targets (one per row needed)`);
  }
  if (y instanceof Tensor) {
    if (y.cols !== outputs) {
      throw new RangeError(
        `${op}: ${what} targets have shape ${y.shapeString()}, the model outputs ${outputs} columns`,
      );
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const c = y[i];
    if (!Number.isInteger(c) || c < 0 || c >= outputs) {
      throw new RangeError(
        `${op}: ${what} label ${describeValue(c)} at index ${i} is not a class index in [0, ${outputs - 1}] (the model has ${outputs} outputs)`,
      );
    }
  }
}
