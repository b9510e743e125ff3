/**
 * Probabilities are clipped to [PROBABILITY_CLIP, 1 − PROBABILITY_CLIP] before a log or a division
 * (the book's 1e-7), so log(0) and 1/0 never happen in the cross-entropy losses and their gradients.
 */
export const PROBABILITY_CLIP = 1e-7;

/** `p` clipped to [1e-7, 1 − 1e-7]. */
export function clipProbability(p: number): number {
  return p < PROBABILITY_CLIP ? PROBABILITY_CLIP : p > 1 - PROBABILITY_CLIP ? 1 - PROBABILITY_CLIP : p;
}
