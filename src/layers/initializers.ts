import type { Random } from '../core/random.js';
import { describeValue } from '../core/validate.js';

/**
 * How Dense weights are drawn:
 * - `'small'`: 0.01 · N(0, 1), the book's default — fine for shallow nets like the spiral classifier;
 * - `'he'`: N(0, 2 / nIn), suited to ReLU layers (He et al., 2015);
 * - `'glorot'`: U(−l, l) with l = √(6 / (nIn + nOut)), suited to tanh / sigmoid (Glorot & Bengio, 2010).
 */
export type InitializerName = 'small' | 'he' | 'glorot';

/** Every {@link InitializerName}. */
export const INITIALIZERS: readonly InitializerName[] = ['small', 'he', 'glorot'];

/** Fills a `[nIn, nOut]` weight array in place with the named initialiser's distribution. */
export function initializeWeights(
  name: InitializerName,
  weights: Float32Array,
  nIn: number,
  nOut: number,
  rng: Random,
): void {
  switch (name) {
    case 'small':
      rng.fillNormal(weights, 0, 0.01);
      return;
    case 'he':
      rng.fillNormal(weights, 0, Math.sqrt(2 / nIn));
      return;
    case 'glorot': {
      const limit = Math.sqrt(6 / (nIn + nOut));
      rng.fillUniform(weights, -limit, limit);
      return;
    }
    default:
      throw new RangeError(`initializeWeights: unknown initializer ${describeValue(name)} (use 'small', 'he' or 'glorot')`);
  }
}
