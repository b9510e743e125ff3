/** Sequential's inputShape: given as in Keras, or learned from the first batch; kept by toJSON/fromJSON. */
import { describe, expect, it } from 'vitest';
import { Dense, ReLU, Sequential } from '../../src/index.js';
import { randomTensor } from '../helpers/check-gradients.js';

describe('Sequential inputShape', () => {
  it('is the shape given to the constructor', () => {
    const model = new Sequential([new Dense(3, 2, { seed: 1 })], { inputShape: [3] });
    expect(model.inputShape).toEqual([3]);
  });

  it('is learned from the first batch the model runs on, and not changed by later ones', () => {
    const model = new Sequential([new ReLU()]);
    expect(model.inputShape).toBeNull();
    model.predict(randomTensor(4, 5, 1));
    expect(model.inputShape).toEqual([5]);
    model.predict(randomTensor(2, 7, 2));
    expect(model.inputShape).toEqual([5]);
  });

  it('rejects inputs of another shape than the declared one, and bad declarations', () => {
    const model = new Sequential([new ReLU()], { inputShape: [3] });
    expect(() => model.predict(randomTensor(2, 4, 1))).toThrow(
      "Sequential.forward: input [2, 4] does not match the model's inputShape [3] (expected [batch, 3])",
    );
    expect(model.predict(randomTensor(2, 3, 1)).shape).toEqual([2, 3]);
    for (const bad of [[], [0], [2.5], 'x', [null]]) {
      expect(() => new Sequential([new ReLU()], { inputShape: bad as never })).toThrow(/Sequential: inputShape must be a non-empty array of positive integers/);
    }
  });

  it('survives toJSON / fromJSON, and a corrupt one is reported', () => {
    const model = new Sequential([new Dense(3, 2, { seed: 1 })], { inputShape: [3] });
    const json = model.toJSON();
    expect(json.inputShape).toEqual([3]);
    expect(Sequential.fromJSON(JSON.parse(JSON.stringify(json))).inputShape).toEqual([3]);
    expect(new Sequential([new Dense(3, 2, { seed: 1 })]).toJSON().inputShape).toBeUndefined();
    expect(() => Sequential.fromJSON({ ...json, inputShape: [-1] })).toThrow('Sequential.fromJSON: inputShape: expected a non-empty array of positive integers, got [-1]');
  });
});
