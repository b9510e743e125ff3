import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AdaGrad,
  Adam,
  CategoricalCrossEntropy,
  Dense,
  RMSProp,
  SGD,
  Sequential,
  Softmax,
  Tensor,
  learningRateAt,
  spiralData,
  type Optimizer,
  type Parameter,
} from '../../src/index.js';

/** The rates of the first `n` updates, read from `currentLearningRate` as `step` advances. */
function ratesOf(opt: Optimizer, n: number): number[] {
  const p: Parameter = { name: 'p', value: new Tensor([1, 1]), grad: new Tensor([1, 1]) };
  const rates: number[] = [];
  for (let i = 0; i < n; i++) {
    rates.push(opt.currentLearningRate);
    opt.step([p]);
  }
  return rates;
}

describe('learning-rate schedule', () => {
  it('warm-up: lr·(t + 1)/W for the first W updates, then lr', () => {
    // W = 4, lr = 0.2: 0.05, 0.1, 0.15, 0.2, then 0.2
    expect(ratesOf(new SGD({ learningRate: 0.2, warmupSteps: 4 }), 6)).toEqual([0.05, 0.1, 0.15000000000000002, 0.2, 0.2, 0.2]);
  });

  it('cosine decay: half a cosine from lr to minLearningRate over cosineDecaySteps, then min', () => {
    const rates = ratesOf(new Adam({ learningRate: 0.1, cosineDecaySteps: 4, minLearningRate: 0.02 }), 7);
    // min + (lr − min)·½(1 + cos(π t/4)), t = 0…4: 0.1, 0.02 + 0.08·0.85355339 = 0.08828427, 0.06, 0.03171573, 0.02
    const expected = [0.1, 0.08828427, 0.06, 0.03171573, 0.02, 0.02, 0.02];
    rates.forEach((r, t) => expect(r, `t = ${t}`).toBeCloseTo(expected[t], 8));
  });

  it('warm-up then cosine: the decay starts where the warm-up ends, from the full rate', () => {
    const rates = ratesOf(new RMSProp({ learningRate: 1, warmupSteps: 2, cosineDecaySteps: 2 }), 6);
    // t = 0, 1: ramp 0.5, 1;  t = 2: cosine at s = 0 → 1;  t = 3: s = 1 → ½;  t ≥ 4: s = 2 → 0
    expect(rates).toEqual([0.5, 1, 1, 0.5, 0, 0]);
  });

  it('warm-up with the inverse-time decay: the two factors multiply, the decay counting from the first update', () => {
    const rates = ratesOf(new AdaGrad({ learningRate: 1, warmupSteps: 2, decay: 1 }), 3);
    // t = 0: ½ / 1;  t = 1: 1 / 2;  t = 2: 1 / 3
    expect(rates).toEqual([0.5, 0.5, 1 / 3]);
  });

  it('step uses the scheduled rate: SGD moves w by −rate·g each update', () => {
    const p: Parameter = { name: 'p', value: new Tensor([1, 1]), grad: Tensor.fromArray([[1]]) };
    const opt = new SGD({ learningRate: 0.4, warmupSteps: 2, cosineDecaySteps: 2 });
    for (let i = 0; i < 5; i++) opt.step([p]);
    // rates 0.2, 0.4, 0.4, 0.2, 0 → w = −1.2 (float32)
    expect(p.value.data[0]).toBeCloseTo(-1.2, 6);
  });

  it('property: the rate stays in [0, learningRate], never rises after the warm-up, and ends at the floor', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 1, max: 200 }),
        (learningRate, floorShare, warmupSteps, cosineDecaySteps) => {
          const schedule = { learningRate, decay: 0, warmupSteps, cosineDecaySteps, minLearningRate: floorShare * learningRate };
          let previous = Infinity;
          for (let t = 0; t < warmupSteps + cosineDecaySteps + 3; t++) {
            const lr = learningRateAt(schedule, t);
            expect(lr).toBeGreaterThanOrEqual(0);
            expect(lr).toBeLessThanOrEqual(learningRate * (1 + 1e-12));
            if (t >= warmupSteps) {
              expect(lr).toBeLessThanOrEqual(previous * (1 + 1e-12));
              previous = lr;
            }
          }
          expect(learningRateAt(schedule, warmupSteps + cosineDecaySteps)).toBeCloseTo(schedule.minLearningRate, 10);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('is part of getConfig (only when set) and survives a JSON round trip', () => {
    expect(new Adam({ learningRate: 0.01 }).getConfig().options).toEqual({ learningRate: 0.01, decay: 0, epsilon: 1e-7, beta1: 0.9, beta2: 0.999 });
    const opt = new Adam({ learningRate: 0.01, warmupSteps: 10, cosineDecaySteps: 90, minLearningRate: 0.001 });
    const config = JSON.parse(JSON.stringify(opt.getConfig()));
    expect(config.options).toEqual({ learningRate: 0.01, decay: 0, warmupSteps: 10, cosineDecaySteps: 90, minLearningRate: 0.001, epsilon: 1e-7, beta1: 0.9, beta2: 0.999 });
    const rebuilt = new Adam(config.options);
    expect(rebuilt.schedule).toEqual(opt.schedule);
  });

  it('a saved model resumes its schedule where it stopped (the iteration count is saved with the optimizer)', () => {
    const { x, y } = spiralData({ samples: 10, classes: 2, seed: 3 });
    const make = (): Sequential =>
      new Sequential([new Dense(2, 2, { seed: 1 }), new Softmax()]).compile({
        loss: new CategoricalCrossEntropy(),
        optimizer: new Adam({ learningRate: 0.05, warmupSteps: 3, cosineDecaySteps: 5 }),
      });
    const model = make();
    model.fit(x, y, { epochs: 4, batchSize: 20, seed: 1 });
    const loaded = Sequential.fromJSON(JSON.parse(JSON.stringify(model.toJSON({ includeOptimizer: true }))));
    const opt = loaded.compiledWith!.optimizer;
    expect(opt.iterations).toBe(4);
    expect(opt.currentLearningRate).toBe(model.compiledWith!.optimizer.currentLearningRate);
    // t = 4: one update into the cosine: 0.025·(1 + cos(π/5))
    expect(opt.currentLearningRate).toBeCloseTo(0.025 * (1 + Math.cos(Math.PI / 5)), 12);
    model.fit(x, y, { epochs: 3, batchSize: 20, seed: 2 });
    loaded.fit(x, y, { epochs: 3, batchSize: 20, seed: 2 });
    expect(loaded.predict(x).data).toEqual(model.predict(x).data);
  });

  it('refuses bad schedules, naming the option and the value', () => {
    expect(() => new Adam({ warmupSteps: -1 })).toThrow('Adam: warmupSteps must be an integer ≥ 0, got -1');
    expect(() => new SGD({ cosineDecaySteps: 2.5 })).toThrow('SGD: cosineDecaySteps must be an integer ≥ 0, got 2.5');
    expect(() => new Adam({ learningRate: 0.01, cosineDecaySteps: 10, minLearningRate: 0.1 })).toThrow(
      'Adam: minLearningRate must be a number in [0, 0.01], got 0.1',
    );
    expect(() => new Adam({ minLearningRate: 0 })).toThrow('Adam: minLearningRate (0) is where a cosine decay ends; it needs cosineDecaySteps > 0');
    expect(() => new RMSProp({ decay: 1e-3, cosineDecaySteps: 100 })).toThrow(
      'RMSProp: decay (0.001) and cosineDecaySteps (100) are two decays of the learning rate; use one',
    );
    expect(() => new Adam({ warmup: 5 } as object)).toThrow("Adam: unknown option 'warmup' in options (known: learningRate, decay, warmupSteps, cosineDecaySteps, minLearningRate, epsilon, beta1, beta2)");
  });
});
