import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinaryCrossEntropy, Random, Tensor, binaryAccuracy, defaultMetricFor } from '../../src/index.js';

describe('binaryAccuracy', () => {
  it('thresholds at 0.5 (strictly above is class 1) and averages over every output of every sample', () => {
    const yPred = Tensor.fromArray([[0.9, 0.5], [0.2, 0.51], [0.49, 0.7]]);
    const yTrue = Tensor.fromArray([[1, 0], [1, 1], [0, 0]]);
    // correct: 0.9→1 ✓, 0.5→0 ✓, 0.2→0 ✗, 0.51→1 ✓, 0.49→0 ✓, 0.7→1 ✗
    expect(binaryAccuracy.compute(yPred, yTrue)).toBe(4 / 6);
  });

  it('property: equals the count of (ŷ > 0.5) = y over N·J, and lies in [0, 1]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 1e6 }), (n, j, seed) => {
        const rng = new Random(seed);
        const p = new Tensor([n, j]);
        const y = new Tensor([n, j]);
        let correct = 0;
        for (let i = 0; i < n * j; i++) {
          p.data[i] = rng.uniform();
          y.data[i] = rng.int(2);
          if ((p.data[i] > 0.5 ? 1 : 0) === y.data[i]) correct++;
        }
        expect(binaryAccuracy.compute(p, y)).toBe(correct / (n * j));
      }),
      { numRuns: 30, seed: 1 },
    );
  });

  it('is the default metric for BinaryCrossEntropy', () => {
    expect(defaultMetricFor(new BinaryCrossEntropy())).toBe(binaryAccuracy);
  });

  it('rejects class-index labels and mismatched shapes, by message', () => {
    expect(() => binaryAccuracy.compute(new Tensor([2, 1]), [0, 1])).toThrow(
      'binaryAccuracy: targets must be a [batch, outputs] Tensor shaped like the predictions [2, 1], got an array of 2 labels',
    );
    expect(() => binaryAccuracy.compute(new Tensor([2, 1]), new Tensor([2, 2]))).toThrow(
      'binaryAccuracy: targets have shape [2, 2], predictions have shape [2, 1]',
    );
  });
});
