import { describe, expect, it } from 'vitest';
import { PADDINGS, pairOption, paddingOption } from '../../src/layers/window-options.js';

/*
 * The option readers every windowed layer (Conv2D, MaxPool2D, AveragePooling2D) shares: sizes as one number
 * or a [height, width] pair of positive integers, and the padding. No numeric path, so no gradient to check:
 * what matters is that every bad value is refused by name, never turned into a NaN geometry.
 */
describe('pairOption', () => {
  it('reads one number as a square and a pair as [height, width]', () => {
    expect(pairOption('L', 'kernelSize', 3)).toEqual([3, 3]);
    expect(pairOption('L', 'kernelSize', [2, 5])).toEqual([2, 5]);
  });

  it('uses the fallback when the option is absent, and requires it when there is none', () => {
    expect(pairOption('L', 'strides', undefined, [4, 1])).toEqual([4, 1]);
    expect(() => pairOption('Conv2D', 'kernelSize', undefined)).toThrow(/Conv2D: kernelSize must be .*required/);
  });

  it.each([0, -1, 1.5, NaN, Infinity, 2 ** 60, [1], [1, 2, 3], [0, 2], [2, 2.5], ['2', 2]])('refuses %p by name', (bad) => {
    expect(() => pairOption('MaxPool2D', 'poolSize', bad)).toThrow(/^MaxPool2D: poolSize must be a positive integer or \[height, width\]/);
  });

  it('refuses a value of the wrong kind with a TypeError', () => {
    expect(() => pairOption('L', 'strides', '2')).toThrow(TypeError);
    expect(() => pairOption('L', 'strides', { h: 1 })).toThrow(TypeError);
  });
});

describe('paddingOption', () => {
  it("defaults to 'valid' and accepts exactly the listed paddings", () => {
    expect(paddingOption('L', undefined)).toBe('valid');
    expect(PADDINGS).toEqual(['valid', 'same']);
    for (const p of PADDINGS) expect(paddingOption('L', p)).toBe(p);
  });

  it('refuses anything else by name', () => {
    expect(() => paddingOption('Conv2D', 'full')).toThrow(/Conv2D: padding/);
    expect(() => paddingOption('Conv2D', 'SAME')).toThrow(/Conv2D: padding/);
  });
});
