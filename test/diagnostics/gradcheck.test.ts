import { describe, expect, it } from 'vitest';
import {
  BatchNormalization,
  CategoricalCrossEntropy,
  Dense,
  Dropout,
  Sequential,
  Softmax,
  Tanh,
  Tensor,
  gradCheck,
  gradCheckModel,
  type Layer,
  type Parameter,
} from '../../src/index.js';
import { randomLabels, randomTensor } from '../helpers/check-gradients.js';

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

describe('gradient checks through stochastic layers', () => {
  // Backward differentiates the training forward with that forward's mask held fixed, so every perturbed
  // forward of the check must apply the very same mask (a fresh mask per evaluation made the numeric
  // gradient noise: max rel error ≈ 1 on this model before the fix).
  const dropoutModel = () =>
    new Sequential([
      new Dense(4, 8, { seed: 1, initializer: 'glorot' }),
      new Tanh(), // smooth: no ReLU kink for a finite difference to step across
      new Dropout({ rate: 0.5, seed: 2 }),
      new Dense(8, 3, { seed: 3, initializer: 'glorot' }),
      new Softmax(),
    ]);

  it('gradCheckModel holds the Dropout mask fixed: a correct model with Dropout passes', () => {
    const report = gradCheckModel(dropoutModel(), new CategoricalCrossEntropy(), randomTensor(6, 4, 7), randomLabels(6, 3, 8));
    // gradients here are 1e-3…1e-2; the float32 loss puts an absolute noise of ~3e-5 on the difference quotient
    expect(report.entries.map((e) => e.name)).toEqual(['input', '0:Dense(4→8).weights', '0:Dense(4→8).biases', '3:Dense(8→3).weights', '3:Dense(8→3).biases']);
    for (const e of report.entries) expect(e.maxAbsError, e.name).toBeLessThan(1e-4);
    expect(report.passes(1e-2, 1e-4)).toBe(true);
  });

  it('gradCheck holds the mask fixed for a Dropout layer on its own', () => {
    const report = gradCheck(new Dropout({ rate: 0.5, seed: 4 }), randomTensor(5, 6, 9));
    expect(report.maxRelError).toBeLessThan(1e-2);
    expect(report.passes(1e-3, 1e-4)).toBe(true);
  });

  it('leaves the model as it was: the Dropout stream and the BatchNormalization averages do not move', () => {
    const model = new Sequential([
      new Dense(4, 3, { seed: 1 }),
      new BatchNormalization(3),
      new Dropout({ rate: 0.3, seed: 5 }),
      new Dense(3, 2, { seed: 6 }),
      new Softmax(),
    ]);
    const twin = Sequential.fromJSON(model.toJSON());
    gradCheckModel(model, new CategoricalCrossEntropy(), randomTensor(5, 4, 10), randomLabels(5, 2, 11));
    expect(model.toJSON().layers).toEqual(twin.toJSON().layers);
    const x = randomTensor(5, 4, 12);
    expect(model.forward(x, { training: true }).data).toEqual(twin.forward(x, { training: true }).data);
  });
});
