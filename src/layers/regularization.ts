/**
 * L1 / L2 weight regularisation (book ch. 14): a penalty added to the data loss that pulls parameters
 * toward zero, discouraging a few huge weights from memorising the training set.
 *
 * For a parameter tensor w with strengths λ₁ (L1) and λ₂ (L2):
 * - penalty `R(w) = λ₁ Σ |w_i| + λ₂ Σ w_i²`
 * - gradient `dR/dw_i = λ₁ · sign(w_i) + 2 λ₂ · w_i`
 *
 * |w| has no derivative at 0. handgrad takes sign(0) = 0 (the subgradient TensorFlow.js uses, and the
 * value a central difference gives), where the book's code uses +1 for w ≥ 0; the two differ only for a
 * weight that is exactly zero, e.g. a bias before its first update.
 */

/** Non-negative regularisation strengths for one parameter tensor. */
export interface PenaltyStrengths {
  readonly l1: number;
  readonly l2: number;
}

/** `λ₁ Σ |w| + λ₂ Σ w²`, accumulated in float64. Zero (without a pass over w) when both strengths are 0. */
export function penalty(w: Float32Array, { l1, l2 }: PenaltyStrengths): number {
  if (l1 === 0 && l2 === 0) return 0;
  let abs = 0;
  let sq = 0;
  for (let i = 0; i < w.length; i++) {
    const v = w[i];
    abs += Math.abs(v);
    sq += v * v;
  }
  return l1 * abs + l2 * sq;
}

/** Adds `dR/dw = λ₁ · sign(w) + 2 λ₂ · w` (sign(0) = 0) to `grad` in place. */
export function addPenaltyGradient(w: Float32Array, grad: Float32Array, { l1, l2 }: PenaltyStrengths): void {
  if (l1 === 0 && l2 === 0) return;
  const twoL2 = 2 * l2;
  for (let i = 0; i < w.length; i++) {
    const v = w[i];
    // dR/dw = λ₁ · sign(w) + 2λ₂ · w
    grad[i] += (v > 0 ? l1 : v < 0 ? -l1 : 0) + twoL2 * v;
  }
}
