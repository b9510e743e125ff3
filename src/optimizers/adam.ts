import { checkNumber, checkOptions, checkPositive } from '../core/validate.js';
import { SCHEDULE_OPTIONS } from './learning-rate-schedule.js';
import { Optimizer, type OptimizerOptions } from './optimizer.js';

/** Options for {@link Adam}. */
export interface AdamOptions extends OptimizerOptions {
  /** Step size. Default 0.001 (the book's). */
  learningRate?: number;
  /** Added to √ĉ so the division never blows up. Default 1e-7. */
  epsilon?: number;
  /** Decay of the gradient average (momentum), in [0, 1). Default 0.9. */
  beta1?: number;
  /** Decay of the squared-gradient average (cache), in [0, 1). Default 0.999. */
  beta2?: number;
}

/**
 * Adam (the book's `Optimizer_Adam`): momentum plus an RMSProp-style cache, both bias-corrected.
 * With t = iterations + 1 (the step being taken, counting from 1):
 *
 * - `m ← β₁ · m + (1 − β₁) · g`,        `m̂ = m / (1 − β₁ᵗ)`
 * - `c ← β₂ · c + (1 − β₂) · g²`,       `ĉ = c / (1 − β₂ᵗ)`
 * - `w ← w − lr · m̂ / (√ĉ + ε)`
 */
export class Adam extends Optimizer {
  readonly name = 'Adam';
  readonly epsilon: number;
  readonly beta1: number;
  readonly beta2: number;
  protected readonly slotNames = ['momentum', 'cache'] as const;
  protected override readonly nonNegativeSlots = ['cache'];

  constructor(options: AdamOptions = {}) {
    const { epsilon = 1e-7, beta1 = 0.9, beta2 = 0.999 } = checkOptions('Adam', 'options', options, [...SCHEDULE_OPTIONS, 'epsilon', 'beta1', 'beta2']);
    super('Adam', options, 0.001);
    this.epsilon = checkPositive('Adam', 'epsilon', epsilon);
    this.beta1 = checkNumber('Adam', 'beta1', beta1, { min: 0, max: 1, maxExclusive: true });
    this.beta2 = checkNumber('Adam', 'beta2', beta2, { min: 0, max: 1, maxExclusive: true });
  }

  protected updateParameter(w: Float32Array, g: Float32Array, slots: Float32Array[], lr: number): void {
    this.update(w, g, slots, lr);
  }

  protected override updateParameterWithBackup(
    w: Float32Array, g: Float32Array, slots: Float32Array[], lr: number, wBackup: Float32Array, slotBackups: Float32Array[],
  ): boolean {
    this.update(w, g, slots, lr, [wBackup, slotBackups[0], slotBackups[1]]);
    return true;
  }

  /** The update, with the old w, m, c copied to `backup` in the same pass when given. */
  private update(
    w: Float32Array, g: Float32Array, slots: Float32Array[], lr: number,
    backup?: readonly [Float32Array, Float32Array, Float32Array],
  ): void {
    // bias corrections for step t = iterations + 1 (iterations advances after the whole step)
    const t = this.iterations + 1;
    const mScale = 1 / (1 - this.beta1 ** t);
    const cScale = 1 / (1 - this.beta2 ** t);
    // m ← β₁ · m + (1 − β₁) · g;  c ← β₂ · c + (1 − β₂) · g²;
    // w ← w − lr · m̂ / (√ĉ + ε), with m̂ = m / (1 − β₁ᵗ) = m · mScale, ĉ = c / (1 − β₂ᵗ) = c · cScale
    this.kernels.adam(w, g, slots[0], slots[1], this.beta1, this.beta2, lr * mScale, cScale, this.epsilon, backup);
  }

  protected options(): Record<string, number> {
    return {
      epsilon: this.epsilon,
      beta1: this.beta1,
      beta2: this.beta2,
    };
  }
}
