import { randomFor } from '../core/random.js';
import { addRowVector, assertFinite, matmul, matmulTransA, matmulTransB, sumColumns } from '../tensor/ops.js';
import { convKernels } from '../tensor/kernels/conv-kernels.js';
import { Tensor, reuseOrAllocate } from '../tensor/tensor.js';
import { INITIALIZERS, initializeWeights, type InitializerName } from './initializers.js';
import { checkBackwardShape, type ForwardOptions, type Layer, type Parameter } from './layer.js';
import { checkEnum, checkInteger, checkNumber, checkOptions, checkSeed } from '../core/validate.js';
import { addPenaltyGradient, penalty, type PenaltyStrengths } from './regularization.js';

/** Options for {@link Dense}. */
export interface DenseOptions {
  /** Seed for the weight initialiser. Default: a stream forked from the global generator. */
  seed?: number;
  /** Weight initialiser. Default `'small'` (0.01 · N(0, 1), as in the book). */
  initializer?: InitializerName;
  /** L1 strength λ on the weights: adds λ·Σ|w| to the loss (book ch. 14). Default 0. */
  weightL1?: number;
  /** L2 strength λ on the weights: adds λ·Σw² to the loss. Default 0. */
  weightL2?: number;
  /** L1 strength λ on the biases: adds λ·Σ|b| to the loss. Default 0. */
  biasL1?: number;
  /** L2 strength λ on the biases: adds λ·Σb² to the loss. Default 0. */
  biasL2?: number;
  /**
   * `'relu'` applies max(0, ·) to the output inside the layer (Keras's `activation='relu'`): the same values
   * and gradients as a ReLU layer after it, without a pass of its own. Default `'linear'` (none).
   */
  activation?: DenseActivation;
}

/** The activations Dense can fuse: `'linear'` (none) or `'relu'`. */
export type DenseActivation = 'linear' | 'relu';
const DENSE_ACTIVATIONS: readonly DenseActivation[] = ['linear', 'relu'];

const DENSE_OPTIONS = ['seed', 'initializer', 'weightL1', 'weightL2', 'biasL1', 'biasL2', 'activation'] as const;
/** Most weights one layer may hold: what one Float32Array can (2³¹ − 1 elements on 64-bit V8). */
const MAX_WEIGHTS = 2 ** 31 - 1;

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
 *
 * With `activation: 'relu'` the layer outputs A = max(0, Y), and backward first turns dL/dA into
 * G = dL/dA ⊙ 1[A > 0] (A = max(0, Y) passes the gradient where Y > 0, i.e. where A > 0), then as above.
 *
 * With regularisation (`weightL1`, `weightL2`, `biasL1`, `biasL2`), the penalty
 * R = λ₁ʷ Σ|W| + λ₂ʷ Σ W² + λ₁ᵇ Σ|b| + λ₂ᵇ Σ b² is reported by {@link Dense.regularizationLoss} (apart from
 * the data loss) and its gradient is added in backward: dR/dW = λ₁ʷ·sign(W) + 2λ₂ʷ·W (sign(0) = 0, see
 * `regularization.ts`), likewise for b.
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
  /** The options the layer was built with (seed, initializer, regularisation strengths, activation). */
  readonly options: Readonly<DenseOptions>;
  /** The fused activation (`'linear'`: none). */
  readonly activation: DenseActivation;
  private readonly weightPenalty: PenaltyStrengths;
  private readonly biasPenalty: PenaltyStrengths;

  private input: Tensor | null = null;
  private output: Tensor | null = null;
  /** dL/dY = dL/dA ⊙ 1[A > 0] with the fused ReLU (reused between steps). */
  private maskedGradient: Tensor | null = null;

  constructor(nIn: number, nOut: number, options: DenseOptions = {}) {
    checkInteger('Dense', 'nIn', nIn, { min: 1 });
    checkInteger('Dense', 'nOut', nOut, { min: 1 });
    const op = `Dense(${nIn}, ${nOut})`;
    if (nIn * nOut > MAX_WEIGHTS) {
      throw new RangeError(`${op}: ${nIn} × ${nOut} weights exceed the ${MAX_WEIGHTS} a Float32Array can hold`);
    }
    this.nIn = nIn;
    this.nOut = nOut;
    checkOptions(op, 'options', options, DENSE_OPTIONS);
    const strength = (name: keyof DenseOptions): number => checkNumber(op, name, options[name] ?? 0, { min: 0 });
    this.weightPenalty = { l1: strength('weightL1'), l2: strength('weightL2') };
    this.biasPenalty = { l1: strength('biasL1'), l2: strength('biasL2') };
    if (options.seed !== undefined) checkSeed(op, 'seed', options.seed);
    if (options.initializer !== undefined) checkEnum(op, 'initializer', options.initializer, INITIALIZERS);
    this.activation = options.activation === undefined ? 'linear' : checkEnum(op, 'activation', options.activation, DENSE_ACTIVATIONS);
    this.options = { ...options };
    this.name = `Dense(${nIn}→${nOut}${this.activation === 'relu' ? ', relu' : ''})`;
    this.weights = new Tensor([nIn, nOut]);
    this.biases = new Tensor([1, nOut]);
    this.dweights = new Tensor([nIn, nOut]);
    this.dbiases = new Tensor([1, nOut]);
    initializeWeights(options.initializer ?? 'small', this.weights.data, nIn, nOut, randomFor(options.seed));
  }

  /** Y = X · W + b (then A = max(0, Y) with the fused ReLU). Keeps X for backward. */
  forward(x: Tensor, _options?: ForwardOptions): Tensor {
    if (x.rank !== 2) {
      throw new RangeError(
        `${this.name}.forward: expects a 2-D [batch, ${this.nIn}] input, got ${x.shapeString()} (put a Flatten layer before Dense)`,
      );
    }
    if (x.cols !== this.nIn) {
      throw new RangeError(
        `${this.name}.forward: input has ${x.cols} columns, expected ${this.nIn} (input shape ${x.shapeString()})`,
      );
    }
    assertFinite(x, `${this.name}.forward: input`);
    this.input = x;
    const y = matmul(x, this.weights, this.output, `${this.name}.forward`);
    this.output = addRowVector(y, this.biases, y, `${this.name}.forward`);
    // A = max(0, Y), in place
    if (this.activation === 'relu') convKernels().relu(y.data, y.data, y.size);
    return this.output;
  }

  backward(dvalues: Tensor): Tensor {
    const g = this.gradientBeforeActivation(dvalues);
    this.parameterGradients(g);
    // dL/dX = dL/dY · Wᵀ
    this.dinputs = matmulTransB(g, this.weights, this.dinputs, `${this.name}.backward`);
    return this.dinputs;
  }

  /** The parameter half of {@link Dense.backward}: dL/dW and dL/db only (`dinputs` is not touched). */
  backwardParameters(dvalues: Tensor): void {
    this.parameterGradients(this.gradientBeforeActivation(dvalues));
  }

  /** dL/dY from dL/dA: itself without an activation; with the fused ReLU, dL/dA ⊙ 1[A > 0]. */
  private gradientBeforeActivation(dvalues: Tensor): Tensor {
    const output = checkBackwardShape(this.name, this.output, dvalues);
    if (this.activation !== 'relu') return dvalues;
    const masked = reuseOrAllocate(this.maskedGradient, dvalues.shape);
    convKernels().reluBackward(dvalues.data, output.data, masked.data, dvalues.size);
    this.maskedGradient = masked;
    return masked;
  }

  /** dL/dW and dL/db (+ the penalty's gradient) from dL/dY. */
  private parameterGradients(dvalues: Tensor): void {
    const x = this.input as Tensor;
    // dL/dW = Xᵀ · dL/dY
    matmulTransA(x, dvalues, this.dweights, `${this.name}.backward`);
    // dL/db = column sums of dL/dY (b is broadcast to every row, so its gradient sums over the batch)
    sumColumns(dvalues, this.dbiases);
    // + dR/dW = λ₁·sign(W) + 2λ₂·W and dR/db likewise (no-ops when the strengths are 0)
    addPenaltyGradient(this.weights.data, this.dweights.data, this.weightPenalty);
    addPenaltyGradient(this.biases.data, this.dbiases.data, this.biasPenalty);
  }

  /** The regularisation penalty R of the current weights and biases (0 when no strength is set). */
  regularizationLoss(): number {
    return penalty(this.weights.data, this.weightPenalty) + penalty(this.biases.data, this.biasPenalty);
  }

  parameters(): Parameter[] {
    return [
      { name: 'weights', value: this.weights, grad: this.dweights },
      { name: 'biases', value: this.biases, grad: this.dbiases },
    ];
  }
}
