/**
 * TensorFlow.js as an independent reference: tfjs-core on its CPU backend, with every op's gradient
 * registered. Only tests and benchmarks import this; src/ never does.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { Tensor } from '../../src/index.js';

let ready: Promise<void> | null = null;

/** Selects the CPU backend once; await it in a `beforeAll`. */
export function tfReady(): Promise<void> {
  ready ??= (async () => {
    tf.env().set('IS_TEST', true); // silences the "hi there, use tfjs-node" console banner
    await tf.setBackend('cpu');
    await tf.ready();
  })();
  return ready;
}

/** A handgrad 2-D tensor as a tfjs 2-D tensor (same float32 values). */
export function toTf(t: Tensor): tf.Tensor2D {
  return tf.tensor2d(t.data.slice(), [t.rows, t.cols], 'float32');
}

/** A handgrad tensor of any rank as a tfjs tensor of the same shape and float32 values. */
export function toTfNd(t: Tensor): tf.Tensor {
  return tf.tensor(t.data.slice(), [...t.shape], 'float32');
}

/** The values of a tfjs tensor, synchronously. */
export function tfData(t: tf.Tensor): Float32Array {
  return t.dataSync() as Float32Array;
}

export { tf };
