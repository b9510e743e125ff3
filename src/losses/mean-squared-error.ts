import { assertFinite } from '../tensor/ops.js';
import { reuseOrAllocate, type Tensor } from '../tensor/tensor.js';
import type { Labels } from '../core/labels.js';
import type { Loss } from './loss.js';
import { validateTargets } from './targets.js';

/**
 * Mean squared error (L2 loss) for regression, book ch. 17. With N samples and J outputs:
 *
 * `L = (1/N) Σ_i (1/J) Σ_j (y_ij − ŷ_ij)²`
 *
 * Backward: `dL/dŷ_ij = −2 (y_ij − ŷ_ij) / J / N`.
 *
 * Targets: a finite `[batch, outputs]` Tensor shaped like the predictions.
 */
export class MeanSquaredError implements Loss {
  readonly name = 'MeanSquaredError';
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
      for (let j = i * outputs; j < (i + 1) * outputs; j++) {
        const diff = y[j] - p[j];
        sample += diff * diff;
      }
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
    const scale = 2 / (outputs * batch);
    // dL/dŷ = −2 (y − ŷ) / J / N = 2 (ŷ − y) / J / N
    for (let i = 0; i < p.length; i++) out[i] = (p[i] - y[i]) * scale;
    this.dinputs = dinputs;
    return dinputs;
  }
}
