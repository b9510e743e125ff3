import { beforeAll, describe, expect, it } from 'vitest';
import { Flatten, Tensor } from '../../src/index.js';
import { checkLayerGradients, randomTensorNd } from '../helpers/check-gradients.js';
import { tf, tfReady } from '../helpers/tf.js';

beforeAll(tfReady);

describe('Flatten', () => {
  it('turns [batch, h, w, c] into [batch, h·w·c] in row-major (h, w, c) order, sharing the data', () => {
    const x = new Tensor([2, 2, 3, 2], Float32Array.from({ length: 24 }, (_, i) => i));
    const y = new Flatten().forward(x);
    expect(y.shape).toEqual([2, 12]);
    expect(y.data).toBe(x.data); // a view: nothing is copied
    expect(y.get(1, 7)).toBe(x.get(1, 1, 0, 1));
  });

  it('backward: dL/dx is dL/dy with the input shape; matches finite differences and TensorFlow.js', () => {
    checkLayerGradients(new Flatten(), randomTensorNd([3, 4, 5, 2], 1), (x: tf.Tensor) => tf.reshape(x, [x.shape[0], -1]));
  });

  it('passes 2-D input through unchanged, and keeps returning the same view objects', () => {
    const layer = new Flatten();
    const x = new Tensor([4, 3]);
    const first = layer.forward(x);
    expect(first.shape).toEqual([4, 3]);
    expect(layer.forward(x)).toBe(first);
  });

  it('rejects a backward gradient of the wrong shape, and backward before forward', () => {
    const layer = new Flatten();
    expect(() => layer.backward(new Tensor([2, 4]))).toThrow('Flatten.backward: called before forward');
    layer.forward(new Tensor([2, 2, 2, 1]));
    expect(() => layer.backward(new Tensor([2, 5]))).toThrow(
      'Flatten.backward: gradient shape [2, 5] does not match the forward output [2, 4]',
    );
  });
});
