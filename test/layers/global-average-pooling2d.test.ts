import { beforeAll, describe, expect, it } from 'vitest';
import { GlobalAveragePooling2D, Tensor } from '../../src/index.js';
import { checkLayerGradients, randomTensorNd } from '../helpers/check-gradients.js';
import { tf, tfReady } from '../helpers/tf.js';

beforeAll(tfReady);

describe('GlobalAveragePooling2D', () => {
  it('averages every channel over all pixels: [batch, h, w, c] → [batch, c]', () => {
    const x = new Tensor([1, 2, 2, 2], Float32Array.from([1, 10, 2, 20, 3, 30, 4, 40]));
    const y = new GlobalAveragePooling2D().forward(x);
    expect(y.shape).toEqual([1, 2]);
    expect(Array.from(y.data)).toEqual([2.5, 25]);
  });

  it('backward matches finite differences and TensorFlow.js', () => {
    checkLayerGradients(new GlobalAveragePooling2D(), randomTensorNd([3, 5, 4, 3], 2), (x: tf.Tensor4D) => tf.mean(x, [1, 2]));
  });

  it('rejects input that is not NHWC', () => {
    expect(() => new GlobalAveragePooling2D().forward(new Tensor([2, 3]))).toThrow(
      'GlobalAveragePooling2D.forward: expected a 4-D input [batch, height, width, channels] with pixels, got shape [2, 3]',
    );
  });
});
