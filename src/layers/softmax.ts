import { assertFinite } from '../tensor/ops.js';
import { reuseOrAllocate, type Tensor } from '../tensor/tensor.js';
import { checkBackwardShape, type ForwardOptions, type Layer, type Parameter } from './layer.js';

/**
 * Row-wise softmax: `s_ij = exp(x_ij − max_k x_ik) / Σ_k exp(x_ik − max_k x_ik)`.
 * Subtracting the row maximum leaves the result unchanged and keeps exp() from overflowing, so logits of
 * ±100 or more are safe. Keeps its output s (backward needs it).
 *
 * Backward is the exact Jacobian–vector product per row. With J = diag(s) − s sᵀ and d = dL/ds:
 * `dL/dx = J d = s ⊙ (d − (d · s))`.
 * (When Softmax is followed by categorical cross-entropy, the model uses the fused, cheaper form instead.)
 */
export class Softmax implements Layer {
  readonly name = 'Softmax';
  dinputs: Tensor | null = null;
  private output: Tensor | null = null;

  forward(x: Tensor, _options?: ForwardOptions): Tensor {
    if (x.rank !== 2) {
      // Rows of [batch, classes] only: reading an image batch as rows would normalise the wrong values.
      throw new RangeError(`${this.name}.forward: expects a 2-D [batch, classes] input, got ${x.shapeString()} (put a Flatten before Softmax)`);
    }
    assertFinite(x, `${this.name}.forward: input`);
    const [rows, cols] = x.shape;
    const out = reuseOrAllocate(this.output, [rows, cols]);
    const xd = x.data;
    const od = out.data;
    for (let i = 0; i < rows; i++) {
      const row = i * cols;
      let max = -Infinity;
      for (let j = 0; j < cols; j++) if (xd[row + j] > max) max = xd[row + j];
      let sum = 0;
      for (let j = 0; j < cols; j++) {
        const e = Math.exp(xd[row + j] - max);
        od[row + j] = e;
        sum += e;
      }
      const inv = 1 / sum; // sum ≥ 1: the max element contributes exp(0)
      for (let j = 0; j < cols; j++) od[row + j] *= inv;
    }
    this.output = out;
    return out;
  }

  backward(dvalues: Tensor): Tensor {
    const s = checkBackwardShape(this.name, this.output, dvalues);
    const [rows, cols] = s.shape;
    const dinputs = reuseOrAllocate(this.dinputs, [rows, cols]);
    const sd = s.data;
    const dd = dvalues.data;
    const out = dinputs.data;
    for (let i = 0; i < rows; i++) {
      const row = i * cols;
      // dL/dx_i = s_i (d_i − d·s). Written as s_i (d_i·T − d·s) with T = Σ s_j (= 1 in exact
      // arithmetic): in float64, d_i·T − d·s = Σ_{j≠i} s_j (d_i − d_j) keeps full precision even when
      // s_i ≈ 1, where the float32-rounded s_i would otherwise cancel against the dot product.
      let dot = 0;
      let total = 0;
      for (let j = 0; j < cols; j++) {
        dot += dd[row + j] * sd[row + j];
        total += sd[row + j];
      }
      for (let j = 0; j < cols; j++) out[row + j] = sd[row + j] * (dd[row + j] * total - dot);
    }
    this.dinputs = dinputs;
    return dinputs;
  }

  parameters(): Parameter[] {
    return [];
  }
}
