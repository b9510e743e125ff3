import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dropout, Tensor, type ForwardOptions, type Layer } from '../../src/index.js';
import { checkLayerGradients, randomTensor } from '../helpers/check-gradients.js';
import { tf, tfReady, toTf } from '../helpers/tf.js';

beforeAll(tfReady);

/**
 * Dropout's output is random in training, so a finite-difference check needs the *same* mask at every
 * forward. This adapter draws it once, in a principled way: each forward builds a fresh Dropout from the
 * same seed, so every call replays the identical first mask through the library's own code path.
 * TensorFlow.js then multiplies by that very mask.
 */
class FixedMaskDropout implements Layer {
  readonly name: string;
  current: Dropout;
  constructor(readonly rate: number, readonly seed: number) {
    this.current = new Dropout({ rate, seed });
    this.name = `FixedMask${this.current.name}`;
  }
  get dinputs() {
    return this.current.dinputs;
  }
  forward(x: Tensor, options?: ForwardOptions): Tensor {
    this.current = new Dropout({ rate: this.rate, seed: this.seed });
    return this.current.forward(x, options);
  }
  backward(d: Tensor): Tensor {
    return this.current.backward(d);
  }
  parameters() {
    return [];
  }
}

function checkDropout(rate: number, seed: number, x: Tensor): void {
  const layer = new FixedMaskDropout(rate, seed);
  layer.forward(x, { training: true });
  const mask = (layer.current.mask as Tensor).clone();
  checkLayerGradients(layer, x, (t) => tf.mul(t, toTf(mask)) as tf.Tensor2D);
}

describe('Dropout', () => {
  it('drops about `rate` of the units and scales the rest by 1/(1 − rate), keeping the mean', () => {
    const rate = 0.3;
    const layer = new Dropout({ rate, seed: 1 });
    const x = new Tensor([500, 200]);
    x.data.fill(1);
    const y = layer.forward(x, { training: true });
    const scaled = Math.fround(1 / (1 - rate));
    let zeros = 0;
    let others = 0;
    let sum = 0;
    for (const v of y.data) {
      if (v === 0) zeros++;
      else if (v !== scaled) others++;
      sum += v;
    }
    expect(others).toBe(0); // every kept unit is scaled by exactly 1/(1 − rate)
    const n = y.size;
    const sd = Math.sqrt((rate * (1 - rate)) / n); // binomial standard error of the dropped fraction
    expect(Math.abs(zeros / n - rate)).toBeLessThan(5 * sd);
    expect(Math.abs(sum / n - 1)).toBeLessThan(5 * sd * scaled);
    // the mask the layer reports is the one it applied
    expect(Array.from(layer.mask!.data)).toEqual(Array.from(y.data));
  });

  it('units are dropped independently: the two halves of a batch do not share a mask', () => {
    const y = new Dropout({ rate: 0.5, seed: 2 }).forward(Tensor.fromArray([Array(64).fill(1), Array(64).fill(1)]), { training: true });
    expect(Array.from(y.data.subarray(0, 64))).not.toEqual(Array.from(y.data.subarray(64)));
  });

  it('is the identity in inference (training omitted or false), and backward then passes gradients through', () => {
    const layer = new Dropout({ rate: 0.5, seed: 3 });
    const x = randomTensor(4, 5, 3);
    expect(layer.forward(x).toArray()).toEqual(x.toArray());
    expect(layer.forward(x, { training: false }).toArray()).toEqual(x.toArray());
    expect(layer.mask).toBeNull();
    const g = randomTensor(4, 5, 4);
    expect(layer.backward(g).toArray()).toEqual(g.toArray());
  });

  it('draws a new mask each training forward, reproducibly from the seed', () => {
    const x = new Tensor([8, 8]);
    x.data.fill(1);
    const a = new Dropout({ rate: 0.5, seed: 9 });
    const b = new Dropout({ rate: 0.5, seed: 9 });
    const a1 = a.forward(x, { training: true }).data.slice();
    const a2 = a.forward(x, { training: true }).data.slice();
    expect(a1).not.toEqual(a2);
    expect(b.forward(x, { training: true }).data).toEqual(a1);
    expect(b.forward(x, { training: true }).data).toEqual(a2);
    expect(new Dropout({ rate: 0.5, seed: 10 }).forward(x, { training: true }).data).not.toEqual(a1);
  });

  it('backward applies the same mask as the forward', () => {
    const layer = new Dropout({ rate: 0.4, seed: 5 });
    const x = randomTensor(6, 7, 5);
    layer.forward(x, { training: true });
    const m = layer.mask!.data;
    const g = randomTensor(6, 7, 6);
    const d = layer.backward(g).data;
    for (let i = 0; i < d.length; i++) expect(d[i]).toBe(Math.fround(g.data[i] * m[i]));
  });

  it('rate 0 keeps every unit unchanged', () => {
    const x = randomTensor(3, 3, 7);
    expect(new Dropout({ rate: 0 }).forward(x, { training: true }).toArray()).toEqual(x.toArray());
  });

  it('backward matches finite differences and TensorFlow.js with a fixed mask', () => {
    checkDropout(0.3, 11, randomTensor(8, 6, 12));
  });

  it('property: gradients agree with both references over random shapes, rates and values', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 32 }),
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        (rows, cols, seed, rate) => checkDropout(rate, seed, randomTensor(rows, cols, seed + 1, -5, 5)),
      ),
      { numRuns: 20, seed: 9 },
    );
  });

  it('rejects a rate outside [0, 1), naming it', () => {
    expect(() => new Dropout({ rate: 1 })).toThrow('Dropout: rate must be a number in [0, 1), got 1');
    expect(() => new Dropout({ rate: -0.1 })).toThrow('Dropout: rate must be a number in [0, 1), got -0.1');
    expect(() => new Dropout({} as { rate: number })).toThrow('Dropout: rate must be a number in [0, 1), got undefined');
  });

  it('rejects a backward gradient of the wrong shape', () => {
    const layer = new Dropout({ rate: 0.5 });
    expect(() => layer.backward(new Tensor([1, 1]))).toThrow('Dropout(0.5).backward: called before forward');
    layer.forward(new Tensor([2, 2]), { training: true });
    expect(() => layer.backward(new Tensor([2, 3]))).toThrow('Dropout(0.5).backward: gradient shape [2, 3] does not match the forward output [2, 2]');
  });
});
