import { assertFinite } from '../tensor/ops.js';
import { reuseOrAllocate, type Tensor } from '../tensor/tensor.js';
import { clipProbability as clip } from './probability-clip.js';
import type { Labels } from '../core/labels.js';
import type { Loss } from './loss.js';
import { validateTargets } from './targets.js';

/**
 * Binary cross-entropy for independent yes/no outputs (e.g. a Sigmoid output), book ch. 16.
 * With ŷ clipped to [1e-7, 1 − 1e-7], N samples and J outputs:
 *
 * `L = (1/N) Σ_i (1/J) Σ_j −[ y_ij · log ŷ_ij + (1 − y_ij) · log(1 − ŷ_ij) ]`
 * (mean over outputs, then over samples, as in the book).
 *
 * Backward: `dL/dŷ_ij = −( y_ij / ŷ_ij − (1 − y_ij) / (1 − ŷ_ij) ) / J / N`, evaluated at the clipped ŷ
 * (as the book does) so it stays finite when a prediction is exactly 0 or 1.
 *
 * Targets: a `[batch, outputs]` Tensor of values in [0, 1] (usually 0 or 1), shaped like the predictions.
 */
export class BinaryCrossEntropy implements Loss {
  readonly name = 'BinaryCrossEntropy';
  private dinputs: Tensor | null = null;

  forward(yPred: Tensor, yTrue: Labels): number {
    const op = `${this.name}.forward`;
    this.validate(op, yPred, yTrue);
    const [batch, outputs] = yPred.shape;
    const p = yPred.data;
    const y = (yTrue as Tensor).data;
    let total = 0;
    for (let i = 0; i < batch; i++) {
      let sample = 0;
      for (let j = i * outputs; j < (i + 1) * outputs; j++) {
        const q = clip(p[j]);
        sample -= y[j] * Math.log(q) + (1 - y[j]) * Math.log(1 - q);
      }
      total += sample / outputs; // mean over outputs
    }
    return total / batch; // mean over samples
  }

  backward(yPred: Tensor, yTrue: Labels): Tensor {
    const op = `${this.name}.backward`;
    this.validate(op, yPred, yTrue);
    const [batch, outputs] = yPred.shape;
    const dinputs = reuseOrAllocate(this.dinputs, [batch, outputs]);
    const p = yPred.data;
    const y = (yTrue as Tensor).data;
    const out = dinputs.data;
    const scale = 1 / (outputs * batch);
    // dL/dŷ = −(y/ŷ − (1 − y)/(1 − ŷ)) / J / N
    for (let i = 0; i < p.length; i++) {
      const q = clip(p[i]);
      out[i] = -(y[i] / q - (1 - y[i]) / (1 - q)) * scale;
    }
    this.dinputs = dinputs;
    return dinputs;
  }

  private validate(op: string, yPred: Tensor, yTrue: Labels): void {
    validateTargets(op, yPred, yTrue);
    assertFinite(yPred, `${op}: predictions`);
    const y = yTrue.data;
    for (let i = 0; i < y.length; i++) {
      if (!(y[i] >= 0 && y[i] <= 1)) {
        const row = Math.floor(i / yTrue.cols);
        throw new RangeError(
          `${op}: target ${y[i]} at row ${row}, column ${i - row * yTrue.cols} is outside [0, 1]`,
        );
      }
    }
  }
}
