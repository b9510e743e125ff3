import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { AveragePooling2D, Tensor, type Padding } from '../../src/index.js';
import { checkLayerGradients, randomTensorNd } from '../helpers/check-gradients.js';
import { tf, tfReady } from '../helpers/tf.js';

beforeAll(tfReady);

/**
 * Average pooling in tfjs. For 'valid', `tf.avgPool`. For 'same', the window sums (a depthwise convolution
 * with a kernel of ones) divided by each window's count of real pixels (the same convolution of an image of
 * ones, a constant): tfjs-backend-cpu's AvgPoolGrad divides by the full window area even where its forward
 * divided by fewer real pixels, so `tf.avgPool`'s gradient is not the derivative of its own forward at
 * 'same' borders (TensorFlow's own kernel counts the real pixels). This formulation is differentiated
 * correctly by tfjs autodiff.
 */
const tfAvgPool = (size: [number, number], strides: [number, number], padding: Padding) => (x: tf.Tensor4D) => {
  if (padding === 'valid') return tf.avgPool(x, size, strides, padding);
  const channels = x.shape[3];
  const ones = tf.ones([size[0], size[1], channels, 1]) as tf.Tensor4D;
  const sums = tf.depthwiseConv2d(x, ones, strides, 'same');
  const counts = tf.depthwiseConv2d(tf.onesLike(x), ones, strides, 'same');
  return tf.div(sums, counts);
};

describe('AveragePooling2D', () => {
  it("averages each window; 'same' padding divides by the real pixels only (as TensorFlow)", () => {
    const x = new Tensor([1, 3, 3, 1], Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(Array.from(new AveragePooling2D().forward(x).data)).toEqual([3]);
    // windows: {1,2,4,5} → 3, {3,6} → 4.5, {7,8} → 7.5, {9} → 9
    expect(Array.from(new AveragePooling2D({ padding: 'same' }).forward(x).data)).toEqual([3, 4.5, 7.5, 9]);
  });

  it('backward matches finite differences and TensorFlow.js', () => {
    checkLayerGradients(new AveragePooling2D({ poolSize: 3, strides: 2, padding: 'same' }), randomTensorNd([2, 7, 6, 3], 1), tfAvgPool([3, 3], [2, 2], 'same'));
  });

  it('property: gradients agree with both references over window sizes, strides, paddings and shapes', () => {
    const arbitrary = fc
      .record({
        ph: fc.integer({ min: 1, max: 5 }),
        pw: fc.integer({ min: 1, max: 5 }),
        sy: fc.integer({ min: 1, max: 3 }),
        sx: fc.integer({ min: 1, max: 3 }),
        padding: fc.constantFrom<Padding>('valid', 'same'),
        extraH: fc.integer({ min: 0, max: 6 }),
        extraW: fc.integer({ min: 0, max: 6 }),
        channels: fc.integer({ min: 1, max: 4 }),
        batch: fc.integer({ min: 1, max: 4 }),
        seed: fc.integer({ min: 0, max: 1e6 }),
      })
      .map((p) => ({ ...p, h: (p.padding === 'valid' ? p.ph : 1) + p.extraH, w: (p.padding === 'valid' ? p.pw : 1) + p.extraW }));
    fc.assert(
      fc.property(arbitrary, (p) => {
        const layer = new AveragePooling2D({ poolSize: [p.ph, p.pw], strides: [p.sy, p.sx], padding: p.padding });
        const x = randomTensorNd([p.batch, p.h, p.w, p.channels], p.seed);
        checkLayerGradients(layer, x, tfAvgPool([p.ph, p.pw], [p.sy, p.sx], p.padding), { gradCheck: { maxElementsPerTensor: 40 }, seed: p.seed });
      }),
      { numRuns: 30, seed: 20261125 },
    );
  });
});
