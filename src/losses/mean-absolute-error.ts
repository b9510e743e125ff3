import { assertFinite } from '../tensor/ops.js';
import { reuseOrAllocate, type Tensor } from '../tensor/tensor.js';
import type { Labels } from '../core/labels.js';
import type { Loss } from './loss.js';
import { validateTargets } from './targets.js';

/**
 * Mean absolute error (L1 loss) for regression, book ch. 17. With N samples and J outputs:
 *
 * `L = (1/N) Σ_i (1/J) Σ_j |y_ij − ŷ_ij|`
 *
 * Backward: `dL/dŷ_ij = sign(ŷ_ij − y_ij) / J / N`. |·| has no derivative at 0; where ŷ equals y exactly
 * the gradient is taken as 0 (the subgradient the book's `np.sign` and TensorFlow.js use).
 *
 * Targets: a finite `[batch, outputs]` Tensor shaped like the predictions.
 */
export class MeanAbsoluteError implements Loss {
  readonly name = 'MeanAbsoluteError';
  private dinputs: Tensor | null = null;

  forward(yPred: Tensor, yTrue: Labels): number {
    const op = `${this.name}.forward`;
    validateTargets(op, yPred, yTrue);
    assertFinite(yPred, `${op}: predictions`);
    const [batch, outputs] = yPred.shape;
    const p = yPred.data;
    const y = yTrue.data;
    let total = 0;
    for (let i = 0; i < batch; i++) {
      let sample = 0;
      for (let j = i * outputs; j < (i + 1) * outputs; j++) sample += Math.abs(y[j] - p[j]);
      total += sample / outputs; // mean over outputs
    }
    return total / batch; // mean over samples
  }

  backward(yPred: Tensor, yTrue: Labels): Tensor {
    validateTargets(`${this.name}.backward`, yPred, yTrue);
    const [batch, outputs] = yPred.shape;
    const dinputs = reuseOrAllocate(this.dinputs, [batch, outputs]);
    const p = yPred.data;
    const y = yTrue.data;
    const out = dinputs.data;
    const scale = 1 / (outputs * batch);
    // dL/dŷ = sign(ŷ − y) / J / N, with sign(0) = 0
    for (let i = 0; i < p.length; i++) {
      const d = p[i] - y[i];
      out[i] = d > 0 ? scale : d < 0 ? -scale : 0;
    }
    this.dinputs = dinputs;
    return dinputs;
  }
}
