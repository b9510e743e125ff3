import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchNormalization, Random, Tensor } from '../../src/index.js';
import { checkLayerGradients, randomTensorNd } from '../helpers/check-gradients.js';
import { tf, tfReady } from '../helpers/tf.js';

beforeAll(tfReady);

const EPSILON = 1e-3;

/** Training mode in tfjs: batch moments over every axis but the last, then tf.batchNorm (autodiff goes through the moments). */
const tfTraining = (x: tf.Tensor, [gamma, beta]: tf.Tensor[]): tf.Tensor => {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  return tf.batchNorm(x, mean, variance, tf.reshape(beta, [-1]), tf.reshape(gamma, [-1]), EPSILON);
};

/** Inference mode in tfjs: the moving statistics are constants. */
const tfInference = (layer: BatchNormalization) => (x: tf.Tensor, [gamma, beta]: tf.Tensor[]): tf.Tensor =>
  tf.batchNorm(
    x,
    tf.tensor1d(layer.movingMean.data.slice()),
    tf.tensor1d(layer.movingVariance.data.slice()),
    tf.reshape(beta, [-1]),
    tf.reshape(gamma, [-1]),
    EPSILON,
  );

/**
 * Bounds for the training-mode check. dL/dx = γ·invStd/M·(M·g − Σg − x̂·Σg·x̂) cancels almost completely
 * when a channel holds very few values (M = 2: x̂ = ±√(σ²/(σ² + ε)) whatever x is, and the gradient is
 * O(ε/σ²) made of O(1) terms), and so does the central difference: the float32 rounding of
 * L = Σ r ⊙ y (~1e-7 · Σ|r·y|) divided by the step h ≈ 3e-3 is ~5e-5. The unscaled floor `abs`
 * covers that noise; elsewhere the usual relative bounds decide. A real error is O(|γ · invStd · g|) ~ 1.
 */
const TRAINING_FD = { rtol: 1e-3, atol: 1e-3, abs: 2e-4 };
const TRAINING_TF = { rtol: 1e-4, atol: 1e-5, abs: 2e-5 };

/** A layer with random γ (away from 0), β and moving statistics, so no term of the gradient vanishes. */
function randomLayer(channels: number, seed: number): BatchNormalization {
  const layer = new BatchNormalization(channels);
  const rng = new Random(seed);
  rng.fillUniform(layer.gamma.data, 0.5, 2);
  rng.fillUniform(layer.beta.data, -1, 1);
  rng.fillUniform(layer.movingMean.data, -0.5, 0.5);
  rng.fillUniform(layer.movingVariance.data, 0.2, 2);
  return layer;
}

describe('BatchNormalization', () => {
  it('training: normalises each channel with the batch statistics, then scales by γ and shifts by β', () => {
    const layer = new BatchNormalization(2);
    layer.gamma.data.set([2, 1]);
    layer.beta.data.set([0, 10]);
    // channel 0: 1, 3 (μ 2, σ² 1); channel 1: 5, 5 (μ 5, σ² 0)
    const y = layer.forward(Tensor.fromArray([[1, 5], [3, 5]]), { training: true });
    const s = 1 / Math.sqrt(1 + EPSILON);
    expect(y.get(0, 0)).toBeCloseTo(-2 * s, 6);
    expect(y.get(1, 0)).toBeCloseTo(2 * s, 6);
    expect(y.get(0, 1)).toBe(10);
    // moving averages: m ← 0.99·0 + 0.01·μ, v ← 0.99·1 + 0.01·σ²
    expect(layer.movingMean.data[0]).toBeCloseTo(0.02, 7);
    expect(layer.movingMean.data[1]).toBeCloseTo(0.05, 7);
    expect(layer.movingVariance.data[0]).toBeCloseTo(1, 7);
    expect(layer.movingVariance.data[1]).toBeCloseTo(0.99, 7);
  });

  it('inference: uses the moving statistics and leaves them unchanged', () => {
    const layer = new BatchNormalization(1, { momentum: 0.5, epsilon: 0.01 });
    layer.movingMean.data[0] = 3;
    layer.movingVariance.data[0] = 3.99;
    const y = layer.forward(Tensor.fromArray([[5], [1]]));
    expect(Array.from(y.data)).toEqual([1, -1]);
    expect(layer.movingMean.data[0]).toBe(3);
    expect(layer.movingVariance.data[0]).toBeCloseTo(3.99, 6);
  });

  it('normalises over batch, height and width of NHWC images, per channel', () => {
    const layer = new BatchNormalization(3);
    const x = randomTensorNd([4, 5, 5, 3], 1, -3, 7);
    const y = layer.forward(x, { training: true });
    for (let c = 0; c < 3; c++) {
      const values = Array.from(y.data).filter((_, i) => i % 3 === c);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
      expect(Math.abs(mean)).toBeLessThan(1e-6);
      expect(variance).toBeCloseTo(1, 2); // 1 − ε/(σ² + ε)
    }
  });

  it('training backward matches finite differences and TensorFlow.js (gradient through the batch statistics)', () => {
    checkLayerGradients(randomLayer(3, 2), randomTensorNd([3, 4, 5, 3], 3, -2, 3), tfTraining);
  });

  it('inference backward matches finite differences and TensorFlow.js', () => {
    const layer = randomLayer(3, 4);
    checkLayerGradients(layer, randomTensorNd([2, 3, 3, 3], 5), tfInference(layer), { training: false });
  });

  it('property: both modes agree with both references over 2-D and 4-D shapes, batch 1–4, 1–4 channels', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom<number[]>([], [1, 1], [3, 2], [5, 3]),
        fc.boolean(),
        fc.integer({ min: 0, max: 1e6 }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        (batch, channels, spatial, training, seed, scale) => {
          const layer = randomLayer(channels, seed);
          const x = randomTensorNd([batch, ...spatial, channels], seed + 1, -scale, scale);
          checkLayerGradients(layer, x, training ? tfTraining : tfInference(layer), {
            training,
            ...(training ? { fd: TRAINING_FD, tf: TRAINING_TF } : {}),
            gradCheck: { maxElementsPerTensor: 40 },
            seed,
          });
        },
      ),
      { numRuns: 40, seed: 20261126 },
    );
  });

  it('rejects input whose last axis is not its channel count, and bad options', () => {
    const layer = new BatchNormalization(3);
    expect(() => layer.forward(new Tensor([2, 4, 4, 1]))).toThrow(
      'BatchNormalization(3).forward: expected an input whose last axis has 3 channels, got shape [2, 4, 4, 1]',
    );
    expect(() => new BatchNormalization(0)).toThrow('BatchNormalization: channels must be an integer ≥ 1, got 0');
    expect(() => new BatchNormalization(2, { momentum: 1 })).toThrow('BatchNormalization(2): momentum must be a number in [0, 1), got 1');
    expect(() => new BatchNormalization(2, { epsilon: 0 })).toThrow('BatchNormalization(2): epsilon must be a finite number > 0, got 0');
  });
});
