import { randomFor } from '../data/random.js';
import { addRowVector, assertFinite, matmul, matmulTransA, matmulTransB, sumColumns } from '../tensor/ops.js';
import { Tensor } from '../tensor/tensor.js';
import { initializeWeights, type InitializerName } from './initializers.js';
import { checkBackwardShape, type ForwardOptions, type Layer, type Parameter } from './layer.js';

/** Options for {@link Dense}. */
export interface DenseOptions {
  /** Seed for the weight initialiser. Default: a stream forked from the global generator. */
  seed?: number;
  /** Weight initialiser. Default `'small'` (0.01 · N(0, 1), as in the book). */
  initializer?: InitializerName;
}

/**
 * Fully connected layer: `Y = X · W + b`.
 *
 * Shapes: X `[batch, nIn]`, W `[nIn, nOut]`, b `[1, nOut]`, Y `[batch, nOut]`.
 * Keeps its input X (backward needs it for dL/dW).
 *
 * Backward, given G = dL/dY:
 * - dL/dW = Xᵀ · G          (`dweights`, `[nIn, nOut]`)
 * - dL/db = Σ_batch G       (`dbiases`, `[1, nOut]`)
 * - dL/dX = G · Wᵀ          (`dinputs`, `[batch, nIn]`)
 */
export class Dense implements Layer {
  readonly name: string;
  readonly nIn: number;
  readonly nOut: number;
  /** `[nIn, nOut]`. The same Tensor object for the layer's whole life (optimizers key state on it). */
  readonly weights: Tensor;
  /** `[1, nOut]`, zeros at start. */
  readonly biases: Tensor;
  /** dL/dW from the last backward (zeros before). */
  readonly dweights: Tensor;
  /** dL/db from the last backward (zeros before). */
  readonly dbiases: Tensor;
  dinputs: Tensor | null = null;

  private input: Tensor | null = null;
  private output: Tensor | null = null;

  constructor(nIn: number, nOut: number, options: DenseOptions = {}) {
    if (!Number.isInteger(nIn) || !Number.isInteger(nOut) || nIn < 1 || nOut < 1) {
      throw new RangeError(`Dense: nIn and nOut must be positive integers, got Dense(${nIn}, ${nOut})`);
    }
    this.nIn = nIn;
    this.nOut = nOut;
    this.name = `Dense(${nIn}→${nOut})`;
    this.weights = new Tensor(nIn, nOut);
    this.biases = new Tensor(1, nOut);
    this.dweights = new Tensor(nIn, nOut);
    this.dbiases = new Tensor(1, nOut);
    initializeWeights(options.initializer ?? 'small', this.weights.data, nIn, nOut, randomFor(options.seed));
  }

  /** Y = X · W + b. Keeps X for backward. */
  forward(x: Tensor, _options?: ForwardOptions): Tensor {
    if (x.cols !== this.nIn) {
      throw new RangeError(
        `${this.name}.forward: input has ${x.cols} columns, expected ${this.nIn} (input shape ${x.shapeString()})`,
      );
    }
    assertFinite(x, `${this.name}.forward: input`);
    this.input = x;
    const y = matmul(x, this.weights, this.output, `${this.name}.forward`);
    this.output = addRowVector(y, this.biases, y, `${this.name}.forward`);
    return this.output;
  }

  backward(dvalues: Tensor): Tensor {
    checkBackwardShape(this.name, this.output, dvalues);
    const x = this.input as Tensor;
    // dL/dW = Xᵀ · dL/dY
    matmulTransA(x, dvalues, this.dweights, `${this.name}.backward`);
    // dL/db = column sums of dL/dY (b is broadcast to every row, so its gradient sums over the batch)
    sumColumns(dvalues, this.dbiases);
    // dL/dX = dL/dY · Wᵀ
    this.dinputs = matmulTransB(dvalues, this.weights, this.dinputs, `${this.name}.backward`);
    return this.dinputs;
  }

  parameters(): Parameter[] {
    return [
      { name: 'weights', value: this.weights, grad: this.dweights },
      { name: 'biases', value: this.biases, grad: this.dbiases },
    ];
  }
}
