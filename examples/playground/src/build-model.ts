/** Turns the network editor's settings into a compiled handgrad model. Used by the worker and by the page's replica. */
import {
  AdaGrad,
  Adam,
  CategoricalCrossEntropy,
  Dense,
  Dropout,
  LeakyReLU,
  ReLU,
  RMSProp,
  SGD,
  Sequential,
  Sigmoid,
  Softmax,
  Tanh,
  type Layer,
  type Optimizer,
} from 'handgrad';
import type { ActivationName, NetworkSpec, OptimizerName } from './protocol.js';

export function buildModel(net: NetworkSpec, inputs: number, classes: number): Sequential {
  const layers: Layer[] = [];
  let width = inputs;
  let seed = net.seed * 100;
  for (const hidden of net.hidden) {
    layers.push(new Dense(width, hidden.units, { initializer: 'he', seed: seed++, weightL2: net.l2 }));
    layers.push(activation(hidden.activation));
    if (hidden.dropout > 0) layers.push(new Dropout({ rate: hidden.dropout, seed: seed++ }));
    width = hidden.units;
  }
  layers.push(new Dense(width, classes, { initializer: 'glorot', seed: seed++, weightL2: net.l2 }));
  layers.push(new Softmax());
  const model = new Sequential(layers);
  model.compile({ loss: new CategoricalCrossEntropy(), optimizer: optimizer(net.optimizer, net.learningRate) });
  return model;
}

function activation(name: ActivationName): Layer {
  switch (name) {
    case 'relu':
      return new ReLU();
    case 'leaky-relu':
      return new LeakyReLU({ alpha: 0.1 });
    case 'tanh':
      return new Tanh();
    case 'sigmoid':
      return new Sigmoid();
  }
}

function optimizer(name: OptimizerName, learningRate: number): Optimizer {
  switch (name) {
    case 'sgd':
      return new SGD({ learningRate, momentum: 0.9 });
    case 'adagrad':
      return new AdaGrad({ learningRate });
    case 'rmsprop':
      return new RMSProp({ learningRate });
    case 'adam':
      return new Adam({ learningRate });
  }
}

/** The model's Dense layers with their index in `model.layers`. */
export function denseLayers(model: Sequential): { index: number; layer: Dense }[] {
  const out: { index: number; layer: Dense }[] = [];
  model.layers.forEach((layer, index) => {
    if (layer instanceof Dense) out.push({ index, layer });
  });
  return out;
}

export function dropoutLayers(model: Sequential): Dropout[] {
  return model.layers.filter((layer): layer is Dropout => layer instanceof Dropout);
}
