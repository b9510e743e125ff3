/** The TensorFlow.js twin of a workload's handgrad model (same weights, same batch, same Adam step). */
import { ADAM, denseParameters, type Batch } from './workloads.js';
import type { Sequential } from 'handgrad';
import { tf } from './tf.js';

/** One training step of the same MLP in tfjs on the active backend, with its own variables. */
export interface TfTrainer {
  /** One Adam step; returns the loss before the update. */
  step(): number;
  dispose(): void;
}

/**
 * Builds the tfjs twin of `model` (same initial weights) on the *active* backend:
 * logits = relu(…relu(x·W₁ + b₁)…)·Wₙ + bₙ; loss = mean softmax cross-entropy (tfjs fuses it, as
 * handgrad does); tf.train.adam minimises it.
 */
export function tfTrainer(model: Sequential, batch: Batch, classes: number): TfTrainer {
  const params = denseParameters(model).map(({ weights, biases }) => ({
    w: tf.variable(tf.tensor2d(weights.data.slice(), [weights.rows, weights.cols])),
    b: tf.variable(tf.tensor2d(biases.data.slice(), [1, biases.cols])),
  }));
  const x = tf.tensor2d(batch.x.data.slice(), [batch.x.rows, batch.x.cols]);
  const yOneHot = tf.cast(tf.oneHot(tf.tensor1d(batch.y, 'int32'), classes), 'float32');
  const optimizer = tf.train.adam(ADAM.learningRate, ADAM.beta1, ADAM.beta2, ADAM.epsilon);
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
