import { describe, expect, it } from 'vitest';
import { Dense, Tensor, gradCheck, type Layer, type Parameter } from '../../src/index.js';
import { randomTensor } from '../helpers/check-gradients.js';

/** A user-defined layer y = x² with a deliberately wrong backward (2x + 0.1), to prove the checker catches it. */
class BrokenSquare implements Layer {
  readonly name = 'BrokenSquare';
  dinputs: Tensor | null = null;
  private input: Tensor | null = null;
  forward(x: Tensor): Tensor {
    this.input = x;
    return new Tensor([x.rows, x.cols], x.data.map((v) => v * v));
  }
  backward(d: Tensor): Tensor {
    const x = this.input as Tensor;
    this.dinputs = new Tensor([d.rows, d.cols], d.data.map((g, i) => g * (2 * x.data[i] + 0.1)));
    return this.dinputs;
  }
  parameters(): Parameter[] {
    return [];
  }
}

describe('gradCheck (public API)', () => {
  it('passes a correct layer and reports a relative error per tensor', () => {
    const layer = new Dense(3, 4, { seed: 1, initializer: 'glorot' });
    const report = gradCheck(layer, randomTensor(5, 3, 2));
    expect(report.entries.map((e) => e.name)).toEqual(['input', 'weights', 'biases']);
    expect(report.passes(1e-3, 1e-3)).toBe(true);
    expect(report.maxRelError).toBeLessThan(1e-2);
  });

  it('fails a layer whose backward is wrong, and points at the worst element', () => {
    const report = gradCheck(new BrokenSquare(), randomTensor(2, 3, 4));
    expect(report.passes(1e-3, 1e-3)).toBe(false);
    expect(report.entries[0].maxRelError).toBeGreaterThan(1e-2);
    expect(report.entries[0].worstIndex).toBeGreaterThanOrEqual(0);
  });

  it('leaves the caller’s parameters and input bit-identical', () => {
    const layer = new Dense(3, 2, { seed: 3 });
    const before = layer.weights.data.slice();
    const x = randomTensor(4, 3, 5);
    const xBefore = x.data.slice();
    gradCheck(layer, x);
    expect(layer.weights.data).toEqual(before);
    expect(x.data).toEqual(xBefore);
  });
});
