import { describe, expect, it } from 'vitest';
import { Dense, ReLU, Tensor } from '../../src/index.js';
import { checkBackwardShape } from '../../src/layers/layer.js';

/*
 * The check every layer's backward shares: a gradient must have the forward output's shape, and backward
 * before any forward is an error that says so — through the helper and through real layers.
 */
describe('checkBackwardShape', () => {
  it('returns the forward output when the gradient has its shape', () => {
    const out = new Tensor([2, 3]);
    expect(checkBackwardShape('L', out, new Tensor([2, 3]))).toBe(out);
  });

  it('refuses backward before forward, naming the layer', () => {
    expect(() => checkBackwardShape('Dense(3→2)', null, new Tensor([1, 2]))).toThrow(/^Dense\(3→2\)\.backward: called before forward$/);
    expect(() => new ReLU().backward(new Tensor([1, 2]))).toThrow(/ReLU\.backward: called before forward/);
  });

  it('refuses a gradient of another shape, naming both shapes', () => {
    expect(() => checkBackwardShape('L', new Tensor([2, 3]), new Tensor([3, 2]))).toThrow(
      /^L\.backward: gradient shape \[3, 2\] does not match the forward output \[2, 3\]$/,
    );
    const dense = new Dense(3, 2, { seed: 1 });
    dense.forward(Tensor.fromArray([[1, 2, 3]]));
    expect(() => dense.backward(new Tensor([1, 3]))).toThrow(/Dense\(3→2\)\.backward: gradient shape \[1, 3\] does not match the forward output \[1, 2\]/);
  });
});
