import { checkNumber, checkOptions } from '../core/validate.js';
import { SCHEDULE_OPTIONS } from './learning-rate-schedule.js';
import { Optimizer, type OptimizerOptions } from './optimizer.js';

/** Options for {@link SGD}. */
export interface SGDOptions extends OptimizerOptions {
  /** Step size. Default 1 (the book's). */
  learningRate?: number;
  /** Fraction of the previous update carried into the next, in [0, 1). Default 0 (plain SGD). */
  momentum?: number;
}

/**
 * Stochastic gradient descent, optionally with momentum (the book's `Optimizer_SGD`).
 *
 * - without momentum: `w ← w − lr · g`
 * - with momentum μ, per-parameter velocity m (starts at 0): `m ← μ · m − lr · g`, then `w ← w + m`
 *
 * where lr is the scheduled rate (`learningRate / (1 + decay · iterations)` by default; see {@link OptimizerOptions}).
 */
export class SGD extends Optimizer {
  readonly name = 'SGD';
  readonly momentum: number;
  protected readonly slotNames: readonly string[];

  constructor(options: SGDOptions = {}) {
    const { momentum = 0 } = checkOptions('SGD', 'options', options, [...SCHEDULE_OPTIONS, 'momentum']);
    super('SGD', options, 1);
    this.momentum = checkNumber('SGD', 'momentum', momentum, { min: 0, max: 1, maxExclusive: true });
    this.slotNames = momentum > 0 ? ['momentum'] : [];
  }

  protected updateParameter(w: Float32Array, g: Float32Array, slots: Float32Array[], lr: number): void {
    if (this.momentum === 0) {
      // w ← w − lr · g
      this.kernels.sgd(w, g, lr);
    } else {
      // m ← μ · m − lr · g   (the update, remembered for the next step);  w ← w + m
      this.kernels.sgdMomentum(w, g, slots[0], this.momentum, lr);
    }
  }

  protected options(): Record<string, number> {
    return { momentum: this.momentum };
  }
}
