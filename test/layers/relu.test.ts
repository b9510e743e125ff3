import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReLU, Tensor } from '../../src/index.js';
import { checkLayerGradients, randomTensor } from '../helpers/check-gradients.js';
import { tf, tfReady, toTf } from '../helpers/tf.js';

beforeAll(tfReady);

const tfRelu = (x: tf.Tensor2D) => tf.relu(x);

/** Random values kept at least `gap` away from the kink at 0, where a finite difference would straddle it. */
function awayFromZero(rows: number, cols: number, seed: number, scale: number, gap: number): Tensor {
  const x = randomTensor(rows, cols, seed, -scale, scale);
  for (let i = 0; i < x.data.length; i++) {
    const v = x.data[i];
    if (Math.abs(v) < gap) x.data[i] = v < 0 ? -gap - Math.abs(v) : gap + v;
  }
  return x;
}

describe('ReLU', () => {
  it('computes max(0, x)', () => {
    const y = new ReLU().forward(Tensor.fromArray([[-2, 0, 3], [1.5, -0.5, 0]]));
    expect(y.toArray()).toEqual([[0, 0, 3], [1.5, 0, 0]]);
  });

  it('backward passes the gradient only where x > 0 (0 at exactly 0)', () => {
    const relu = new ReLU();
    relu.forward(Tensor.fromArray([[-2, 0, 3]]));
    expect(relu.backward(Tensor.fromArray([[5, 6, 7]])).toArray()).toEqual([[0, 0, 7]]);
  });

  it('exact zeros: gradient 0, as TensorFlow.js defines it', () => {
    const x = Tensor.fromArray([[0, 0, 1, -1], [0, 2, 0, -3]]);
    const relu = new ReLU();
    relu.forward(x);
    const g = randomTensor(2, 4, 3);
    const ours = relu.backward(g).data;
    const theirs = tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.relu(t), toTf(g))))(tf.tensor2d(x.toArray())).dataSync());
    // (+0 and −0 are the same gradient; tfjs multiplies the upstream gradient by 0 and may give −0)
    expect(Array.from(ours, (v) => v + 0)).toEqual(Array.from(theirs, (v) => v + 0));
  });

  it('backward matches finite differences and TensorFlow.js', () => {
    checkLayerGradients(new ReLU(), awayFromZero(7, 9, 1, 3, 0.01), tfRelu);
  });

  it('property: random shapes and magnitudes up to ±100', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 128 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.double({ min: 0.5, max: 100, noNaN: true }),
        (rows, cols, seed, scale) => {
          const x = awayFromZero(rows, cols, seed, scale, 0.1 * Math.max(1, scale / 10));
          checkLayerGradients(new ReLU(), x, tfRelu, { gradCheck: { maxElementsPerTensor: 60 } });
        },
      ),
      { numRuns: 25, seed: 1 },
    );
  });

  it('rejects a gradient of the wrong shape', () => {
    const relu = new ReLU();
    relu.forward(new Tensor([2, 3]));
    expect(() => relu.backward(new Tensor([3, 2]))).toThrow(
      'ReLU.backward: gradient shape [3, 2] does not match the forward output [2, 3]',
    );
  });
});
