import { describe, expect, it } from 'vitest';
import { CategoricalCrossEntropy, Tensor, categoricalAccuracy, defaultMetricFor, type Loss } from '../../src/index.js';

describe('categoricalAccuracy', () => {
  const yPred = Tensor.fromArray([
    [0.7, 0.2, 0.1], // → 0
    [0.1, 0.5, 0.4], // → 1
    [0.3, 0.3, 0.4], // → 2
    [0.4, 0.4, 0.2], // tie → first, 0
  ]);

  it('is the share of rows whose argmax is the label', () => {
    expect(categoricalAccuracy.compute(yPred, [0, 1, 2, 0])).toBe(1);
    expect(categoricalAccuracy.compute(yPred, Int32Array.from([0, 2, 2, 1]))).toBe(0.5);
    expect(categoricalAccuracy.compute(yPred, [1, 0, 0, 2])).toBe(0);
  });

  it('takes one-hot targets', () => {
    const oneHot = Tensor.fromArray([[1, 0, 0], [0, 0, 1], [0, 0, 1], [0, 1, 0]]);
    expect(categoricalAccuracy.compute(yPred, oneHot)).toBe(0.5);
  });

  it('rejects labels that do not fit', () => {
    expect(() => categoricalAccuracy.compute(yPred, [0, 1, 3, 0])).toThrow(
      'categoricalAccuracy: label 3 at index 2 is not a class index in [0, 2]',
    );
  });
});

describe('defaultMetricFor', () => {
  it('picks categorical accuracy for categorical cross-entropy and refuses unknown losses', () => {
    expect(defaultMetricFor(new CategoricalCrossEntropy())).toBe(categoricalAccuracy);
    const custom = { name: 'Custom' } as Loss;
    expect(() => defaultMetricFor(custom)).toThrow("defaultMetricFor: no default metric for loss 'Custom'");
  });
});
