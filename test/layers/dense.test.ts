import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dense, Tensor } from '../../src/index.js';
import { checkLayerGradients, randomTensor } from '../helpers/check-gradients.js';
import { tf, tfReady } from '../helpers/tf.js';

beforeAll(tfReady);

/** Y = X·W + b in tfjs. */
const tfDense = (x: tf.Tensor2D, [w, b]: tf.Tensor2D[]) => tf.add(tf.matMul(x, w), b) as tf.Tensor2D;

function denseWithRandomBiases(nIn: number, nOut: number, seed: number): Dense {
  const layer = new Dense(nIn, nOut, { seed, initializer: 'glorot' });
  layer.biases.data.set(randomTensor(1, nOut, seed + 1).data);
  return layer;
}

describe('Dense', () => {
  it('computes X·W + b', () => {
    const layer = new Dense(2, 3, { seed: 1 });
    layer.weights.data.set([1, 2, 3, 4, 5, 6]);
    layer.biases.data.set([0.5, -1, 0]);
    const y = layer.forward(Tensor.fromArray([[1, 1], [2, -1]]));
    expect(y.toArray()).toEqual([[5.5, 6, 9], [-1.5, -2, 0]]);
  });

  it('initialises weights 0.01·N(0,1) and biases to zero by default, reproducibly by seed', () => {
    const a = new Dense(64, 64, { seed: 3 });
    const b = new Dense(64, 64, { seed: 3 });
    const c = new Dense(64, 64, { seed: 4 });
    expect(a.weights.data).toEqual(b.weights.data);
    expect(a.weights.data).not.toEqual(c.weights.data);
    expect(a.biases.data.every((v) => v === 0)).toBe(true);
    const w = a.weights.data;
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    const std = Math.sqrt(w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length);
    expect(Math.abs(mean)).toBeLessThan(0.001);
    expect(std).toBeGreaterThan(0.0095);
    expect(std).toBeLessThan(0.0105);
  });

  it('He and Glorot initialisers have the documented spread', () => {
    const he = new Dense(200, 100, { seed: 1, initializer: 'he' }).weights.data;
    const heStd = Math.sqrt(he.reduce((s, v) => s + v * v, 0) / he.length);
    expect(heStd).toBeCloseTo(Math.sqrt(2 / 200), 2);
    const gl = new Dense(200, 100, { seed: 1, initializer: 'glorot' }).weights.data;
    const limit = Math.sqrt(6 / 300);
    expect(Math.max(...gl)).toBeLessThanOrEqual(limit);
    expect(Math.min(...gl)).toBeGreaterThanOrEqual(-limit);
    expect(Math.max(...gl)).toBeGreaterThan(0.95 * limit);
  });

  it('backward: dweights, dbiases, dinputs match finite differences and TensorFlow.js', () => {
    const layer = denseWithRandomBiases(5, 4, 11);
    checkLayerGradients(layer, randomTensor(6, 5, 12), tfDense);
  });

  it('backward is right for a batch of one', () => {
    checkLayerGradients(denseWithRandomBiases(3, 7, 21), randomTensor(1, 3, 22), tfDense);
  });

  it('backward overwrites gradients instead of accumulating them', () => {
    const layer = new Dense(3, 2, { seed: 1 });
    const x = randomTensor(4, 3, 2);
    const g = randomTensor(4, 2, 3);
    layer.forward(x);
    layer.backward(g);
    const first = layer.dweights.data.slice();
    layer.forward(x);
    layer.backward(g);
    expect(layer.dweights.data).toEqual(first);
  });

  it('property: gradients agree with both references over random shapes and values', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 128 }),
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        (batch, nIn, nOut, seed, scale) => {
          const layer = denseWithRandomBiases(nIn, nOut, seed);
          const x = randomTensor(batch, nIn, seed + 2, -scale, scale);
          checkLayerGradients(layer, x, tfDense, { gradCheck: { maxElementsPerTensor: 40 } });
        },
      ),
      { numRuns: 25, seed: 20261123 },
    );
  });

  it("activation 'relu': the output is max(0, X·W + b), its gradients agree with finite differences and TF.js", () => {
    // Finite differences across the kink at 0 are wrong by design: take the first seed whose
    // pre-activations all lie at least 0.02 from it (a step moves them by < 1e-3).
    const [batch, nIn, nOut] = [6, 5, 7];
    const preActivations = (s: number) => denseWithRandomBiases(nIn, nOut, s).forward(randomTensor(batch, nIn, s + 2)).data;
    let seed = 1;
    while (Math.min(...Array.from(preActivations(seed), Math.abs)) < 0.02) seed++;
    const layer = new Dense(nIn, nOut, { seed, initializer: 'glorot', activation: 'relu' });
    layer.biases.data.set(randomTensor(1, nOut, seed + 1).data);
    expect(layer.name).toBe('Dense(5→7, relu)');
    expect(layer.activation).toBe('relu');
    const x = randomTensor(batch, nIn, seed + 2);
    const z = preActivations(seed);
    const a = layer.forward(x).data;
    expect(Array.from(a)).toEqual(Array.from(z, (v) => Math.max(0, v)));
    expect(a.some((v) => v === 0) && a.some((v) => v > 0), 'both sides of the kink').toBe(true);
    const tfDenseRelu = (t: tf.Tensor2D, params: tf.Tensor2D[]) => tf.relu(tfDense(t, params)) as tf.Tensor2D;
    checkLayerGradients(layer, x, tfDenseRelu);
    // backwardParameters gives the same parameter gradients as backward
    const g = randomTensor(batch, nOut, 99);
    layer.forward(x);
    layer.backward(g);
    const [dw, db] = [layer.dweights.data.slice(), layer.dbiases.data.slice()];
    layer.dweights.data.fill(0);
    layer.backwardParameters(g);
    expect(layer.dweights.data).toEqual(dw);
    expect(layer.dbiases.data).toEqual(db);
    expect(() => new Dense(2, 3, { activation: 'tanh' as 'relu' })).toThrow("Dense(2, 3): activation must be 'linear' or 'relu', got 'tanh'");
  });

  it("property: with activation 'relu', gradients agree with both references over random shapes and values", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 1e6 }),
        (batch, nIn, nOut, seed) => {
          const x = randomTensor(batch, nIn, seed + 2);
          const linear = denseWithRandomBiases(nIn, nOut, seed);
          // finite differences are only meaningful away from the kink at 0
          fc.pre(Array.from(linear.forward(x).data).every((v) => Math.abs(v) >= 0.02));
          const layer = new Dense(nIn, nOut, { seed, initializer: 'glorot', activation: 'relu' });
          layer.biases.data.set(linear.biases.data);
          const tfDenseRelu = (t: tf.Tensor2D, params: tf.Tensor2D[]) => tf.relu(tfDense(t, params)) as tf.Tensor2D;
          checkLayerGradients(layer, x, tfDenseRelu, { gradCheck: { maxElementsPerTensor: 40 } });
        },
      ),
      { numRuns: 20, seed: 20261124 },
    );
  });

  it('rejects an input with the wrong number of columns, naming the layer and the shapes', () => {
    const layer = new Dense(2, 64);
    expect(() => layer.forward(new Tensor([300, 3]))).toThrow(
      'Dense(2→64).forward: input has 3 columns, expected 2 (input shape [300, 3])',
    );
  });

  it('rejects NaN in its input, naming the position', () => {
    const x = Tensor.fromArray([[1, 2], [3, Number.NaN]]);
    expect(() => new Dense(2, 3).forward(x)).toThrow('Dense(2→3).forward: input: [2, 2] tensor holds NaN at row 1, column 1');
  });

  it('rejects a backward gradient of the wrong shape, and backward before forward', () => {
    const layer = new Dense(2, 3);
    expect(() => layer.backward(new Tensor([4, 3]))).toThrow('Dense(2→3).backward: called before forward');
    layer.forward(new Tensor([4, 2]));
    expect(() => layer.backward(new Tensor([4, 2]))).toThrow(
      'Dense(2→3).backward: gradient shape [4, 2] does not match the forward output [4, 3]',
    );
  });

  it('rejects non-positive sizes', () => {
    expect(() => new Dense(0, 3)).toThrow('Dense: nIn must be an integer ≥ 1, got 0');
  });
});
