import { CategoricalCrossEntropy, Dense, ReLU, Sequential, Softmax, type Optimizer } from '../../src/index.js';

/** The toy classifier: Dense(2→hidden)→ReLU→Dense(hidden→3)→Softmax, compiled with CCE. */
export function spiralModel(optimizer: Optimizer, seed = 1, hidden = 64): Sequential {
  const model = new Sequential([
    new Dense(2, hidden, { seed }),
    new ReLU(),
    new Dense(hidden, 3, { seed: seed + 1000 }),
    new Softmax(),
  ]);
  return model.compile({ loss: new CategoricalCrossEntropy(), optimizer });
}
