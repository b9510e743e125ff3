import { Tensor } from '../tensor/tensor.js';
import { checkInteger, checkTensor, describeValue, invalid } from './validate.js';

/**
 * Class targets: integer class indices (one per sample), or a `[batch, classes]` tensor whose rows are
 * one-hot (or, more generally, probability distributions).
 */
export type Labels = Int32Array | readonly number[] | Tensor;

/** How many samples `labels` describes. */
export function labelCount(labels: Labels): number {
  return labels instanceof Tensor ? labels.rows : labels.length;
}

/**
 * Checks `labels` against predictions of shape `[batch, classes]`: one label per row, every index an
 * integer in [0, classes), every one-hot row a probability distribution. Throws naming `op` and the fault.
 */
export function validateLabels(op: string, yPred: Tensor, labels: Labels): void {
  checkTensor(op, 'predictions', yPred);
  if (!(labels instanceof Tensor || labels instanceof Int32Array || Array.isArray(labels))) {
    invalid(op, 'labels', 'class indices (an Int32Array or an array) or a one-hot Tensor', labels, true);
  }
  const [batch, classes] = yPred.shape;
  if (labels instanceof Tensor) {
    if (!labels.sameShape(yPred)) {
      throw new RangeError(
        `${op}: one-hot labels have shape ${labels.shapeString()}, predictions have shape ${yPred.shapeString()}`,
      );
    }
    const d = labels.data;
    for (let i = 0; i < batch; i++) {
      let sum = 0;
      for (let j = 0; j < classes; j++) {
        const v = d[i * classes + j];
        if (!(v >= 0 && v <= 1)) {
          throw new RangeError(`${op}: one-hot label row ${i} holds ${v} at column ${j}; values must lie in [0, 1]`);
        }
        sum += v;
      }
      if (Math.abs(sum - 1) > 1e-4) {
        throw new RangeError(`${op}: one-hot label row ${i} sums to ${sum}, expected 1`);
      }
    }
    return;
  }
  if (labels.length !== batch) {
    throw new RangeError(`${op}: got ${labels.length} labels for ${batch} predictions (shape ${yPred.shapeString()})`);
  }
  for (let i = 0; i < batch; i++) {
    const c = labels[i];
    if (!Number.isInteger(c) || c < 0 || c >= classes) {
      throw new RangeError(
        `${op}: label ${describeValue(c)} at index ${i} is not a class index in [0, ${classes - 1}] (predictions have ${classes} classes)`,
      );
    }
  }
}

/** Integer labels as a `[batch, classes]` one-hot tensor (one-hot tensors are returned as they are). */
export function toOneHot(labels: Labels, classes: number): Tensor {
  if (labels instanceof Tensor) return labels;
  if (!(labels instanceof Int32Array || Array.isArray(labels))) {
    invalid('toOneHot', 'labels', 'class indices (an Int32Array or an array) or a one-hot Tensor', labels, true);
  }
  checkInteger('toOneHot', 'classes', classes, { min: 1 });
  const t = new Tensor([labels.length, classes]);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (!Number.isInteger(c) || c < 0 || c >= classes) {
      throw new RangeError(`toOneHot: label ${describeValue(c)} at index ${i} is not a class index in [0, ${classes - 1}]`);
    }
    t.data[i * classes + c] = 1;
  }
  return t;
}
