/**
 * The real engines handgrad's exports are checked against: onnxruntime-web (its WebAssembly build, loaded
 * from the package's own .wasm files, no network) and TensorFlow.js Layers on the tfjs-core CPU backend.
 * Only tests import this; src/ never does.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import * as ort from 'onnxruntime-web';
import { Random, type Sequential, type Tensor, type TfjsLayersArtifacts } from '../../src/index.js';
import { tf, tfReady } from './tf.js';

ort.env.wasm.numThreads = 1; // no worker threads: one deterministic engine in the test process

/** Runs an exported ONNX model in onnxruntime on `x` (fed as the input named `input`). */
export async function runOnnx(bytes: Uint8Array, x: Tensor): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const result = await session.run({ input: new ort.Tensor('float32', x.data.slice(), [...x.shape]) });
    const out = result.output;
    return { data: out.data as Float32Array, dims: out.dims };
  } finally {
    await session.release();
  }
}

/**
 * Loads exported TF.js Layers artifacts with `tf.loadLayersModel` through its own HTTP loader, served from
 * memory: the loader reads model.json, follows the manifest's paths and loads the weights strictly, as it
 * does from a web server.
 */
export async function loadInTfjs(artifacts: TfjsLayersArtifacts): Promise<tfl.LayersModel> {
  await tfReady();
  const files = new Map<string, Uint8Array | string>([['model.json', JSON.stringify(artifacts.modelJson)]]);
  for (const group of artifacts.modelJson.weightsManifest) for (const p of group.paths) files.set(p, new Uint8Array(artifacts.weightData));
  const fetchFunc = async (url: RequestInfo | URL): Promise<Response> => {
    const file = files.get(String(url).replace('http://models.test/', ''));
    return file === undefined ? new Response('not found', { status: 404 }) : new Response(file as BodyInit, { status: 200 });
  };
  return tfl.loadLayersModel(tf.io.http('http://models.test/model.json', { fetchFunc }), { strict: true });
}

/** `model.predict(x)` in TF.js, as float32 values. */
export function predictInTfjs(model: tfl.LayersModel, x: Tensor): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor(x.data.slice(), [...x.shape], 'float32')) as tf.Tensor).dataSync() as Float32Array);
}

/** Overwrites every parameter of `model` with seeded uniform values in [−1, 1) (biases too, which start at 0). */
export function randomizeParameters(model: Sequential, seed: number): Sequential {
  const random = new Random(seed);
  for (const p of model.parameters()) random.fillUniform(p.value.data, -1, 1);
  return model;
}

export { tf, tfl };
