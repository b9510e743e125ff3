import { describe, expect, it } from 'vitest';
import { poolSettings } from '../../src/layers/pool-options.js';

/*
 * The pooling layers' options (Keras's names and defaults) and the display name built from them. Options
 * only — the pooling and its gradient are checked in max-pool2d.test.ts and average-pooling2d.test.ts.
 */
describe('poolSettings', () => {
  it("defaults like Keras: a 2×2 window, strides equal to the window, 'valid'", () => {
    expect(poolSettings('MaxPool2D')).toEqual({ poolSize: [2, 2], strides: [2, 2], padding: 'valid', name: 'MaxPool2D(2×2)' });
  });

  it('takes the strides from the window when they are not given, and names what differs from it', () => {
    expect(poolSettings('P', { poolSize: [3, 2] }).strides).toEqual([3, 2]);
    expect(poolSettings('AveragePooling2D', { poolSize: 3, strides: 1, padding: 'same' }).name).toBe('AveragePooling2D(3×3, stride 1, same)');
    expect(poolSettings('P', { poolSize: 2, strides: [1, 2] }).name).toBe('P(2×2, stride 1×2)');
  });

  it('refuses unknown options and bad values, naming the layer', () => {
    expect(() => poolSettings('MaxPool2D', { pool: 2 } as never)).toThrow(/MaxPool2D/);
    expect(() => poolSettings('MaxPool2D', { poolSize: 0 })).toThrow(/MaxPool2D: poolSize/);
    expect(() => poolSettings('MaxPool2D', { strides: [1, 0] })).toThrow(/MaxPool2D: strides/);
    expect(() => poolSettings('MaxPool2D', { padding: 'causal' as never })).toThrow(/MaxPool2D: padding/);
  });
});
