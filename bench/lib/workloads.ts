/**
 * The three training workloads of the benchmarks, built identically for handgrad and TensorFlow.js:
 * an MLP Dense→ReLU→…→Dense→Softmax with categorical cross-entropy and plain SGD, the same initial
 * weights (handgrad's seeded initialiser, copied into tfjs), the same data and labels.
 */
import {
  CategoricalCrossEntropy,
  Dense,
  Random,
  ReLU,
  SGD,
  Sequential,
  Softmax,
  Tensor,
  spiralData,
  type Layer,
} from 'handgrad';
import { tf } from './tf.js';

export interface Workload {
  /** e.g. `W2 784→128→10, batch 128`. */
  readonly label: string;
  readonly id: 'W1' | 'W2' | 'W3';
  /** Layer widths, input first: [784, 128, 10]. */
  readonly widths: readonly number[];
  readonly batch: number;
}

export const WORKLOADS: readonly Workload[] = [
  { id: 'W1', label: 'W1 spiral 2→64→3, batch 300', widths: [2, 64, 3], batch: 300 },
  { id: 'W2', label: 'W2 784→128→10, batch 128', widths: [784, 128, 10], batch: 128 },
  { id: 'W3', label: 'W3 784→512→512→10, batch 256', widths: [784, 512, 512, 10], batch: 256 },
];

/** SGD learning rate used by every implementation. */
export const LEARNING_RATE = 0.01;

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
    optimizer: new SGD({ learningRate: LEARNING_RATE }),
  });
}

/** The Dense layers' weights and biases of a handgrad model, in order. */
export function denseParameters(model: Sequential): { weights: Tensor; biases: Tensor }[] {
  return model.layers.filter((l): l is Dense => l instanceof Dense).map((d) => ({ weights: d.weights, biases: d.biases }));
}

/** One training step of the same MLP in tfjs on the active backend, with its own variables. */
export interface TfTrainer {
  /** One SGD step; returns the loss before the update. */
  step(): number;
  dispose(): void;
}

/**
 * Builds the tfjs twin of `model` (same initial weights) on the *active* backend:
 * logits = relu(…relu(x·W₁ + b₁)…)·Wₙ + bₙ; loss = mean softmax cross-entropy (tfjs fuses it, as
 * handgrad does); tf.train.sgd minimises it.
 */
export function tfTrainer(model: Sequential, batch: Batch, classes: number): TfTrainer {
  const params = denseParameters(model).map(({ weights, biases }) => ({
    w: tf.variable(tf.tensor2d(weights.data.slice(), [weights.rows, weights.cols])),
    b: tf.variable(tf.tensor2d(biases.data.slice(), [1, biases.cols])),
  }));
  const x = tf.tensor2d(batch.x.data.slice(), [batch.x.rows, batch.x.cols]);
  const yOneHot = tf.cast(tf.oneHot(tf.tensor1d(batch.y, 'int32'), classes), 'float32');
  const optimizer = tf.train.sgd(LEARNING_RATE);
  const lossFn = (): tf.Scalar => {
    let h: tf.Tensor2D = x;
    params.forEach(({ w, b }, i) => {
      const z = tf.add(tf.matMul(h, w), b) as tf.Tensor2D;
      h = i + 1 < params.length ? tf.relu(z) : z;
    });
    return tf.losses.softmaxCrossEntropy(yOneHot, h) as tf.Scalar;
  };
  return {
    step() {
      const cost = optimizer.minimize(lossFn, true) as tf.Scalar;
      const value = cost.dataSync()[0];
      cost.dispose();
      return value;
    },
    dispose() {
      for (const { w, b } of params) {
        w.dispose();
        b.dispose();
      }
      x.dispose();
      yOneHot.dispose();
      optimizer.dispose();
    },
  };
}
