/**
 * exportOnnx, proven by onnxruntime: for every layer type and for whole models, with seeded weights and
 * random inputs, the engine's output equals handgrad's predict to 1e-5 relative. The absolute part of the
 * bound is 1e-6 × the largest output (Gemm sums in a different order, so an output that cancels to near
 * zero differs by a few float32 ulps of its terms).
 */
import { describe, expect, it } from 'vitest';
import {
  Dense,
  Dropout,
  exportOnnx,
  LeakyReLU,
  Linear,
  ONNX_IR_VERSION,
  ONNX_OPSET_VERSION,
  ReLU,
  Sequential,
  Sigmoid,
  Softmax,
  Tanh,
  type Layer,
} from '../../src/index.js';
import { randomTensor } from '../helpers/check-gradients.js';
import { expectClose } from '../helpers/close.js';
import { randomizeParameters, runOnnx } from '../helpers/engines.js';

const TOLERANCE = { rtol: 1e-5, atol: 1e-6 };

async function expectOnnxMatches(model: Sequential, width: number, seed: number, label: string): Promise<void> {
  const x = randomTensor(7, width, seed, -3, 3);
  const expected = model.predict(x);
  const out = await runOnnx(exportOnnx(model), x);
  expect(out.dims, `${label}: output dims`).toEqual([...expected.shape]);
  expectClose(out.data, expected.data, TOLERANCE, label);
}

describe('exportOnnx: onnxruntime computes what predict computes', () => {
  const single: [string, () => Layer][] = [
    ['Dense', () => new Dense(5, 4, { seed: 1 })],
    ["Dense with activation 'relu' (Gemm then Relu)", () => new Dense(5, 4, { seed: 1, activation: 'relu' })],
    ['ReLU', () => new ReLU()],
    ['LeakyReLU', () => new LeakyReLU({ alpha: 0.2 })],
    ['LeakyReLU (default alpha)', () => new LeakyReLU()],
    ['Sigmoid', () => new Sigmoid()],
    ['Tanh', () => new Tanh()],
    ['Softmax', () => new Softmax()],
    ['Linear', () => new Linear()],
    ['Dropout', () => new Dropout({ rate: 0.5, seed: 3 })],
  ];
  it.each(single)('%s alone', async (label, make) => {
    const model = randomizeParameters(new Sequential([make()], { inputShape: [5] }), 11);
    await expectOnnxMatches(model, 5, 21, label);
  });

  it.each(single)('%s after a Dense layer', async (label, make) => {
    const layer = make();
    const model = randomizeParameters(new Sequential([new Dense(3, 5, { seed: 2 }), layer], { inputShape: [3] }), 12);
    await expectOnnxMatches(model, 3, 22, label);
  });

  it('a classifier MLP (Dense→ReLU→Dropout→Dense→LeakyReLU→Dense→Softmax)', async () => {
    const model = new Sequential([
      new Dense(2, 64, { seed: 1, initializer: 'he' }),
      new ReLU(),
      new Dropout({ rate: 0.1, seed: 2 }),
      new Dense(64, 32, { seed: 3 }),
      new LeakyReLU({ alpha: 0.05 }),
      new Dense(32, 3, { seed: 4 }),
      new Softmax(),
    ]);
    randomizeParameters(model, 5);
    model.predict(randomTensor(1, 2, 0)); // the model learns its input shape from the first batch it sees
    await expectOnnxMatches(model, 2, 23, 'classifier');
  });

  it('a regression MLP (Dense→Tanh→Dense→Sigmoid→Dense→Linear)', async () => {
    const model = randomizeParameters(
      new Sequential([new Dense(4, 16, { seed: 1 }), new Tanh(), new Dense(16, 8, { seed: 2 }), new Sigmoid(), new Dense(8, 1, { seed: 3 }), new Linear()]),
      6,
    );
    await expectOnnxMatches(model, 4, 24, 'regression');
    expect(() => exportOnnx(new Sequential([new Dense(4, 2)]), { inputShape: [4] })).not.toThrow();
  });

  it('writes the chosen versions, the input named input with a dynamic batch, and one node per layer', async () => {
    const model = new Sequential([new Dense(3, 2, { seed: 1 }), new LeakyReLU({ alpha: 0.01 }), new Dropout({ rate: 0.3 }), new Softmax()], { inputShape: [3] });
    const bytes = exportOnnx(model);
    const text = new TextDecoder('latin1').decode(bytes);
    expect(ONNX_IR_VERSION).toBe(7);
    expect(ONNX_OPSET_VERSION).toBe(13);
    expect(bytes[0]).toBe(0x08); // field 1 (ir_version), varint
    expect(bytes[1]).toBe(ONNX_IR_VERSION);
    // Gemm, LeakyRelu (alpha written although it is ONNX's default), Softmax; no node for Dropout
    expect(text.match(/Gemm|LeakyRelu|Softmax|Dropout/g)).toEqual(['Gemm', 'LeakyRelu', 'Softmax']);
    expect(text).toContain('alpha');
    // the same file serves any batch size
    for (const rows of [1, 5]) {
      const x = randomTensor(rows, 3, rows);
      const out = await runOnnx(bytes, x);
      expect(out.dims).toEqual([rows, 2]);
      expectClose(out.data, model.predict(x).data, TOLERANCE, `batch ${rows}`);
    }
  });

  it('explains what is missing: no input shape, a wrong one, a layer with no ONNX form', () => {
    const model = new Sequential([new Dense(3, 2, { seed: 1 })]);
    expect(() => exportOnnx(model)).toThrow(/exportOnnx: the model's input shape is unknown; pass \{ inputShape: \[\.\.\.\] \}/);
    expect(() => exportOnnx(model, { inputShape: [4] })).toThrow(/exportOnnx: layer 0 \(Dense\(3→2\)\) rejects inputs of shape \[batch, 4\]/);
    expect(() => exportOnnx(model, { inputShape: [0] })).toThrow(/exportOnnx: inputShape must be a non-empty array of positive integers, got \[0\]/);
    class Square implements Layer {
      readonly name = 'Square';
      dinputs = null;
      forward = (x: never) => x;
      backward = (d: never) => d;
      parameters = () => [];
    }
    expect(() => exportOnnx(new Sequential([new Square()], { inputShape: [2] }))).toThrow(
      /exportOnnx: layer 0 \(Square\) has no ONNX conversion; supported: Dense → Gemm \(\+ Relu with activation relu\), .*LeakyReLU → LeakyRelu/,
    );
  });
});
