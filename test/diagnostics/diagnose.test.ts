import { describe, expect, it } from 'vitest';
import {
  CategoricalCrossEntropy,
  Dense,
  Linear,
  MeanSquaredError,
  ReLU,
  SGD,
  Sequential,
  Sigmoid,
  Softmax,
  Tanh,
  Tensor,
  diagnose,
  formatDiagnosis,
  recordDiagnostics,
  type Layer,
  type Parameter,
} from '../../src/index.js';
import { randomLabels, randomTensor } from '../helpers/check-gradients.js';

const x = randomTensor(32, 4, 1);
const labels = randomLabels(32, 3, 2);

function classifier(hidden: Layer[], seed = 3): Sequential {
  return new Sequential([new Dense(4, 16, { seed, initializer: 'he' }), ...hidden, new Dense(16, 3, { seed: seed + 1, initializer: 'he' }), new Softmax()]).compile({
    loss: new CategoricalCrossEntropy(),
    optimizer: new SGD({ learningRate: 0.1 }),
  });
}

/** Identity forward; backward passes the gradient on with a NaN planted at [1, 2]. */
class NaNInBackward implements Layer {
  readonly name = 'NaNInBackward';
  dinputs: Tensor | null = null;
  forward(x: Tensor): Tensor {
    return x;
  }
  backward(d: Tensor): Tensor {
    const out = d.clone();
    out.data[1 * d.cols + 2] = NaN;
    this.dinputs = out;
    return out;
  }
  parameters(): Parameter[] {
    return [];
  }
}

describe('diagnose', () => {
  it('reports a healthy ReLU net as such', () => {
    const d = diagnose(classifier([new ReLU()]), x, labels);
    expect(d.nonFinite).toBeNull();
    expect(d.layers.map((l) => l.flags)).toEqual([[], [], [], []]);
    expect(d.layers[1].deadFraction).toBeLessThan(0.3);
    expect(d.layers[0].gradToWeight).toBeGreaterThan(1e-4);
    expect(d.layers[0].gradToWeight).toBeLessThan(1);
  });

  it('finds dead ReLUs: large negative biases switch every unit off for the whole batch', () => {
    const model = classifier([new ReLU()]);
    (model.layers[0] as Dense).biases.data.fill(-10);
    const d = diagnose(model, x, labels);
    expect(d.layers[1].name).toBe('ReLU');
    expect(d.layers[1].deadFraction).toBe(1);
    expect(d.layers[1].flags).toEqual(['dead']);
    // nothing flows back into the first layer's weights
    expect(d.layers[0].gradToWeight).toBe(0);
    expect(d.layers[0].flags).toEqual(['vanishing']);
    expect(formatDiagnosis(d)).toMatch(/^1 ReLU\s.*100%.*dead$/m);
  });

  it.each([
    ['Sigmoid', () => new Sigmoid()],
    ['Tanh', () => new Tanh()],
  ])('finds saturated %s units when the weights feeding them are large', (name, make) => {
    const healthy = diagnose(classifier([make()]), x, labels);
    expect(healthy.layers[1].saturatedFraction).toBeLessThan(0.2);
    const model = classifier([make()]);
    const w = (model.layers[0] as Dense).weights.data;
    for (let i = 0; i < w.length; i++) w[i] *= 40;
    const d = diagnose(model, x, labels);
    expect(d.layers[1].name).toBe(name);
    expect(d.layers[1].saturatedFraction).toBeGreaterThan(0.8);
    expect(d.layers[1].flags).toEqual(['saturated']);
  });

  it('finds an exploding net: gradients far larger than the weights they update', () => {
    const deep = (scale: number): Sequential => {
      const layers: Layer[] = [];
      for (let i = 0; i < 6; i++) {
        const dense = new Dense(i === 0 ? 4 : 16, 16, { seed: 10 + i, initializer: 'glorot' });
        for (let k = 0; k < dense.weights.size; k++) dense.weights.data[k] *= scale;
        layers.push(dense, new Linear());
      }
      layers.push(new Dense(16, 1, { seed: 20, initializer: 'glorot' }));
      return new Sequential(layers).compile({ loss: new MeanSquaredError(), optimizer: new SGD({ learningRate: 0.01 }) });
    };
    const target = randomTensor(32, 1, 5);
    const calm = diagnose(deep(1), x, target);
    expect(calm.layers.flatMap((l) => l.flags)).toEqual([]);
    const d = diagnose(deep(6), x, target);
    expect(d.nonFinite).toBeNull();
    expect(d.layers[0].flags).toContain('exploding');
    expect(d.layers[0].gradToWeight).toBeGreaterThan(1e4);
    // the same net at a sane scale: three orders of magnitude less
    expect(d.layers[0].gradToWeight).toBeGreaterThan(1000 * (calm.layers[0].gradToWeight as number));
  });

  it('locates a NaN born in a middle layer’s backward pass', () => {
    const model = classifier([new ReLU(), new NaNInBackward()]);
    const d = diagnose(model, x, labels);
    expect(d.nonFinite).toMatchObject({ pass: 'backward', layer: 2, layerName: 'NaNInBackward', tensor: 'dinputs', at: [1, 2] });
    expect(d.nonFinite?.message).toBe('NaN first appeared in the backward pass: layer 2 NaNInBackward dinputs at [1, 2]');
    expect(d.layers[2].flags).toEqual(['non-finite']);
    expect(formatDiagnosis(d)).toContain('NaN first appeared in the backward pass: layer 2 NaNInBackward dinputs at [1, 2]');
  });

  it('locates a non-finite weight in the forward pass before any layer uses it', () => {
    const model = classifier([new ReLU()]);
    (model.layers[2] as Dense).weights.data[5] = Infinity;
    const d = diagnose(model, x, labels);
    expect(d.nonFinite).toMatchObject({ pass: 'forward', layer: 2, tensor: 'weights', at: [1, 2] }); // flat 5 of [16, 3]
    expect(d.loss).toBeNaN();
  });

  it('measures the next step’s update on a copy: for plain SGD it is learning rate × ‖dL/dW‖ / ‖W‖', () => {
    const model = classifier([new ReLU()]);
    const before = model.parameters().map((p) => p.value.data.slice());
    const d = diagnose(model, x, labels);
    for (const layer of d.layers) {
      for (const p of layer.parameters) {
        if (p.gradToWeight === null) continue;
        expect(p.updateToWeight).toBeCloseTo(0.1 * p.gradToWeight, 6);
      }
    }
    model.parameters().forEach((p, k) => expect(p.value.data).toEqual(before[k]));
  });

  it('computes the same gradients as the model’s own backward (fused softmax path included)', () => {
    const model = classifier([new Tanh()]);
    diagnose(model, x, labels, { measureUpdate: false });
    const mine = model.parameters().map((p) => p.grad.data.slice());
    model.backward(model.forward(x, { training: true }), labels, new CategoricalCrossEntropy());
    model.parameters().forEach((p, k) => expect(p.grad.data).toEqual(mine[k]));
  });

  it('recordDiagnostics records every N steps from fit’s onBatchEnd', () => {
    const model = classifier([new ReLU()]);
    const recorder = recordDiagnostics(model, x, labels, { every: 10 });
    model.fit(x, labels, { epochs: 25, batchSize: 32, shuffle: false, onBatchEnd: recorder.onBatchEnd });
    expect(recorder.records.map((r) => [r.step, r.epoch])).toEqual([
      [1, 1],
      [11, 11],
      [21, 21],
    ]);
    // training moves the loss the records see
    expect(recorder.records[2].diagnosis.loss).toBeLessThan(recorder.records[0].diagnosis.loss);
    expect(() => recordDiagnostics(model, x, labels, { every: 0 })).toThrow(/every must be an integer ≥ 1, got 0/);
  });
});
