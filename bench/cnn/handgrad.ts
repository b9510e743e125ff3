/**
 * The CNN workload in handgrad, once per available kernel path (WebAssembly SIMD and plain JS): the model
 * is built with its own layers, then every parameter is overwritten with the shared initial weights
 * (handgrad's layouts are the workload's: HWIO convolutions, `[in, out]` dense, NHWC images).
 */
import {
  Adam,
  CategoricalCrossEntropy,
  Conv2D,
  Dense,
  Flatten,
  MaxPool2D,
  ReLU,
  Sequential,
  Softmax,
  Tensor,
  availableKernels,
  WasmKernels,
  setKernels,
  useKernels,
  type Layer,
} from 'handgrad';
import { CNN, CNN_ADAM, CNN_SHAPES, timeSteps, type CnnTrainer, type CnnWeights } from '../lib/cnn-workload.js';

/**
 * The workload's layers in handgrad (the same network examples/fashion-mnist.ts trains), at the shared
 * weights. With `fusedRelu` the ReLU after each convolution is the Conv2D's own `activation: 'relu'` (the
 * same function and gradients, one layer fewer); without, separate ReLU layers.
 */
export function buildCnnLayers(weights: CnnWeights, fusedRelu = true): Layer[] {
  const activation = fusedRelu ? 'relu' : 'linear';
  const conv1 = new Conv2D(CNN.channels, CNN.filters1, { kernelSize: CNN.kernel, seed: 1, activation });
  const conv2 = new Conv2D(CNN.filters1, CNN.filters2, { kernelSize: CNN.kernel, seed: 2, activation });
  const dense1 = new Dense(CNN_SHAPES.flat, CNN.hidden, { seed: 3 });
  const dense2 = new Dense(CNN.hidden, CNN.classes, { seed: 4 });
  const pairs: [{ weights: Tensor; biases: Tensor }, Float32Array, Float32Array][] = [
    [conv1, weights.conv1W, weights.conv1B],
    [conv2, weights.conv2W, weights.conv2B],
    [dense1, weights.dense1W, weights.dense1B],
    [dense2, weights.dense2W, weights.dense2B],
  ];
  for (const [layer, w, b] of pairs) {
    layer.weights.data.set(w);
    layer.biases.data.set(b);
  }
  return [
    conv1,
    ...(fusedRelu ? [] : [new ReLU()]),
    new MaxPool2D({ poolSize: CNN.pool }),
    conv2,
    ...(fusedRelu ? [] : [new ReLU()]),
    new MaxPool2D({ poolSize: CNN.pool }),
    new Flatten(),
    dense1,
    new ReLU(),
    dense2,
    new Softmax(),
  ];
}

function buildModel(weights: CnnWeights): Sequential {
  return new Sequential(buildCnnLayers(weights)).compile({ loss: new CategoricalCrossEntropy(), optimizer: new Adam(CNN_ADAM) });
}

export async function handgradTrainers(weights: CnnWeights, batch: { x: Float32Array; y: Int32Array }): Promise<CnnTrainer[]> {
  const x = new Tensor([CNN.batch, CNN.height, CNN.width, CNN.channels], batch.x.slice());
  const trainers = availableKernels().map((kernels): CnnTrainer => {
    const model = buildModel(weights);
    return {
      name: `handgrad ${kernels}`,
      async steps(n) {
        useKernels(kernels);
        return timeSteps(n, () => model.trainStep(x, batch.y));
      },
      dispose() {
        useKernels(availableKernels()[0]); // the default again for whatever runs next
      },
    };
  });
  if (availableKernels().includes('wasm')) {
    // One thread, on a WebAssembly kernel set of its own: the figure issue 10's target is stated for.
    const kernels = new WasmKernels({ threads: 1 });
    // built while its kernels are active, so its tensors live in their memory (used in place, not copied)
    const previous = setKernels(kernels);
    const model = buildModel(weights);
    setKernels(previous);
    trainers.splice(1, 0, {
      name: 'handgrad wasm 1T',
      async steps(n) {
        setKernels(kernels);
        return timeSteps(n, () => model.trainStep(x, batch.y));
      },
      dispose() {
        kernels.dispose();
        useKernels(availableKernels()[0]);
      },
    });
  }
  return trainers;
}
