import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { LeakyReLU, Tensor } from '../../src/index.js';
import { checkLayerGradients, randomTensor } from '../helpers/check-gradients.js';
import { tf, tfReady } from '../helpers/tf.js';

beforeAll(tfReady);

/** Random values kept at least 0.01 away from the kink at 0, where no derivative exists. */
function awayFromKink(rows: number, cols: number, seed: number, scale: number): Tensor {
  const t = randomTensor(rows, cols, seed, -scale, scale);
  for (let i = 0; i < t.size; i++) t.data[i] = Math.sign(t.data[i] || 1) * (0.01 + Math.abs(t.data[i]));
  return t;
}

describe('LeakyReLU', () => {
  it('passes positives and scales negatives by alpha (default 0.01)', () => {
    const x = Tensor.fromArray([[2, -2, 0]]);
    expect(new LeakyReLU().forward(x).toArray()).toEqual([[2, Math.fround(-0.02), 0]]);
    expect(new LeakyReLU({ alpha: 0.5 }).forward(x).toArray()).toEqual([[2, -1, 0]]);
  });

  it('uses the slope alpha at exactly 0 in backward', () => {
    const layer = new LeakyReLU({ alpha: 0.25 });
    layer.forward(Tensor.fromArray([[0, 1, -1]]));
    expect(layer.backward(Tensor.fromArray([[4, 4, 4]])).toArray()).toEqual([[1, 4, 1]]);
  });

  it('backward matches finite differences and TensorFlow.js', () => {
    const alpha = 0.1;
    checkLayerGradients(new LeakyReLU({ alpha }), awayFromKink(5, 6, 3, 2), (x) => tf.leakyRelu(x, alpha) as tf.Tensor2D);
  });

  it('property: gradients agree with both references over random shapes, values and alphas', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 32 }),
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (rows, cols, seed, alpha) => {
          const a = Math.fround(alpha);
          checkLayerGradients(new LeakyReLU({ alpha: a }), awayFromKink(rows, cols, seed, 3), (x) => tf.leakyRelu(x, a) as tf.Tensor2D);
        },
      ),
      { numRuns: 20, seed: 7 },
    );
  });

  it('rejects a bad alpha, naming it', () => {
    expect(() => new LeakyReLU({ alpha: -0.1 })).toThrow('LeakyReLU: alpha must be a finite number ≥ 0, got -0.1');
    expect(() => new LeakyReLU({ alpha: Number.NaN })).toThrow('LeakyReLU: alpha must be a finite number ≥ 0, got NaN');
  });

  it('rejects a backward gradient of the wrong shape', () => {
    const layer = new LeakyReLU();
    layer.forward(new Tensor([3, 2]));
    expect(() => layer.backward(new Tensor([2, 3]))).toThrow('LeakyReLU(α=0.01).backward: gradient shape [2, 3] does not match the forward output [3, 2]');
  });
});
