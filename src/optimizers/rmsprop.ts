import { checkNumber, checkOptions, checkPositive } from '../core/validate.js';
import { SCHEDULE_OPTIONS } from './learning-rate-schedule.js';
import { Optimizer, type OptimizerOptions } from './optimizer.js';

/** Options for {@link RMSProp}. */
export interface RMSPropOptions extends OptimizerOptions {
  /** Step size. Default 0.001 (the book's). */
  learningRate?: number;
  /** Added to √cache so the division never blows up. Default 1e-7. */
  epsilon?: number;
  /** Decay of the squared-gradient average, in [0, 1). Default 0.9. */
  rho?: number;
}

/**
 * RMSProp (the book's `Optimizer_RMSprop`): like AdaGrad, but the cache is a moving average of squared
 * gradients, so steps do not shrink forever.
 *
 * - `cache ← ρ · cache + (1 − ρ) · g²`
 * - `w ← w − lr · g / (√cache + ε)`
 */
export class RMSProp extends Optimizer {
  readonly name = 'RMSProp';
  readonly epsilon: number;
  readonly rho: number;
  protected readonly slotNames = ['cache'] as const;
  protected override readonly nonNegativeSlots = ['cache'];

  constructor(options: RMSPropOptions = {}) {
    const { epsilon = 1e-7, rho = 0.9 } = checkOptions('RMSProp', 'options', options, [...SCHEDULE_OPTIONS, 'epsilon', 'rho']);
    super('RMSProp', options, 0.001);
    this.epsilon = checkPositive('RMSProp', 'epsilon', epsilon);
    this.rho = checkNumber('RMSProp', 'rho', rho, { min: 0, max: 1, maxExclusive: true });
  }

  protected updateParameter(w: Float32Array, g: Float32Array, slots: Float32Array[], lr: number): void {
    // cache ← ρ · cache + (1 − ρ) · g²;  w ← w − lr · g / (√cache + ε)
    this.kernels.scaledByCache(w, g, slots[0], this.rho, 1 - this.rho, lr, this.epsilon);
  }

  protected options(): Record<string, number> {
    return { epsilon: this.epsilon, rho: this.rho };
  }
}
