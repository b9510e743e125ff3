import { describe, expect, it } from 'vitest';
import {
  Adam,
  AveragePooling2D,
  BatchNormalization,
  CategoricalCrossEntropy,
  Conv2D,
  Dense,
  Flatten,
  MaxPool2D,
  Random,
  ReLU,
  SGD,
  Sequential,
  Softmax,
  Tensor,
  WasmKernels,
  getKernels,
  type Optimizer,
} from '../../src/index.js';

/*
 * Steady state of a training step: after the first step at a given batch size, `trainStep` creates no
 * typed array (every layer, loss and optimizer reuses its buffers) and the WebAssembly memory does not
 * grow. Runs under both kernel projects (wasm and js).
 *
 * Typed-array creation is counted by replacing the global constructors (catches `new Float32Array(…)`
 * and `new Tensor(…)` inside src/, which look the global up at call time) and by wrapping the
 * %TypedArray%.prototype methods that return new arrays or views (slice, subarray, map, filter).
 */

const TYPED = ['Float32Array', 'Float64Array', 'Int32Array', 'Uint8Array', 'Uint32Array'] as const;
const METHODS = ['slice', 'subarray', 'map', 'filter'] as const;

/** Counts typed arrays created while `fn` runs. */
function countTypedArrays(fn: (seen: readonly string[]) => void): { count: number; what: string[] } {
  const what: string[] = [];
  const g = globalThis as unknown as Record<string, unknown>;
  const originals = TYPED.map((name) => g[name]);
  const proto = Object.getPrototypeOf(Float32Array.prototype) as Record<string, unknown>;
  const protoOriginals = METHODS.map((m) => proto[m]);
  TYPED.forEach((name, i) => {
    g[name] = new Proxy(originals[i] as object, {
      construct(target, args, newTarget) {
        what.push(`new ${name}`);
        return Reflect.construct(target as new (...a: unknown[]) => object, args, newTarget);
      },
    });
  });
  METHODS.forEach((m, i) => {
    proto[m] = function (this: unknown, ...args: unknown[]) {
      what.push(`TypedArray.prototype.${m}`);
      return (protoOriginals[i] as (...a: unknown[]) => unknown).apply(this, args);
    };
  });
  try {
    fn(what);
  } finally {
    TYPED.forEach((name, i) => (g[name] = originals[i]));
    METHODS.forEach((m, i) => (proto[m] = protoOriginals[i]));
  }
  return { count: what.length, what };
}

function model(widths: number[], optimizer: Optimizer): Sequential {
  const layers = [];
  for (let i = 0; i + 1 < widths.length; i++) {
    layers.push(new Dense(widths[i], widths[i + 1], { seed: 10 + i, initializer: 'he' }));
    layers.push(i + 2 < widths.length ? new ReLU() : new Softmax());
  }
  return new Sequential(layers).compile({ loss: new CategoricalCrossEntropy(), optimizer });
}

/** A CNN with every image layer: [n, 9, 9, 2] → Conv → BN → ReLU → MaxPool → Conv → ReLU → AvgPool → Flatten → Dense → Softmax. */
function cnn(optimizer: Optimizer): Sequential {
  return new Sequential([
    new Conv2D(2, 4, { kernelSize: 3, padding: 'same', seed: 1, initializer: 'he' }),
    new BatchNormalization(4),
    new ReLU(),
    new MaxPool2D({ poolSize: 2 }),
    new Conv2D(4, 6, { kernelSize: 2, seed: 2, initializer: 'he' }),
    new ReLU(),
    new AveragePooling2D({ poolSize: 2, strides: 1, padding: 'same' }),
    new Flatten(),
    new Dense(54, 3, { seed: 3 }),
    new Softmax(),
  ]).compile({ loss: new CategoricalCrossEntropy(), optimizer });
}

function batch(rows: number, cols: number | number[], classes: number, seed: number): { x: Tensor; y: Int32Array } {
  const rng = new Random(seed);
  const x = new Tensor([rows, ...(typeof cols === 'number' ? [cols] : cols)]);
  rng.fillUniform(x.data, 0, 1);
  const y = new Int32Array(rows);
  for (let i = 0; i < rows; i++) y[i] = rng.int(classes);
  return { x, y };
}

/** Every buffer a step touches: layer outputs/gradients and parameters, by identity. */
function buffers(m: Sequential): unknown[] {
  const out: unknown[] = [];
  for (const layer of m.layers) {
    out.push(layer.dinputs);
    for (const p of layer.parameters()) out.push(p.value.data, p.grad.data);
  }
  return out;
}

describe('training step steady state', () => {
  const cases: [string, number[], number, () => Optimizer][] = [
    ['784→128→10, batch 64, SGD', [784, 128, 10], 64, () => new SGD({ learningRate: 0.01 })],
    ['20→33→17→3, batch 37, Adam', [20, 33, 17, 3], 37, () => new Adam({ learningRate: 0.01 })],
    ['2→64→3, batch 300, SGD + momentum', [2, 64, 3], 300, () => new SGD({ learningRate: 0.01, momentum: 0.5 })],
  ];


  it.each(cases)('%s: allocates no typed array and does not grow WebAssembly memory after step 1', (_, widths, rows, opt) => {
    const m = model(widths, opt());
    const { x, y } = batch(rows, widths[0], widths[widths.length - 1], 3);
    const kernels = getKernels();
    const memory = () => (kernels instanceof WasmKernels ? kernels.memoryBytes : 0);

    // the first step allocates the buffers for this batch size (and grows WASM memory if needed)
    const first = countTypedArrays(() => m.trainStep(x, y));
    expect(first.count).toBeGreaterThan(0); // proves the counter sees src/'s allocations
    const bytesAfterFirst = memory();
    const before = buffers(m);

    let losses: number[] = [];
    const steady = countTypedArrays(() => {
      losses = [m.trainStep(x, y), m.trainStep(x, y), m.trainStep(x, y)];
    });
    expect(steady.what, 'typed arrays created in steady-state steps').toEqual([]);
    expect(memory()).toBe(bytesAfterFirst);
    const after = buffers(m);
    after.forEach((b, i) => expect(b, `buffer ${i} kept its identity`).toBe(before[i]));
    losses.forEach((l) => expect(Number.isFinite(l)).toBe(true));
    expect(losses[2]).toBeLessThan(losses[0]); // it is still training
  });

  it('a CNN (Conv2D, BatchNormalization, pooling, Flatten), batch 16, Adam: allocates nothing after step 1', () => {
    const m = cnn(new Adam({ learningRate: 0.01 }));
    const { x, y } = batch(16, [9, 9, 2], 3, 4);
    const kernels = getKernels();
    const memory = () => (kernels instanceof WasmKernels ? kernels.memoryBytes : 0);
    const first = countTypedArrays(() => m.trainStep(x, y));
    expect(first.count).toBeGreaterThan(0);
    const bytesAfterFirst = memory();
    const before = buffers(m);
    let losses: number[] = [];
    const steady = countTypedArrays(() => {
      losses = [m.trainStep(x, y), m.trainStep(x, y), m.trainStep(x, y)];
    });
    expect(steady.what, 'typed arrays created in steady-state steps').toEqual([]);
    expect(memory()).toBe(bytesAfterFirst);
    buffers(m).forEach((b, i) => expect(b, `buffer ${i} kept its identity`).toBe(before[i]));
    expect(losses[2]).toBeLessThan(losses[0]);
  });

  it('a CNN in fit with alternating batch sizes and validation allocates nothing after its first epoch', () => {
    const m = cnn(new Adam({ learningRate: 0.01 }));
    const train = batch(40, [9, 9, 2], 3, 5); // batches of 16, 16 and 8
    const validation = batch(12, [9, 9, 2], 3, 6);
    const seenAtEpochEnd: number[] = [];
    const all = countTypedArrays((seen) => {
      m.fit(train.x, train.y, {
        epochs: 3,
        batchSize: 16,
        seed: 1,
        validationData: [validation.x, validation.y],
        onEpochEnd: () => {
          seenAtEpochEnd.push(seen.length);
        },
      });
    });
    expect(seenAtEpochEnd[0]).toBeGreaterThan(0);
    expect(all.what.slice(seenAtEpochEnd[0], seenAtEpochEnd[2]), 'typed arrays created in epochs 2–3').toEqual([]);
  });

  it('a bigger batch allocates (and may grow memory) once, then is steady again', () => {
    const m = model([50, 40, 5], new SGD({ learningRate: 0.05 }));
    const small = batch(8, 50, 5, 1);
    const big = batch(200, 50, 5, 2);
    m.trainStep(small.x, small.y);
    const grow = countTypedArrays(() => m.trainStep(big.x, big.y));
    expect(grow.count).toBeGreaterThan(0);
    const steady = countTypedArrays(() => m.trainStep(big.x, big.y));
    expect(steady.what).toEqual([]);
  });

  it('fit with alternating batch sizes (full, smaller last, validation) allocates nothing after its first epoch', () => {
    const m = model([12, 24, 4], new Adam({ learningRate: 0.01 }));
    const train = batch(100, 12, 4, 5); // batchSize 32 → batches of 32, 32, 32 and a last one of 4
    const validation = batch(30, 12, 4, 6);
    const seenAtEpochEnd: number[] = [];
    const all = countTypedArrays((seen) => {
      m.fit(train.x, train.y, {
        epochs: 4,
        batchSize: 32,
        seed: 1,
        validationData: [validation.x, validation.y],
        onEpochEnd: () => {
          seenAtEpochEnd.push(seen.length);
        },
      });
    });
    expect(seenAtEpochEnd[0]).toBeGreaterThan(0); // the first epoch sets up every buffer
    expect(all.what.slice(seenAtEpochEnd[0], seenAtEpochEnd[3]), 'typed arrays created in epochs 2–4').toEqual([]);
  });
});
