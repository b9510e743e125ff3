import { assertFinite } from '../tensor/ops.js';
import { Tensor } from '../tensor/tensor.js';
import type { Labels } from '../core/labels.js';

/**
 * Checks that `yTrue` is a finite `[batch, outputs]` Tensor of the predictions' shape — the target form of
 * the element-wise losses (binary cross-entropy, mean squared / absolute error), and narrows its type.
 * Throws naming `op` and what is wrong.
 */
export function validateTargets(op: string, yPred: Tensor, yTrue: Labels): asserts yTrue is Tensor {
  if (!(yTrue instanceof Tensor)) {
    throw new TypeError(
      `${op}: targets must be a [batch, outputs] Tensor shaped like the predictions ${yPred.shapeString()}, ` +
        `got an array of ${yTrue.length} labels`,
    );
  }
  if (!yTrue.sameShape(yPred)) {
    throw new RangeError(`${op}: targets have shape ${yTrue.shapeString()}, predictions have shape ${yPred.shapeString()}`);
  }
  if (yPred.size === 0) throw new RangeError(`${op}: predictions are empty (shape ${yPred.shapeString()})`);
  assertFinite(yTrue, `${op}: targets`);
}
