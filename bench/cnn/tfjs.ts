/**
 * The CNN workload in TensorFlow.js on its CPU backend (tfjs-core ops with registered gradients):
 * conv2d (NHWC, HWIO, 'valid') → relu → maxPool 2 → conv2d → relu → maxPool 2 → reshape → matMul → relu
 * → matMul, mean softmax cross-entropy (fused, as handgrad's), tf.train.adam. (tfjs-backend-wasm cannot
 * train it: it has no Conv2DBackpropFilter kernel.)
 */
import { tf, useTfBackend } from '../lib/tf.js';
import { CNN, CNN_ADAM, CNN_PARAMETER_NAMES, CNN_PARAMETER_SHAPES, CNN_SHAPES, timeSteps, type CnnTrainer, type CnnWeights } from '../lib/cnn-workload.js';

export async function tfjsCpuTrainer(weights: CnnWeights, batch: { x: Float32Array; y: Int32Array }): Promise<CnnTrainer> {
  await useTfBackend('cpu');
  const p = Object.fromEntries(
    CNN_PARAMETER_NAMES.map((name) => [name, tf.variable(tf.tensor(weights[name].slice(), [...CNN_PARAMETER_SHAPES[name]]))]),
  ) as Record<keyof CnnWeights, tf.Variable>;
  const x = tf.tensor4d(batch.x.slice(), [CNN.batch, CNN.height, CNN.width, CNN.channels]);
  const labels = tf.cast(tf.oneHot(tf.tensor1d(batch.y, 'int32'), CNN.classes), 'float32');
  const optimizer = tf.train.adam(CNN_ADAM.learningRate, CNN_ADAM.beta1, CNN_ADAM.beta2, CNN_ADAM.epsilon);
  const pool = (h: tf.Tensor4D) => tf.maxPool(h, CNN.pool, CNN.pool, 'valid');
  const loss = (): tf.Scalar => {
    let h = tf.relu(tf.add(tf.conv2d(x, p.conv1W as tf.Tensor4D, 1, 'valid'), p.conv1B)) as tf.Tensor4D;
    h = pool(h);
    h = tf.relu(tf.add(tf.conv2d(h, p.conv2W as tf.Tensor4D, 1, 'valid'), p.conv2B)) as tf.Tensor4D;
    h = pool(h);
    const flat = tf.reshape(h, [CNN.batch, CNN_SHAPES.flat]) as tf.Tensor2D;
    const hidden = tf.relu(tf.add(tf.matMul(flat, p.dense1W as tf.Tensor2D), p.dense1B)) as tf.Tensor2D;
    const logits = tf.add(tf.matMul(hidden, p.dense2W as tf.Tensor2D), p.dense2B) as tf.Tensor2D;
    return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
  };
  return {
    name: 'tfjs-cpu',
    async steps(n) {
      await useTfBackend('cpu');
      return timeSteps(n, () => {
        const cost = optimizer.minimize(loss, true) as tf.Scalar;
        const value = cost.dataSync()[0];
        cost.dispose();
        return value;
      });
    },
    async firstLoss() {
      await useTfBackend('cpu');
      const cost = tf.tidy(loss);
      const value = cost.dataSync()[0];
      cost.dispose();
      return value;
    },
    dispose() {
      for (const v of Object.values(p)) v.dispose();
      x.dispose();
      labels.dispose();
      optimizer.dispose();
    },
  };
}
