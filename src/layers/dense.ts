import { randomFor } from '../core/random.js';
import { addRowVector, assertFinite, matmul, matmulTransA, matmulTransB, sumColumns } from '../tensor/ops.js';
import { Tensor } from '../tensor/tensor.js';
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
}

const DENSE_OPTIONS = ['seed', 'initializer', 'weightL1', 'weightL2', 'biasL1', 'biasL2'] as const;
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
  /** The options the layer was built with (seed, initializer, regularisation strengths). */
  readonly options: Readonly<DenseOptions>;
  private readonly weightPenalty: PenaltyStrengths;
  private readonly biasPenalty: PenaltyStrengths;

  private input: Tensor | null = null;
  private output: Tensor | null = null;

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
    this.options = { ...options };
    this.name = `Dense(${nIn}→${nOut})`;
    this.weights = new Tensor([nIn, nOut]);
    this.biases = new Tensor([1, nOut]);
    this.dweights = new Tensor([nIn, nOut]);
    this.dbiases = new Tensor([1, nOut]);
    initializeWeights(options.initializer ?? 'small', this.weights.data, nIn, nOut, randomFor(options.seed));
  }

  /** Y = X · W + b. Keeps X for backward. */
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
    return this.output;
  }

  backward(dvalues: Tensor): Tensor {
    this.backwardParameters(dvalues);
    // dL/dX = dL/dY · Wᵀ
    this.dinputs = matmulTransB(dvalues, this.weights, this.dinputs, `${this.name}.backward`);
    return this.dinputs;
  }

  /** The parameter half of {@link Dense.backward}: dL/dW and dL/db only (`dinputs` is not touched). */
  backwardParameters(dvalues: Tensor): void {
    checkBackwardShape(this.name, this.output, dvalues);
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
