import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Linear, Tensor } from '../../src/index.js';
import { checkLayerGradients, randomTensor } from '../helpers/check-gradients.js';
import { tfReady } from '../helpers/tf.js';

beforeAll(tfReady);

describe('Linear', () => {
  it('is the identity, in its own buffer', () => {
    const x = Tensor.fromArray([[1.5, -2], [3, 1e30]]);
    const y = new Linear().forward(x);
    expect(y.toArray()).toEqual(x.toArray());
    expect(y).not.toBe(x);
  });

  it('property: backward passes gradients through (finite differences and TensorFlow.js)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 32 }), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 0, max: 1e6 }), (rows, cols, seed) => {
        checkLayerGradients(new Linear(), randomTensor(rows, cols, seed, -10, 10), (x) => x);
      }),
      { numRuns: 15, seed: 8 },
    );
  });

  it('rejects a backward gradient of the wrong shape', () => {
    const layer = new Linear();
    expect(() => layer.backward(new Tensor([1, 1]))).toThrow('Linear.backward: called before forward');
    layer.forward(new Tensor([4, 1]));
    expect(() => layer.backward(new Tensor([4, 2]))).toThrow('Linear.backward: gradient shape [4, 2] does not match the forward output [4, 1]');
  });
});
