import { checkOptions, checkPositive } from '../core/validate.js';
import type { Labels } from '../core/labels.js';
import { validateTargets } from '../losses/targets.js';
import { Tensor } from '../tensor/tensor.js';
import type { Metric } from './metric.js';

/** Options for {@link RegressionAccuracy}. */
export interface RegressionAccuracyOptions {
  /**
   * A prediction counts as correct when `|ŷ − y| < precision`. Default: derived from the targets, as in
   * the book: `std(y) / divisor`, fixed by the first targets the metric sees (the training set in `fit`).
   */
  precision?: number;
  /** Divisor of the targets' standard deviation when `precision` is derived. Default 250 (the book's). */
  divisor?: number;
}

/**
 * "Accuracy" for regression (book ch. 17): the fraction of outputs within a precision of their target,
 * `(1/(N·J)) Σ_ij [ |ŷ_ij − y_ij| < precision ]`, with precision = std(y)/250 by default.
 *
 * Like the book's `init(y, reinit=False)`, a derived precision is computed once, from the first targets
 * given to {@link RegressionAccuracy.prepare} (which `fit` calls with the whole training set) or else to
 * `compute`, and then kept — so validation data is scored against the training precision. A new instance
 * (e.g. from `defaultMetricFor`) starts unprepared.
 */
export class RegressionAccuracy implements Metric {
  readonly name = 'regressionAccuracy';
  readonly divisor: number;
  private fixedPrecision: number | null;

  constructor(options: RegressionAccuracyOptions = {}) {
    const op = 'RegressionAccuracy';
    const { precision, divisor = 250 } = checkOptions(op, 'options', options, ['precision', 'divisor']);
    if (precision !== undefined) checkPositive(op, 'precision', precision);
    checkPositive(op, 'divisor', divisor);
    this.divisor = divisor;
    this.fixedPrecision = precision ?? null;
  }

  /** The precision in use, or null before any targets were seen (when it is derived). */
  get precision(): number | null {
    return this.fixedPrecision;
  }

  /** Fixes a derived precision from `yTrue` (the population std of all its values over `divisor`) unless already set. */
  prepare(yTrue: Labels): void {
    if (this.fixedPrecision !== null) return;
    if (!(yTrue instanceof Tensor) || yTrue.size === 0) {
      throw new TypeError('regressionAccuracy: targets must be a non-empty [batch, outputs] Tensor');
    }
    const d = yTrue.data;
    let mean = 0;
    for (let i = 0; i < d.length; i++) mean += d[i];
    mean /= d.length;
    let v = 0;
    for (let i = 0; i < d.length; i++) v += (d[i] - mean) ** 2;
    this.fixedPrecision = Math.sqrt(v / d.length) / this.divisor;
  }

  compute(yPred: Tensor, yTrue: Labels): number {
    validateTargets(this.name, yPred, yTrue);
    this.prepare(yTrue);
    const precision = this.fixedPrecision as number;
    const p = yPred.data;
    const y = yTrue.data;
    let within = 0;
    for (let i = 0; i < p.length; i++) if (Math.abs(p[i] - y[i]) < precision) within++;
    return within / p.length;
  }
}
