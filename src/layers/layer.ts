import type { Tensor } from '../tensor/tensor.js';

/** Options for a forward pass. */
export interface ForwardOptions {
  /** True while training: layers such as Dropout behave differently at inference. Default false. */
  training?: boolean;
}

/**
 * A trainable tensor and the gradient of the loss with respect to it, as optimizers see it.
 * `value` and `grad` are the layer's own tensors (same objects across steps), so an optimizer can key
 * its per-parameter state on `value`.
 */
export interface Parameter {
  /** Readable name, e.g. `"dense0.weights"` (the model prefixes the layer's position). */
  readonly name: string;
  readonly value: Tensor;
  readonly grad: Tensor;
}

/**
 * The book's layer contract, typed.
 *
 * - `forward(x)` computes the output and keeps only what `backward` needs (each layer's doc says what).
 * - `backward(dvalues)` receives dL/d(output), fills the layer's own parameter gradients (overwriting,
 *   never accumulating) and returns dL/d(input), also kept as `dinputs`.
 *
 * Returned tensors are buffers owned by the layer and are overwritten by its next call; `clone()` one
 * to keep it. This is what lets a steady-state training step run without allocating.
 */
export interface Layer {
  /** Short description used in error messages and summaries, e.g. `"Dense(2→64)"`. */
  readonly name: string;
  /** dL/d(input) from the last `backward`, or null before the first one. */
  readonly dinputs: Tensor | null;
  forward(x: Tensor, options?: ForwardOptions): Tensor;
  backward(dvalues: Tensor): Tensor;
  /**
   * Optional: fills only the parameter gradients, as `backward` does, but skips dL/d(input) (`dinputs` is
   * left unchanged). A model calls it on its first layer during training, where nobody reads the input
   * gradient; for Dense that saves one of its three matrix products.
   */
  backwardParameters?(dvalues: Tensor): void;
  /** The layer's trainable parameters (empty for activations). */
  parameters(): Parameter[];
  /**
   * Optional: the layer's regularisation penalty R (e.g. L1/L2 on Dense weights), which is added to the
   * data loss. A layer that has one adds dR/d(parameter) to its parameter gradients in `backward`.
   */
  regularizationLoss?(): number;
}

/** Throws unless `dvalues` has the shape of the last forward output. Shared by every layer's backward. */
export function checkBackwardShape(layer: string, output: Tensor | null, dvalues: Tensor): Tensor {
  if (output === null) throw new Error(`${layer}.backward: called before forward`);
  if (!output.sameShape(dvalues)) {
    throw new RangeError(
      `${layer}.backward: gradient shape ${dvalues.shapeString()} does not match the forward output ${output.shapeString()}`,
    );
  }
  return output;
}
