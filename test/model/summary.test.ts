import { describe, expect, it } from 'vitest';
import { Dense, Dropout, ReLU, Sequential, Softmax } from '../../src/index.js';

describe('Sequential.summary', () => {
  const model = new Sequential([
    new Dense(2, 64, { seed: 1 }),
    new ReLU(),
    new Dropout({ rate: 0.1, seed: 1 }),
    new Dense(64, 1000, { seed: 2 }),
    new Dense(1000, 3, { seed: 3 }),
    new Softmax(),
  ]);

  it('tabulates layers, output shapes and parameter counts, with the total', () => {
    const text = model.summary(2);
    expect(text).toBe(
      [
        '#  Layer           Output shape   Params',
        '────────────────────────────────────────',
        '0  Dense(2→64)     [batch, 64]       192',
        '1  ReLU            [batch, 64]         0',
        '2  Dropout(0.1)    [batch, 64]         0',
        '3  Dense(64→1000)  [batch, 1000]  65,000',
        '4  Dense(1000→3)   [batch, 3]      3,003',
        '5  Softmax         [batch, 3]          0',
        '────────────────────────────────────────',
        'Total params: 68,195 (inputs: [batch, 2])',
      ].join('\n'),
    );
    // the counts are the parameters' sizes
    expect(model.parameters().reduce((n, p) => n + p.value.size, 0)).toBe(68195);
  });

  it('names the layer that rejects the input width, and rejects a bad width', () => {
    expect(() => model.summary(3)).toThrow(
      'Sequential.summary: layer 0 (Dense(2→64)) rejects its input: Dense(2→64).forward: input has 3 columns, expected 2 (input shape [1, 3])',
    );
    expect(() => model.summary(0)).toThrow(
      'Sequential.summary: inputShape must be a positive integer (features) or an array of them (e.g. [28, 28, 1]), got 0',
    );
  });
});
