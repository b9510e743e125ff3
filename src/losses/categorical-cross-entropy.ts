import { assertFinite } from '../tensor/ops.js';
import { Tensor, reuseOrAllocate } from '../tensor/tensor.js';
import { validateLabels, type Labels } from '../core/labels.js';
import type { Layer } from '../layers/layer.js';
import { Softmax } from '../layers/softmax.js';
import type { Loss } from './loss.js';
import { clipProbability as clip } from './probability-clip.js';
import { softmaxCrossEntropyBackward } from './softmax-cross-entropy.js';

/**
 * Categorical cross-entropy over probability rows ŷ (e.g. a Softmax output):
 * `L = −(1/N) Σ_i Σ_j y_ij · log(clip(ŷ_ij))`; with integer labels c_i, `L = −(1/N) Σ_i log(clip(ŷ_i,c_i))`.
 *
 * Backward: `dL/dŷ_ij = −y_ij / clip(ŷ_ij) / N`. Using the clipped ŷ keeps the gradient finite when a
 * prediction is exactly 0. Labels are integer class indices or one-hot rows; both are validated.
 *
 * After a {@link Softmax} it fuses with it ({@link CategoricalCrossEntropy.backwardThrough}): a model gets
 * dL/dz = (ŷ − y)/N for the softmax input z directly (see `softmaxCrossEntropyBackward`).
 */
export class CategoricalCrossEntropy implements Loss {
  readonly name = 'CategoricalCrossEntropy';
  private dinputs: Tensor | null = null;
  private fused: Tensor | null = null;

  forward(yPred: Tensor, yTrue: Labels): number {
    const op = `${this.name}.forward`;
    assertFinite(yPred, `${op}: predictions`);
    validateLabels(op, yPred, yTrue);
    const [batch, classes] = yPred.shape;
    // the mean over no rows is 0/0: an error, not a NaN loss
    if (batch === 0) throw new RangeError(`${op}: predictions have no rows (shape ${yPred.shapeString()})`);
    const p = yPred.data;
    let total = 0;
    if (yTrue instanceof Tensor) {
      const y = yTrue.data;
      for (let i = 0; i < batch * classes; i++) if (y[i] !== 0) total -= y[i] * Math.log(clip(p[i]));
    } else {
      for (let i = 0; i < batch; i++) total -= Math.log(clip(p[i * classes + yTrue[i]]));
    }
    return total / batch;
  }

  backward(yPred: Tensor, yTrue: Labels): Tensor {
    const op = `${this.name}.backward`;
    validateLabels(op, yPred, yTrue);
    const [batch, classes] = yPred.shape;
    const dinputs = reuseOrAllocate(this.dinputs, [batch, classes]);
    const p = yPred.data;
    const out = dinputs.data;
    if (yTrue instanceof Tensor) {
      const y = yTrue.data;
      // dL/dŷ = −y / ŷ / N
      for (let i = 0; i < batch * classes; i++) out[i] = -y[i] / clip(p[i]) / batch;
    } else {
      out.fill(0);
      for (let i = 0; i < batch; i++) {
        const k = i * classes + yTrue[i];
        out[k] = -1 / clip(p[k]) / batch;
      }
    }
    this.dinputs = dinputs;
    return dinputs;
  }

  /**
   * The fused Softmax + cross-entropy backward: when `layer` is a {@link Softmax} whose output is `yPred`,
   * dL/dz = (ŷ − y)/N w.r.t. its input z (also stored as the Softmax's `dinputs`); null for any other layer.
   */
  backwardThrough(layer: Layer, yPred: Tensor, yTrue: Labels): Tensor | null {
    if (!(layer instanceof Softmax)) return null;
    const grad = softmaxCrossEntropyBackward(yPred, yTrue, this.fused);
    this.fused = grad;
    layer.dinputs = grad;
    return grad;
  }
}
