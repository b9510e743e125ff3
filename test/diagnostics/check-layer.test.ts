import { beforeAll, describe, expect, it } from 'vitest';
import { Dense, Sigmoid, Tensor, checkLayer, formatLayerCheck, type Layer, type Parameter } from '../../src/index.js';
import { tf, tfReady } from '../helpers/tf.js';

/** y = a ⊙ x² (a per feature). `scale` plants a bug in dL/da; `ownStorage` allocates its output as float32. */
class ScaledSquare implements Layer {
  readonly name = 'ScaledSquare';
  readonly a = Tensor.fromArray([[0.5, -1.5, 2]]);
  readonly da = new Tensor([1, 3]);
  dinputs: Tensor | null = null;
  private x: Tensor | null = null;
  constructor(private readonly options: { scale?: number; ownStorage?: boolean; guard?: boolean } = {}) {}
  forward(x: Tensor): Tensor {
    this.x = x;
    const y = this.options.ownStorage ? new Tensor(x.shape, new Float32Array(x.size)) : new Tensor(x.shape);
    for (let i = 0; i < x.size; i++) y.data[i] = this.a.data[i % 3] * x.data[i] * x.data[i];
    return y;
  }
  backward(d: Tensor): Tensor {
    if (this.x === null) {
      if (this.options.guard === false) return d; // no error: the contract check must notice
      throw new Error('ScaledSquare.backward: called before forward');
    }
    const x = this.x;
    this.da.data.fill(0);
    const dx = new Tensor(x.shape);
    for (let i = 0; i < x.size; i++) {
      this.da.data[i % 3] += (this.options.scale ?? 1) * d.data[i] * x.data[i] * x.data[i]; // dL/da = Σ G ⊙ x²
      dx.data[i] = d.data[i] * 2 * this.a.data[i % 3] * x.data[i]; // dL/dx = G ⊙ 2a x
    }
    this.dinputs = dx;
    return dx;
  }
  parameters(): Parameter[] {
    return [{ name: 'a', value: this.a, grad: this.da }];
  }
}

describe('checkLayer', () => {
  beforeAll(tfReady);

  it('passes handgrad’s own layers, differentiating float64 copies', () => {
    for (const create of [() => new Dense(3, 4, { seed: 1 }), () => new Sigmoid()]) {
      const report = checkLayer(create, { inputShape: [5, 3], seed: 2 });
      expect(report.failures).toEqual([]);
      expect(report.precision).toBe('float64');
      // float64 references leave only the float32 rounding of the analytic side
      for (const t of report.tensors) expect(t.maxRelError).toBeLessThan(1e-4);
    }
  });

  it('names the parameter and its worst element when one gradient is wrong', () => {
    const report = checkLayer(() => new ScaledSquare({ scale: 1.01 }));
    expect(report.passed).toBe(false);
    expect(report.tensors.map((t) => [t.name, t.passed])).toEqual([
      ['input', true],
      ['a', false],
    ]);
    const a = report.tensors[1];
    expect(a.analytic / a.expected).toBeCloseTo(1.01, 6);
    expect(report.failures[0]).toMatch(/^a: gradient disagrees with finite differences at \[0, \d\]/);
    expect(formatLayerCheck(report)).toContain('FAIL a: gradient disagrees');
  });

  it('a 1 % error passes nowhere, a float32-level one everywhere', () => {
    expect(checkLayer(() => new ScaledSquare({ scale: 1 + 1e-2 })).passed).toBe(false);
    expect(checkLayer(() => new ScaledSquare({ scale: 1 + 1e-7 })).passed).toBe(true);
  });

  it('falls back to float32 for a layer that allocates float32 storage of its own, and says so', () => {
    const report = checkLayer(() => new ScaledSquare({ ownStorage: true }));
    expect(report.precision).toBe('float32');
    expect(report.step).toBe(1e-3);
    expect(report.passed).toBe(true);
    expect(formatLayerCheck(report)).toContain('forward in float32 (a float64 copy of the layer still produced float32: it allocates float32 storage of its own)');
  });

  it('fails the contract when backward before forward returns instead of throwing', () => {
    const report = checkLayer(() => new ScaledSquare({ guard: false }));
    const contract = report.contracts.find((c) => c.name === 'backward before forward throws');
    expect(contract?.passed).toBe(false);
    expect(report.passed).toBe(false);
  });

  it('compares with TensorFlow.js autodiff when given a tfjs definition', () => {
    const good = checkLayer(() => new ScaledSquare(), {
      tfjs: { tf, forward: (x: tf.Tensor, p) => tf.mul(p.a, tf.square(x)) },
    });
    expect(good.tensors.map((t) => `${t.name}/${t.reference}/${t.passed}`)).toEqual([
      'input/finite differences/true',
      'a/finite differences/true',
      'input/tfjs/true',
      'a/tfjs/true',
    ]);
    // A tfjs definition that differs (3a instead of a) fails both tensors against tfjs only.
    const bad = checkLayer(() => new ScaledSquare(), {
      tfjs: { tf, forward: (x: tf.Tensor, p) => tf.mul(tf.mul(p.a, 3), tf.square(x)) },
    });
    expect(bad.tensors.filter((t) => !t.passed).map((t) => `${t.name}/${t.reference}`)).toEqual(['input/tfjs', 'a/tfjs']);
  });

  it('leaves the float32 kernels selected afterwards', async () => {
    const { getKernels } = await import('../../src/tensor/backend.js');
    const before = getKernels();
    checkLayer(() => new Dense(2, 2, { seed: 0 }), { inputShape: [3, 2] });
    expect(getKernels()).toBe(before);
  });
});
