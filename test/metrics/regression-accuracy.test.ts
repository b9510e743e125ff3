import { describe, expect, it } from 'vitest';
import {
  Dense,
  Linear,
  MeanAbsoluteError,
  MeanSquaredError,
  RegressionAccuracy,
  SGD,
  Sequential,
  Tensor,
  defaultMetricFor,
} from '../../src/index.js';

/** Population standard deviation, written out independently of the metric. */
function std(values: number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
}

describe('RegressionAccuracy', () => {
  it('derives precision = std(y)/250 from the first targets and counts |ŷ − y| < precision', () => {
    const y = [0, 250, 500, 750];
    const precision = std(y) / 250;
    const metric = new RegressionAccuracy();
    const yTrue = Tensor.fromArray(y.map((v) => [v]));
    const yPred = Tensor.fromArray([[0.5 * precision], [250 + 2 * precision], [500], [750 - 0.99 * precision]]);
    expect(metric.compute(yPred, yTrue)).toBe(3 / 4);
    expect(metric.precision).toBeCloseTo(precision, 10);
  });

  it('keeps its precision once prepared (the book\u2019s reinit=False): validation uses the training precision', () => {
    const metric = new RegressionAccuracy();
    metric.prepare(Tensor.fromArray([[0], [10]])); // std 5 → precision 0.02
    expect(metric.precision).toBeCloseTo(0.02, 12);
    // a validation set with a much larger spread is still scored at 0.02
    const yVal = Tensor.fromArray([[0], [1000]]);
    expect(metric.compute(Tensor.fromArray([[0.01], [1000.5]]), yVal)).toBe(1 / 2);
    expect(metric.precision).toBeCloseTo(0.02, 12);
  });

  it('takes an explicit precision and divisor', () => {
    const yTrue = Tensor.fromArray([[1], [2]]);
    expect(new RegressionAccuracy({ precision: 0.5 }).compute(Tensor.fromArray([[1.4], [2.6]]), yTrue)).toBe(1 / 2);
    const m = new RegressionAccuracy({ divisor: 1 });
    m.prepare(yTrue);
    expect(m.precision).toBe(0.5);
  });

  it('is the default metric for MSE and MAE, a fresh instance each time', () => {
    const a = defaultMetricFor(new MeanSquaredError());
    const b = defaultMetricFor(new MeanAbsoluteError());
    expect(a).toBeInstanceOf(RegressionAccuracy);
    expect(b).toBeInstanceOf(RegressionAccuracy);
    expect(a).not.toBe(b);
  });

  it('fit fixes the precision from the whole training set before the first batch', () => {
    const x = Tensor.fromArray([[0], [1], [2], [3]]);
    const y = Tensor.fromArray([[0], [2], [4], [6]]);
    const model = new Sequential([new Dense(1, 1, { seed: 1 }), new Linear()]).compile({
      loss: new MeanSquaredError(),
      optimizer: new SGD({ learningRate: 0.01 }),
    });
    model.fit(x, y, { epochs: 1, batchSize: 1, shuffle: false });
    const metric = model.compiledWith!.metric as RegressionAccuracy;
    expect(metric.precision).toBeCloseTo(std([0, 2, 4, 6]) / 250, 10);
  });

  it('rejects bad options and class-index labels, by message', () => {
    expect(() => new RegressionAccuracy({ precision: 0 })).toThrow('RegressionAccuracy: precision must be a finite number > 0, got 0');
    expect(() => new RegressionAccuracy({ divisor: -1 })).toThrow('RegressionAccuracy: divisor must be a finite number > 0, got -1');
    expect(() => new RegressionAccuracy().compute(new Tensor([1, 1]), [0])).toThrow(
      'regressionAccuracy: targets must be a [batch, outputs] Tensor shaped like the predictions [1, 1], got an array of 1 labels',
    );
  });
});
