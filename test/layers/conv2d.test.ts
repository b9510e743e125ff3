import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Conv2D, Tensor, type Padding } from '../../src/index.js';
import { checkLayerGradients, randomTensorNd } from '../helpers/check-gradients.js';
import { tf, tfReady } from '../helpers/tf.js';

beforeAll(tfReady);

/** y = conv(x, W) + b in tfjs (NHWC, HWIO; b is [1, filters] and broadcasts over the last axis). */
const tfConv =
  (strides: [number, number], padding: Padding) =>
  (x: tf.Tensor4D, [w, b]: tf.Tensor4D[]): tf.Tensor =>
    tf.add(tf.conv2d(x, w, strides, padding), b);

function convWithRandomBiases(inC: number, filters: number, options: ConstructorParameters<typeof Conv2D>[2], seed: number): Conv2D {
  const layer = new Conv2D(inC, filters, { seed, initializer: 'glorot', ...options });
  layer.biases.data.set(randomTensorNd([1, filters], seed + 1).data);
  return layer;
}

/** The convolution written out as loops: the definition the im2col + GEMM path must equal. */
function referenceConv(x: Tensor, layer: Conv2D): { out: number[]; shape: number[] } {
  const [n, h, w, c] = x.shape;
  const [kh, kw] = layer.kernelSize;
  const [sy, sx] = layer.strides;
  const f = layer.filters;
  let oh: number, ow: number, pt: number, pl: number;
  if (layer.padding === 'valid') {
    oh = Math.floor((h - kh) / sy) + 1;
    ow = Math.floor((w - kw) / sx) + 1;
    pt = pl = 0;
  } else {
    oh = Math.ceil(h / sy);
    ow = Math.ceil(w / sx);
    pt = Math.floor(Math.max((oh - 1) * sy + kh - h, 0) / 2);
    pl = Math.floor(Math.max((ow - 1) * sx + kw - w, 0) / 2);
  }
  const out: number[] = [];
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let k = 0; k < f; k++) {
          let s = layer.biases.data[k];
          for (let ky = 0; ky < kh; ky++)
            for (let kx = 0; kx < kw; kx++)
              for (let ci = 0; ci < c; ci++) {
                const iy = oy * sy - pt + ky;
                const ix = ox * sx - pl + kx;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                s += x.get(b, iy, ix, ci) * layer.weights.get(ky, kx, ci, k);
              }
          out.push(s);
        }
  return { out, shape: [n, oh, ow, f] };
}

describe('Conv2D', () => {
  it('computes a hand-checked 3×3 valid convolution', () => {
    // one 4×4 image, one channel, one 3×3 filter of ones and a bias of 0.5: each output is its window's sum + 0.5
    const layer = new Conv2D(1, 1, { kernelSize: 3 });
    layer.weights.data.fill(1);
    layer.biases.data[0] = 0.5;
    const x = new Tensor([1, 4, 4, 1], Float32Array.from({ length: 16 }, (_, i) => i));
    const y = layer.forward(x);
    expect(y.shape).toEqual([1, 2, 2, 1]);
    // windows at (0,0): 0+1+2+4+5+6+8+9+10 = 45, (0,1): 54, (1,0): 81, (1,1): 90
    expect(Array.from(y.data)).toEqual([45.5, 54.5, 81.5, 90.5]);
  });

  it("'same' pads like TensorFlow: the extra row and column go at the bottom/right", () => {
    // 4×4 input, 2×2 kernel, stride 1: total padding 1 per axis, all of it after the image
    const layer = new Conv2D(1, 1, { kernelSize: 2, padding: 'same' });
    layer.weights.data.fill(1);
    const x = new Tensor([1, 4, 4, 1], Float32Array.from({ length: 16 }, (_, i) => i));
    const y = layer.forward(x);
    expect(y.shape).toEqual([1, 4, 4, 1]);
    expect(y.get(0, 0, 0, 0)).toBe(0 + 1 + 4 + 5); // no padding above/left
    expect(y.get(0, 3, 3, 0)).toBe(15); // bottom-right: only x[3,3], the rest is padding
    expect(y.get(0, 3, 0, 0)).toBe(12 + 13);
  });

  it('keeps HWIO weights, [1, filters] biases, and the Keras fan-in/fan-out for its initialiser', () => {
    const layer = new Conv2D(3, 8, { kernelSize: [5, 3], seed: 1 });
    expect(layer.weights.shape).toEqual([5, 3, 3, 8]);
    expect(layer.biases.shape).toEqual([1, 8]);
    expect(layer.name).toBe('Conv2D(3→8, 5×3)');
    expect(new Conv2D(1, 2, { kernelSize: 3, strides: 2, padding: 'same' }).name).toBe('Conv2D(1→2, 3×3, stride 2, same)');
    // glorot: U(±√(6 / (fanIn + fanOut))), fanIn = 5·3·3 = 45, fanOut = 5·3·8 = 120
    const limit = Math.sqrt(6 / (45 + 120));
    const w = Array.from(layer.weights.data);
    expect(Math.max(...w)).toBeLessThanOrEqual(limit);
    expect(Math.max(...w)).toBeGreaterThan(0.9 * limit);
    const he = new Conv2D(4, 64, { kernelSize: 3, seed: 2, initializer: 'he' }).weights.data;
    const std = Math.sqrt(he.reduce((s, v) => s + v * v, 0) / he.length);
    expect(std).toBeCloseTo(Math.sqrt(2 / 36), 2);
  });

  it('backward: dweights, dbiases, dinputs match finite differences and TensorFlow.js', () => {
    const layer = convWithRandomBiases(2, 3, { kernelSize: 3 }, 11);
    checkLayerGradients(layer, randomTensorNd([2, 5, 6, 2], 12), tfConv([1, 1], 'valid'));
  });

  it("backward with stride 2 and 'same' padding (asymmetric padding) matches both references", () => {
    const layer = convWithRandomBiases(3, 2, { kernelSize: [3, 2], strides: [2, 1], padding: 'same' }, 21);
    checkLayerGradients(layer, randomTensorNd([2, 6, 5, 3], 22), tfConv([2, 1], 'same'));
  });

  it('backwardParameters fills the same dweights and dbiases as backward and leaves dinputs alone', () => {
    const layer = convWithRandomBiases(2, 4, { kernelSize: 2, strides: 2 }, 31);
    const x = randomTensorNd([3, 7, 7, 2], 32);
    const g = randomTensorNd([3, 3, 3, 4], 33);
    layer.forward(x);
    const dx = layer.backward(g).clone();
    const dw = layer.dweights.data.slice();
    const db = layer.dbiases.data.slice();
    layer.dweights.data.fill(0);
    layer.dbiases.data.fill(0);
    layer.forward(x);
    layer.backwardParameters(g);
    expect(layer.dweights.data).toEqual(dw);
    expect(layer.dbiases.data).toEqual(db);
    expect(layer.dinputs?.data).toEqual(dx.data);
  });

  it('property: forward equals the written-out loops; gradients agree with finite differences and TensorFlow.js', () => {
    // kernel sizes 1–5, strides 1–3, both paddings, odd (and even) spatial sizes, 1–4 input channels, batch 1–4;
    // also 8 input channels and 8 or 16 filters, which take the direct kernels on the WebAssembly path (no
    // padding needed, filters a multiple of 8; dL/dx directly where kw·C is a multiple of 8)
    const arbitrary = fc
      .record({
        kh: fc.integer({ min: 1, max: 5 }),
        kw: fc.integer({ min: 1, max: 5 }),
        sy: fc.integer({ min: 1, max: 3 }),
        sx: fc.integer({ min: 1, max: 3 }),
        padding: fc.constantFrom<Padding>('valid', 'same'),
        extraH: fc.integer({ min: 0, max: 6 }),
        extraW: fc.integer({ min: 0, max: 6 }),
        oddOnly: fc.boolean(),
        inC: fc.constantFrom(1, 2, 3, 4, 8),
        filters: fc.constantFrom(1, 2, 3, 4, 8, 16),
        batch: fc.integer({ min: 1, max: 4 }),
        seed: fc.integer({ min: 0, max: 1e6 }),
      })
      .map((p) => {
        // 'valid' needs the image at least as large as the kernel; 'same' takes anything from 1
        const base = (k: number) => (p.padding === 'valid' ? k : 1);
        const size = (k: number, extra: number) => {
          const s = base(k) + extra;
          return p.oddOnly && s % 2 === 0 ? s + 1 : s;
        };
        return { ...p, h: size(p.kh, p.extraH), w: size(p.kw, p.extraW) };
      });
    fc.assert(
      fc.property(arbitrary, (p) => {
        const layer = convWithRandomBiases(p.inC, p.filters, { kernelSize: [p.kh, p.kw], strides: [p.sy, p.sx], padding: p.padding }, p.seed);
        const x = randomTensorNd([p.batch, p.h, p.w, p.inC], p.seed + 2);
        const ref = referenceConv(x, layer);
        const y = layer.forward(x);
        expect(y.shape).toEqual(ref.shape);
        y.data.forEach((v, i) => expect(Math.abs(v - ref.out[i])).toBeLessThan(1e-5 * (1 + Math.abs(ref.out[i]))));
        checkLayerGradients(layer, x, tfConv([p.sy, p.sx], p.padding), { gradCheck: { maxElementsPerTensor: 30 }, seed: p.seed });
      }),
      { numRuns: 60, seed: 20261124 },
    );
  });

  it("activation 'relu': the output is max(0, conv), and its gradients agree with finite differences and TF.js (direct and im2col paths)", () => {
    const cases: [string, number, number, ConstructorParameters<typeof Conv2D>[2], number[]][] = [
      ['valid, 8 filters (direct kernels on the WebAssembly path)', 8, 8, { kernelSize: 3, activation: 'relu' }, [2, 5, 6, 8]],
      ['same, stride 2, 3 filters (im2col + GEMM)', 2, 3, { kernelSize: [3, 2], strides: 2, padding: 'same', activation: 'relu' }, [2, 5, 4, 2]],
    ];
    for (const [label, inC, filters, options, shape] of cases) {
      // Finite differences across the kink at 0 are wrong by design: take the first seed whose
      // pre-activations all lie at least 0.02 from it (a step moves them by < 1e-3).
      let seed = 1;
      const preActivations = (s: number) => convWithRandomBiases(inC, filters, { ...options, activation: 'linear' }, s).forward(randomTensorNd(shape, s + 1)).data;
      while (Math.min(...Array.from(preActivations(seed), Math.abs)) < 0.02) seed++;
      const layer = convWithRandomBiases(inC, filters, options, seed);
      expect(layer.name, label).toMatch(/, relu\)$/);
      const x = randomTensorNd(shape, seed + 1);
      const z = preActivations(seed);
      const a = layer.forward(x).data;
      expect(Array.from(a), label).toEqual(Array.from(z, (v) => Math.max(0, v)));
      expect(a.some((v) => v === 0) && a.some((v) => v > 0), `${label}: both sides of the kink`).toBe(true);
      const [sy, sx] = layer.strides;
      const tfConvRelu = (t: tf.Tensor4D, params: tf.Tensor4D[]) => tf.relu(tfConv([sy, sx], layer.padding)(t, params));
      checkLayerGradients(layer, x, tfConvRelu, { gradCheck: { maxElementsPerTensor: 40 }, seed: 8 });
    }
    expect(() => new Conv2D(1, 2, { kernelSize: 3, activation: 'tanh' as 'relu' })).toThrow("Conv2D(1, 2): activation must be 'linear' or 'relu', got 'tanh'");
  });

  it('rejects a kernel larger than a valid-padded input, naming the layer and the shapes', () => {
    const layer = new Conv2D(1, 4, { kernelSize: 5 });
    expect(() => layer.forward(new Tensor([2, 4, 6, 1]))).toThrow(
      "Conv2D(1→4, 5×5).forward: kernel 5×5 is larger than the 4×6 input with padding 'valid' (input shape [2, 4, 6, 1]); use padding 'same' or a smaller kernel",
    );
    // the same input is fine with 'same' padding
    expect(new Conv2D(1, 4, { kernelSize: 5, padding: 'same' }).forward(new Tensor([2, 4, 6, 1])).shape).toEqual([2, 4, 6, 4]);
  });

  it('rejects inputs of the wrong rank or channel count, and NaN', () => {
    const layer = new Conv2D(3, 4, { kernelSize: 3 });
    expect(() => layer.forward(new Tensor([2, 784]))).toThrow(
      'Conv2D(3→4, 3×3).forward: expected a 4-D input [batch, height, width, channels], got shape [2, 784]',
    );
    expect(() => layer.forward(new Tensor([2, 8, 8, 1]))).toThrow(
      'Conv2D(3→4, 3×3).forward: input has 1 channels, expected 3 (input shape [2, 8, 8, 1])',
    );
    const x = new Tensor([1, 3, 3, 3]);
    x.data[5] = Number.NaN;
    expect(() => layer.forward(x)).toThrow('Conv2D(3→4, 3×3).forward: input: [1, 3, 3, 3] tensor holds NaN');
  });

  it('rejects bad options by name', () => {
    expect(() => new Conv2D(0, 4, { kernelSize: 3 })).toThrow('Conv2D: inChannels must be an integer ≥ 1, got 0');
    expect(() => new Conv2D(1, 4, { kernelSize: 0 })).toThrow(
      'Conv2D(1, 4): kernelSize must be a positive integer or [height, width] of positive integers, got 0',
    );
    expect(() => new Conv2D(1, 4, { kernelSize: 3, strides: [1, 1.5] })).toThrow(
      'Conv2D(1, 4): strides must be a positive integer or [height, width] of positive integers, got an array of length 2',
    );
    expect(() => new Conv2D(1, 4, { kernelSize: 3, padding: 'full' as Padding })).toThrow(
      "Conv2D(1, 4): padding must be 'valid' or 'same', got 'full'",
    );
    expect(() => new Conv2D(1, 4, {} as never)).toThrow('Conv2D(1, 4): kernelSize must be a positive integer or [height, width] (it is required), got undefined');
    expect(() => new Conv2D(1, 4, { kernelSize: 3, kernel_size: 3 } as never)).toThrow("Conv2D(1, 4): unknown option 'kernel_size' in options");
    expect(() => new Conv2D(1, 4, { kernelSize: 3, initializer: 'zeros' as never })).toThrow(
      "Conv2D(1, 4): initializer must be 'small', 'he' or 'glorot', got 'zeros'",
    );
  });

  it('rejects a backward gradient of the wrong shape, and backward before forward', () => {
    const layer = new Conv2D(1, 2, { kernelSize: 3 });
    expect(() => layer.backward(new Tensor([1, 2, 2, 2]))).toThrow('Conv2D(1→2, 3×3).backward: called before forward');
    layer.forward(new Tensor([1, 4, 4, 1]));
    expect(() => layer.backward(new Tensor([1, 2, 2, 3]))).toThrow(
      'Conv2D(1→2, 3×3).backward: gradient shape [1, 2, 2, 3] does not match the forward output [1, 2, 2, 2]',
    );
  });
});
