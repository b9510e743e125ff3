/**
 * The training workloads of the benchmarks, built identically for handgrad, TensorFlow.js and numpy:
 * an MLP Dense→ReLU→…→Dense→Softmax with categorical cross-entropy and Adam, the same initial
 * weights (handgrad's seeded initialiser, copied into the peers), the same data and labels.
 */
import {
  Adam,
  CategoricalCrossEntropy,
  Dense,
  Random,
  ReLU,
  Sequential,
  Softmax,
  Tensor,
  spiralData,
  type Layer,
} from 'handgrad';

export interface Workload {
  /** e.g. `W2 784→128→10, batch 128`. */
  readonly label: string;
  readonly id: 'W1' | 'W2' | 'W3' | 'W4';
  /** Layer widths, input first: [784, 128, 10]. */
  readonly widths: readonly number[];
  readonly batch: number;
  /** Too slow for the JS peers (handgrad js, tfjs: seconds per step): only handgrad wasm and numpy run it. */
  readonly heavy?: boolean;
}

export const WORKLOADS: readonly Workload[] = [
  { id: 'W1', label: 'W1 spiral 2→64→3, batch 300', widths: [2, 64, 3], batch: 300 },
  { id: 'W2', label: 'W2 784→128→10, batch 128', widths: [784, 128, 10], batch: 128 },
  { id: 'W3', label: 'W3 784→512→512→10, batch 256', widths: [784, 512, 512, 10], batch: 256 },
  { id: 'W4', label: 'W4 3072→1024→1024→10, batch 512', widths: [3072, 1024, 1024, 10], batch: 512, heavy: true },
];

/** Adam hyper-parameters used by every implementation (handgrad's defaults, passed explicitly to peers). */
export const ADAM = { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } as const;

/** One batch of inputs and integer labels (spiral data for W1; MNIST-shaped uniform pixels otherwise). */
export interface Batch {
  x: Tensor;
  y: Int32Array;
}

export function makeBatch(w: Workload, seed = 5): Batch {
  const classes = w.widths[w.widths.length - 1];
  if (w.id === 'W1') {
    const { x, y } = spiralData({ samples: w.batch / 3, classes: 3, seed });
    return { x, y: Int32Array.from(y as ArrayLike<number>) };
  }
  const rng = new Random(seed);
  const x = new Tensor([w.batch, w.widths[0]]);
  rng.fillUniform(x.data, 0, 1);
  const y = new Int32Array(w.batch);
  for (let i = 0; i < w.batch; i++) y[i] = rng.int(classes);
  return { x, y };
}

/** A compiled handgrad model for `w` (He initialisation, seeded, so every build is identical). */
export function handgradModel(w: Workload, seed = 1): Sequential {
  const layers: Layer[] = [];
  for (let i = 0; i + 1 < w.widths.length; i++) {
    layers.push(new Dense(w.widths[i], w.widths[i + 1], { seed: seed + i, initializer: 'he' }));
    layers.push(i + 2 < w.widths.length ? new ReLU() : new Softmax());
  }
  return new Sequential(layers).compile({
    loss: new CategoricalCrossEntropy(),
    optimizer: new Adam({ ...ADAM }),
  });
}

/** The Dense layers' weights and biases of a handgrad model, in order. */
export function denseParameters(model: Sequential): { weights: Tensor; biases: Tensor }[] {
  return model.layers.filter((l): l is Dense => l instanceof Dense).map((d) => ({ weights: d.weights, biases: d.biases }));
}
