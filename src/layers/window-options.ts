import { checkEnum, invalid } from '../core/validate.js';
import type { Padding } from '../tensor/window-geometry.js';

/* Options shared by the windowed layers (Conv2D, MaxPool2D, AveragePooling2D), checked one way. */

/**
 * Reads a size option given as one number or a `[height, width]` pair, checking that both are integers
 * ≥ 1. Shared by every windowed layer so their messages agree.
 */
export function pairOption(op: string, name: string, value: unknown, fallback?: readonly [number, number]): [number, number] {
  if (value === undefined) {
    if (fallback === undefined) invalid(op, name, 'a positive integer or [height, width] (it is required)', value, true);
    return [fallback[0], fallback[1]];
  }
  const pair = typeof value === 'number' ? [value, value] : Array.isArray(value) && value.length === 2 ? value : null;
  if (pair === null || !pair.every((v) => Number.isSafeInteger(v) && v >= 1)) {
    invalid(op, name, 'a positive integer or [height, width] of positive integers', value, typeof value !== 'number' && !Array.isArray(value));
  }
  return [pair[0], pair[1]];
}

/** The paddings a windowed layer accepts. */
export const PADDINGS: readonly Padding[] = ['valid', 'same'];

/** Checks a padding option (`'valid'` when undefined). */
export function paddingOption(op: string, value: unknown): Padding {
  return value === undefined ? 'valid' : checkEnum(op, 'padding', value, PADDINGS);
}
