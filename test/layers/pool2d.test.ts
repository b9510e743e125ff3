import { describe, expect, it } from 'vitest';
import { AveragePooling2D, MaxPool2D, Tensor } from '../../src/index.js';

/*
 * What MaxPool2D and AveragePooling2D share through their Pool2D base (src/layers/pool2d.ts): options
 * checked by name, the output geometry of 'valid' and 'same' windows, and the backward shape check. Their
 * pooling and its derivative are proven in max-pool2d.test.ts and average-pooling2d.test.ts.
 */

const layers = [
  ['MaxPool2D', (o: object) => new MaxPool2D(o)],
  ['AveragePooling2D', (o: object) => new AveragePooling2D(o)],
] as const;

describe.each(layers)('%s through the Pool2D base', (name, make) => {
  it('gives the window geometry of valid and same padding, as TensorFlow', () => {
    const x = new Tensor([2, 5, 7, 3]);
    expect(make({ poolSize: 2 }).forward(x).shape).toEqual([2, 2, 3, 3]); // ⌊(5−2)/2⌋+1, ⌊(7−2)/2⌋+1
    expect(make({ poolSize: 2, padding: 'same' }).forward(x).shape).toEqual([2, 3, 4, 3]); // ⌈5/2⌉, ⌈7/2⌉
    expect(make({ poolSize: [3, 2], strides: 1 }).forward(x).shape).toEqual([2, 3, 6, 3]);
  });

  it('names itself and its options', () => {
    expect(make({ poolSize: 2 }).name).toContain(name);
    expect(() => make({ poolSize: 0 })).toThrow(new RegExp(`${name}.*poolSize`));
    expect(() => make({ poolSize: 2, padding: 'full' })).toThrow(new RegExp(`${name}.*padding`));
  });

  it('refuses a gradient of the wrong shape, naming both shapes', () => {
    const layer = make({ poolSize: 2 });
    layer.forward(new Tensor([1, 4, 4, 2]));
    expect(() => layer.backward(new Tensor([1, 3, 3, 2]))).toThrow(/\[1, 3, 3, 2\].*\[1, 2, 2, 2\]|\[1, 2, 2, 2\].*\[1, 3, 3, 2\]/);
  });

  it('returns dL/dx of the input shape, reused across steps', () => {
    const layer = make({ poolSize: 2 });
    const x = new Tensor([1, 4, 4, 2]);
    layer.forward(x);
    const first = layer.backward(new Tensor([1, 2, 2, 2]));
    expect(first.shape).toEqual([1, 4, 4, 2]);
    layer.forward(x);
    expect(layer.backward(new Tensor([1, 2, 2, 2]))).toBe(first);
  });
});
