/**
 * TensorFlow.js for the benchmarks: tfjs-core with the CPU backend and the WebAssembly backend
 * (XNNPACK; single-threaded in Node). Gradients are registered explicitly. Only bench/ and test/ import
 * tfjs; src/ never does.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

createRequire(import.meta.url)('@tensorflow/tfjs-core/dist/register_all_gradients');

export { tf };

/** The two tfjs backends compared against. */
export type TfBackend = 'cpu' | 'wasm';

let ready: Promise<void> | null = null;

/** Initialises both backends once (the wasm binaries are read from node_modules as files). */
export function tfInit(): Promise<void> {
  ready ??= (async () => {
    tf.env().set('IS_TEST', true); // no "use tfjs-node" banner while the backends initialise
    const dist = fileURLToPath(new URL('../../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url));
    setWasmPaths(dist);
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs-backend-wasm failed to initialise');
    if (!(await tf.setBackend('cpu'))) throw new Error('tfjs-backend-cpu failed to initialise');
    tf.env().set('IS_TEST', false); // IS_TEST also turns on per-kernel leak checks, which would be timed
  })();
  return ready;
}

/** Makes `backend` the active tfjs backend (cheap once both are initialised). */
export async function useTfBackend(backend: TfBackend): Promise<void> {
  if (tf.getBackend() !== backend) await tf.setBackend(backend);
}
