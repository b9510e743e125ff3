import { checkOptions, checkPositive } from '../core/validate.js';
import { SCHEDULE_OPTIONS } from './learning-rate-schedule.js';
import { Optimizer, type OptimizerOptions } from './optimizer.js';

/** Options for {@link AdaGrad}. */
export interface AdaGradOptions extends OptimizerOptions {
  /** Step size. Default 1 (the book's). */
  learningRate?: number;
  /** Added to √cache so the division never blows up. Default 1e-7. */
  epsilon?: number;
}

/**
 * AdaGrad (the book's `Optimizer_Adagrad`): each weight's step shrinks with the sum of its squared
 * gradients so far.
 *
 * - `cache ← cache + g²`
 * - `w ← w − lr · g / (√cache + ε)`
 */
export class AdaGrad extends Optimizer {
  readonly name = 'AdaGrad';
  readonly epsilon: number;
  protected readonly slotNames = ['cache'] as const;
  protected override readonly nonNegativeSlots = ['cache'];

  constructor(options: AdaGradOptions = {}) {
    const { epsilon = 1e-7 } = checkOptions('AdaGrad', 'options', options, [...SCHEDULE_OPTIONS, 'epsilon']);
    super('AdaGrad', options, 1);
    this.epsilon = checkPositive('AdaGrad', 'epsilon', epsilon);
  }

  protected updateParameter(w: Float32Array, g: Float32Array, slots: Float32Array[], lr: number): void {
    // cache ← cache + g²  (ρ = σ = 1);  w ← w − lr · g / (√cache + ε)
    this.kernels.scaledByCache(w, g, slots[0], 1, 1, lr, this.epsilon);
  }

  protected options(): Record<string, number> {
    return { epsilon: this.epsilon };
  }
}
