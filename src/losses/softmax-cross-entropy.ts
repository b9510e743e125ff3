import { Tensor, reuseOrAllocate } from '../tensor/tensor.js';
import { validateLabels, type Labels } from '../core/labels.js';

/**
 * The fused backward of Softmax followed by categorical cross-entropy, w.r.t. the softmax *input* z:
 *
 * `dL/dz = (ŷ − y) / N`, where ŷ = softmax(z) and y is the one-hot target.
 *
 * Derivation: dL/dŷ_j = −y_j/ŷ_j and dŷ_j/dz_k = ŷ_j(δ_jk − ŷ_k), so
 * dL/dz_k = −Σ_j y_j(δ_jk − ŷ_k) = ŷ_k Σ_j y_j − y_k = ŷ_k − y_k (rows of y sum to 1).
 * It skips the Jacobian product and the division by ŷ, so it is both cheaper and more accurate.
 * (It differs from the chained form only where clipping is active, i.e. ŷ below 1e-7.)
 *
 * @param probs - the Softmax output ŷ, `[batch, classes]`
 * @param yTrue - integer class indices or one-hot rows
 * @param out - optional buffer to reuse
 */
export function softmaxCrossEntropyBackward(probs: Tensor, yTrue: Labels, out?: Tensor | null): Tensor {
  validateLabels('softmaxCrossEntropyBackward', probs, yTrue);
  const [batch, classes] = probs.shape;
  const dinputs = reuseOrAllocate(out, [batch, classes]);
  const p = probs.data;
  const d = dinputs.data;
  const scale = 1 / batch;
  if (yTrue instanceof Tensor) {
    const y = yTrue.data;
    for (let i = 0; i < batch * classes; i++) d[i] = (p[i] - y[i]) * scale;
  } else {
    for (let i = 0; i < batch * classes; i++) d[i] = p[i] * scale;
    for (let i = 0; i < batch; i++) {
      const k = i * classes + yTrue[i];
      d[k] = (p[k] - 1) * scale;
    }
  }
  return dinputs;
}
