import { expect } from 'vitest';

/** Tolerance for comparing two gradients elementwise. */
export interface Tolerance {
  /** Relative part: scaled by max(|a|, |b|) of the element. */
  rtol: number;
  /**
   * Absolute part, scaled by the largest |b| in the reference tensor: float32 sums in a different order
   * differ by a few ulps of the *terms*, which can dwarf an element that cancels to near zero.
   */
  atol: number;
  /**
   * Optional unscaled absolute floor, for references whose own float32 rounding is absolute rather than
   * relative (e.g. TF.js's saturated softmax gradient is off by ~ulp(1)·|d| whatever the element's size).
   */
  abs?: number;
}

/**
 * Asserts `|a − b| ≤ rtol · max(|a|, |b|) + atol · max‖b‖∞ (+ abs)` for every element, and reports the worst
 * element by index and value when it fails.
 */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: Tolerance,
  label: string,
): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const b = expected[i];
    const bound = tol.rtol * Math.max(Math.abs(a), Math.abs(b)) + tol.atol * scale + (tol.abs ?? 0);
    const err = Math.abs(a - b);
    if (!(err <= bound) && (worst < 0 || err - bound > worstExcess)) {
      worst = i;
      worstExcess = err - bound;
    }
  }
  if (worst >= 0) {
    expect.fail(
      `${label}: element ${worst} differs: ${actual[worst]} vs reference ${expected[worst]} ` +
        `(|diff| ${Math.abs(actual[worst] - expected[worst]).toExponential(3)}, ` +
        `bound rtol=${tol.rtol} atol=${tol.atol}×${scale.toExponential(3)}${tol.abs ? ` abs=${tol.abs}` : ''})`,
    );
  }
}
