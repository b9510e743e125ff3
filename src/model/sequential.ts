import type { ForwardOptions, Layer, Parameter } from '../layers/layer.js';
import type { Labels } from '../core/labels.js';
import type { Loss } from '../losses/loss.js';
import { argmaxRow } from '../metrics/categorical-accuracy.js';
import { defaultMetricFor } from '../metrics/default-metric.js';
import type { Metric } from '../metrics/metric.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { Tensor, allocateData } from '../tensor/tensor.js';
import { firstNonFinite } from '../tensor/ops.js';
import { fitModel, type FitOptions, type History, type StepResult, type TrainingTarget } from './fit.js';
import { fitModelAsync, type FitAsyncOptions } from './fit-async.js';
import { layersFromJSON, modelToJSON, restoreTraining, type ModelJSON, type SaveOptions } from './serialization.js';
import { formatSummary, summarize, type InputShape } from './summary.js';
import { checkDataset } from './validate.js';
import { checkHasMethods, checkInstance, checkInteger, checkOptions, checkTensor, invalid, showValue } from '../core/validate.js';

/** Options for {@link Sequential.compile}. */
export interface CompileOptions {
  loss: Loss;
  optimizer: Optimizer;
  /** Reported as `accuracy` by `fit` / `evaluate`. Default: the one that fits the loss (`defaultMetricFor`). */
  metric?: Metric;
}

/** What `compile` fixed; see {@link Sequential.compiledWith}. */
export interface Compiled {
  readonly loss: Loss;
  readonly optimizer: Optimizer;
  readonly metric: Metric;
}

/** Result of {@link Sequential.evaluate}. */
export interface Evaluation {
  /** The data loss (without regularisation). */
  loss: number;
  /** The model's regularisation penalty (0 without L1/L2), reported apart from the data loss. */
  regularizationLoss: number;
  accuracy: number;
}

/** Options for the {@link Sequential} constructor. */
export interface SequentialOptions {
  /**
   * The shape of one example, without the batch dimension (as Keras's `inputShape`), e.g. `[2]` for two
   * features. Optional: without it the model takes the shape of the first batch it sees (`fit`, `predict`,
   * …). The exporters (`exportOnnx`, `exportTfjsLayers`) need it; when given, inputs of another shape are
   * rejected with a clear error.
   */
  inputShape?: readonly number[];
}

/** Options for {@link Sequential.evaluate}, {@link Sequential.predict} and {@link Sequential.predictClasses}. */
export interface InferenceOptions {
  /**
   * Rows per forward pass, integer ≥ 1. Default {@link INFERENCE_BATCH_SIZE}. The results do not depend on
   * it (up to the float rounding of combining the chunks' means).
   */
  batchSize?: number;
}

/**
 * Default rows per forward pass of `evaluate` / `predict`: small enough that a CNN's activations stay in
 * the tens of megabytes, large enough that the matrix products run at full speed.
 */
export const INFERENCE_BATCH_SIZE = 256;

function inferenceBatchSize(op: string, options: InferenceOptions): number {
  checkOptions(op, 'options', options, ['batchSize']);
  return checkInteger(op, 'batchSize', options.batchSize ?? INFERENCE_BATCH_SIZE, { min: 1 });
}

/** Rows [start, start + size) of x as a view (shares x's data). */
function rowRange(x: Tensor, start: number, size: number): Tensor {
  return new Tensor([size, ...x.shape.slice(1)], x.data.subarray(start * x.cols, (start + size) * x.cols));
}

/** The labels of rows [start, start + size): a view for typed arrays and tensors. */
function labelRange(y: Labels, start: number, size: number): Labels {
  if (y instanceof Tensor) return rowRange(y, start, size);
  return y instanceof Int32Array ? y.subarray(start, start + size) : y.slice(start, start + size);
}

/** Which model each optimizer trains (set by `compile`): one optimizer cannot serve two models. */
const optimizerOwners = new WeakMap<object, Sequential>();


/** Throws unless `y` is targets a plain-JS caller could mean: an Int32Array, an array of numbers or a Tensor. */
function checkLabels(op: string, name: string, y: unknown): void {
  if (!(y instanceof Tensor || y instanceof Int32Array || Array.isArray(y))) {
    invalid(op, name, 'class indices (an Int32Array or an array) or a targets Tensor', y, true);
  }
}

const TRAINING: ForwardOptions = Object.freeze({ training: true });
const INFERENCE: ForwardOptions = Object.freeze({ training: false });

/**
 * A stack of layers applied in order. Data flows one way:
 * x → layer₀.forward → … → ŷ → loss → loss.backward → layerₙ.backward → … → layer₀.backward,
 * each layer filling its own gradients; an optimizer then walks {@link Sequential.parameters}.
 *
 * A loss may fuse its backward with the last layer (`Loss.backwardThrough`): categorical cross-entropy
 * after Softmax hands back `(ŷ − y)/N` for the softmax input instead of chaining the two backwards. The
 * model asks the loss; it knows no concrete layer or loss class.
 *
 * Training: `compile({ loss, optimizer })`, then `fit(x, y, options)` — or `fitAsync` in a page, which
 * yields to the event loop between batches — or `trainStep` in your own loop;
 * `evaluate`, `predict` and `predictClasses` for inference.
 */
export class Sequential {
  readonly layers: readonly Layer[];
  private compiled: Compiled | null = null;
  /** `parameters()` cached at compile time: the list the optimizer walks every step. */
  private trainable: Parameter[] = [];
  /** What the last training step reports to the fit loop (one object, overwritten by every step). */
  private readonly lastStep = { loss: 0, regularizationLoss: 0, predictions: null as unknown as Tensor };
  /** The declared or first-seen shape of one example; see {@link Sequential.inputShape}. */
  private exampleShape: readonly number[] | null = null;
  private readonly shapeDeclared: boolean;
  /** Parameter values before the current update, to undo one that turns a parameter non-finite. */
  private undo: Float32Array[] = [];

  constructor(layers: readonly Layer[], options: SequentialOptions = {}) {
    if (!Array.isArray(layers)) invalid('Sequential', 'layers', 'an array of layers', layers, true);
    if (layers.length === 0) throw new RangeError('Sequential: needs at least one layer');
    layers.forEach((layer, i) => checkHasMethods('Sequential', `layers[${i}]`, layer, ['forward', 'backward', 'parameters'], 'a Layer'));
    this.layers = [...layers];
    const shape = options?.inputShape;
    if (shape !== undefined) {
      if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
        throw new RangeError(`Sequential: inputShape must be a non-empty array of positive integers (one example, no batch dimension), got ${showValue(shape)}`);
      }
      this.exampleShape = Object.freeze([...shape]);
    }
    this.shapeDeclared = shape !== undefined;
  }

  /**
   * The shape of one example (no batch dimension): the `inputShape` given to the constructor, else the
   * shape of the first batch the model ran on; null before then. Exporters read it.
   */
  get inputShape(): readonly number[] | null {
    return this.exampleShape;
  }

  /** Runs x through every layer. The result is the last layer's buffer: clone it to keep it past the next call. */
  forward(x: Tensor, options: ForwardOptions = {}): Tensor {
    checkTensor('Sequential.forward', 'x', x);
    if (this.exampleShape === null) this.exampleShape = Object.freeze(x.shape.slice(1));
    else if (this.shapeDeclared) this.checkInputShape(x);
    let out = x;
    for (const layer of this.layers) out = layer.forward(out, options);
    return out;
  }

  /**
   * Backpropagates `loss` at the last forward's output `yPred` through every layer in reverse.
   * Afterwards each layer holds its gradients (`dweights`, `dbiases`, `dinputs`).
   * @returns dL/dx for the model's input
   */
  backward(yPred: Tensor, yTrue: Labels, loss: Loss): Tensor {
    return this.backpropagate(yPred, yTrue, loss, true) as Tensor;
  }

  private checkInputShape(x: Tensor): void {
    const expected = this.exampleShape as readonly number[];
    const shape = x.shape;
    let same = shape.length === expected.length + 1;
    for (let i = 0; same && i < expected.length; i++) same = shape[i + 1] === expected[i];
    if (!same) {
      throw new RangeError(
        `Sequential.forward: input ${x.shapeString()} does not match the model's inputShape [${expected.join(', ')}] (expected [batch, ${expected.join(', ')}])`,
      );
    }
  }

  /**
   * The backward pass; with `inputGradient` false the first layer skips dL/dx when it can
   * (`backwardParameters`), and null is returned. Training uses that: nobody reads dL/dx there.
   */
  private backpropagate(yPred: Tensor, yTrue: Labels, loss: Loss, inputGradient: boolean): Tensor | null {
    const last = this.layers.length - 1;
    const lastLayer = this.layers[last];
    let grad: Tensor;
    let next: number;
    // A loss that fuses with the last layer (cross-entropy after Softmax) hands back dL/d(its input).
    const fused = loss.backwardThrough?.(lastLayer, yPred, yTrue) ?? null;
    if (fused !== null) {
      grad = fused;
      next = last - 1;
    } else {
      grad = loss.backward(yPred, yTrue);
      next = last;
    }
    for (let i = next; i >= 1; i--) grad = this.layers[i].backward(grad);
    if (next < 0) return grad; // a lone Softmax: the fused gradient is dL/dx
    const first = this.layers[0];
    if (!inputGradient && first.backwardParameters) {
      first.backwardParameters(grad);
      return null;
    }
    return first.backward(grad);
  }

  /**
   * The sum of every layer's regularisation penalty (L1/L2 on Dense layers), reported apart from the data
   * loss; the total training objective is `dataLoss + regularizationLoss()`. 0 when no layer regularises.
   */
  regularizationLoss(): number {
    let total = 0;
    for (const layer of this.layers) if (layer.regularizationLoss) total += layer.regularizationLoss();
    return total;
  }

  /**
   * Every trainable parameter with its gradient, in layer order. Names are prefixed with the layer's
   * position, e.g. `"0:Dense(2→64).weights"`. The tensors are the layers' own (same objects every call).
   */
  parameters(): Parameter[] {
    const params: Parameter[] = [];
    this.layers.forEach((layer, i) => {
      for (const p of layer.parameters()) {
        params.push({ name: `${i}:${layer.name}.${p.name}`, value: p.value, grad: p.grad });
      }
    });
    return params;
  }

  /**
   * Fixes the loss, the optimizer and the metric for training. Compiling again swaps them (a new
   * optimizer starts with fresh state).
   */
  compile(options: CompileOptions): this {
    const op = 'Sequential.compile';
    if (options === undefined) invalid(op, 'options', 'an object { loss, optimizer, metric? }', options, true);
    checkOptions(op, 'options', options, ['loss', 'optimizer', 'metric']);
    const loss = checkHasMethods<Loss>(op, 'loss', options.loss, ['forward', 'backward'], 'a Loss');
    const optimizer = checkHasMethods<Optimizer>(op, 'optimizer', options.optimizer, ['step'], 'an Optimizer');
    const owner = optimizerOwners.get(optimizer);
    if (owner !== undefined && owner !== this) {
      throw new Error(
        `${op}: this ${optimizer.name ?? 'optimizer'} already trains another model; one optimizer per model (shared, their step counts and learning-rate decay would mix)`,
      );
    }
    const metric = options.metric ?? defaultMetricFor(loss);
    if (options.metric !== undefined) checkHasMethods(op, 'metric', options.metric, ['compute'], 'a Metric');
    optimizerOwners.set(optimizer, this);
    this.compiled = { loss, optimizer, metric };
    this.trainable = this.parameters();
    this.undo = [];
    return this;
  }

  /** The compiled loss, optimizer and metric, or null before `compile`. */
  get compiledWith(): Compiled | null {
    return this.compiled;
  }

  /** The compiled settings; throws naming `op` when `compile` has not been called. */
  private compiledFor(op: string): Compiled {
    if (this.compiled === null) {
      throw new Error(`${op}: call compile({ loss, optimizer }) first`);
    }
    return this.compiled;
  }

  /**
   * One training step: forward (training mode), loss, backward, optimizer update.
   * Afterwards every layer still holds this step's gradients (`dweights`, `dbiases`), so they can be
   * inspected. Allocates nothing once the layers' buffers exist for this batch size.
   * With L1/L2 regularisation the gradients include the penalty's (`regularizationLoss()` before the step).
   * The gradient with respect to the data x is not computed (the first layer's `dinputs` is not
   * updated): for a Dense first layer that skips a third of its backward work.
   * @returns the data loss computed before the update (without the regularisation penalty)
   * @throws if the loss is NaN or infinite (nothing is updated then)
   */
  trainStep(x: Tensor, y: Labels): number {
    return this.step(x, y, 'Sequential.trainStep').loss;
  }

  /** The step behind `trainStep` and the fit loop; reports the loss, penalty and predictions it used. */
  private step(x: Tensor, y: Labels, op: string): StepResult {
    const { loss, optimizer } = this.compiledFor(op);
    checkInstance(op, 'x', x, Tensor, 'a Tensor');
    checkLabels(op, 'y', y);
    const yPred = this.forward(x, TRAINING);
    const value = loss.forward(yPred, y);
    if (!Number.isFinite(value)) {
      throw new RangeError(`${op}: ${loss.name} loss is ${value}; the model has diverged or the data holds non-finite values`);
    }
    const result = this.lastStep;
    result.loss = value;
    result.regularizationLoss = this.regularizationLoss();
    result.predictions = yPred;
    this.backpropagate(yPred, y, loss, false); // dL/dx of the data is not needed
    this.updateOrUndo(optimizer, op);
    return result;
  }

  /**
   * `optimizer.step`, then a check that every parameter is still finite. An update that overflows (a
   * learning rate too high, an exploding gradient) is undone — parameters and optimizer state go back to
   * their values before it, the last finite ones — and an error names the first parameter it broke. The
   * copy and the scan cost about what the optimizer's own pass does; see the README.
   */
  private updateOrUndo(optimizer: Optimizer, op: string): void {
    const params = this.trainable;
    const canRollBack = typeof optimizer.checkpoint === 'function' && typeof optimizer.rollback === 'function';
    if (this.undo.length !== params.length) this.undo = params.map((p) => allocateData(p.value.size));
    if (canRollBack && typeof optimizer.stepWithCheckpoint === 'function') {
      // the copies are made as the update reads the values (one pass where the kernels can fuse them); a
      // step that fails part-way restores what it can itself
      optimizer.stepWithCheckpoint(params, this.undo);
    } else {
      for (let i = 0; i < params.length; i++) this.undo[i].set(params[i].value.data);
      if (canRollBack) optimizer.checkpoint(params);
      try {
        optimizer.step(params);
      } catch (err) {
        // a step that fails part-way (e.g. a worker thread stopped) is undone like a non-finite one
        for (let j = 0; j < params.length; j++) params[j].value.data.set(this.undo[j]);
        if (canRollBack) optimizer.rollback(params);
        throw err;
      }
    }
    for (let i = 0; i < params.length; i++) {
      const bad = firstNonFinite(params[i].value.data);
      if (bad < 0) continue;
      const p = params[i];
      const value = p.value.data[bad];
      const gradBad = firstNonFinite(p.grad.data);
      for (let j = 0; j < params.length; j++) params[j].value.data.set(this.undo[j]);
      if (canRollBack) optimizer.rollback(params);
      const cause =
        gradBad >= 0
          ? `its gradient holds ${p.grad.data[gradBad]} at index ${gradBad}`
          : `its gradient was finite, the update overflowed`;
      throw new RangeError(
        `${op}: the ${optimizer.name ?? 'optimizer'} update made ${p.name} non-finite (${value} at index ${bad}; ${cause}). ` +
          `The step was undone: parameters${canRollBack ? ' and optimizer state' : ''} are as before it, the last finite values. ` +
          'Lower the learning rate or scale the data.',
      );
    }
  }

  /**
   * Every value of a dataset checked before training changes anything: x finite, and the targets valid for
   * the compiled loss (one-hot rows that are distributions, finite regression targets, …) — found by
   * scoring them with the loss against a constant prediction, in chunks, so only the loss's own rules apply.
   */
  private checkData(x: Tensor, y: Labels, op: string, what: string, outputs: number): void {
    const { loss } = this.compiledFor(op);
    const bad = firstNonFinite(x.data);
    if (bad >= 0) {
      const row = Math.floor(bad / x.cols);
      throw new RangeError(`${op}: ${what} x holds ${x.data[bad]} at row ${row}, column ${bad - row * x.cols} (of ${x.shapeString()}); every input must be finite`);
    }
    const chunk = Math.min(x.rows, 1024);
    const constant = new Tensor([chunk, outputs]);
    constant.data.fill(outputs > 1 ? 1 / outputs : 0.5);
    for (let start = 0; start < x.rows; start += chunk) {
      const size = Math.min(chunk, x.rows - start);
      const predictions = size === chunk ? constant : rowRange(constant, 0, size);
      try {
        loss.forward(predictions, labelRange(y, start, size));
      } catch (err) {
        const message = (err as Error).message.replace(/row (\d+)/, (_, r) => `row ${start + Number(r)}`).replace(/at index (\d+)/, (_, r) => `at index ${start + Number(r)}`);
        throw new RangeError(`${op}: ${what} targets: ${message}`, { cause: err });
      }
    }
  }

  /** The view of this model the shared fit loop works through (see `TrainingTarget`). */
  private trainingTarget(op: string): TrainingTarget {
    const model = this;
    return {
      // read when the loop starts, so fitAsync reports "not compiled" as a rejection like every other error
      get metric() {
        return model.compiledFor(op).metric;
      },
      step: (x, y) => this.step(x, y, 'Sequential.trainStep'),
      outputWidth: (x) => this.outputWidth(x, op),
      checkData: (x, y, what, outputs) => this.checkData(x, y, op, what, outputs),
      evaluate: (x, y) => this.evaluate(x, y),
    };
  }

  /**
   * Trains on `(x, y)` for `epochs` passes in shuffled mini-batches; see {@link FitOptions}.
   * Every option and the data are checked before training starts.
   * @returns one {@link EpochLog} per epoch
   * @throws naming the epoch and step if the loss becomes non-finite or a step fails
   */
  fit(x: Tensor, y: Labels, options: FitOptions = {}): History {
    return fitModel(this.trainingTarget('Sequential.fit'), x, y, options);
  }

  /**
   * `fit` that does not block: the same training loop (same validation, same results for the same seeds),
   * but it hands the event loop a turn between batches every `yieldEveryMs` (default 10 ms), so a page
   * stays responsive during a long fit. Stop it with `signal` (an `AbortSignal`); follow it with
   * `onBatchEnd` / `onEpochEnd`. Do not use the model for anything else until the promise settles.
   * @returns a promise of one {@link EpochLog} per epoch; rejects with the same errors `fit` throws,
   * or with `signal.reason` when aborted
   */
  fitAsync(x: Tensor, y: Labels, options: FitAsyncOptions = {}): Promise<History> {
    return fitModelAsync(this.trainingTarget('Sequential.fitAsync'), x, y, options);
  }

  /**
   * Loss and metric on `(x, y)` in inference mode. Runs in chunks of `batchSize` rows (default
   * {@link INFERENCE_BATCH_SIZE}) so a large set needs no huge activation buffer per layer — a CNN's im2col
   * matrix for 10 000 images would take gigabytes — and combines the chunks' means weighted by their
   * sizes. Changes no parameter or gradient.
   */
  evaluate(x: Tensor, y: Labels, options: InferenceOptions = {}): Evaluation {
    const op = 'Sequential.evaluate';
    const { loss, metric } = this.compiledFor(op);
    const batchSize = inferenceBatchSize(op, options);
    checkInstance(op, 'x', x, Tensor, 'a Tensor (e.g. Tensor.fromArray([[…]]))');
    checkLabels(op, 'y', y);
    let lossSum = 0;
    let metricSum = 0;
    this.forwardInChunks(x, batchSize, (yPred, start) => {
      if (start === 0) {
        // the first chunk's output tells the width the targets must fit
        checkDataset(op, 'x', x, y, yPred.cols);
        metric.prepare?.(y);
      }
      const size = yPred.rows;
      const yChunk = size === x.rows ? y : labelRange(y, start, size);
      // each chunk's mean weighted by its share of the rows (exactly the mean when there is one chunk)
      const share = size / x.rows;
      lossSum += share === 1 ? loss.forward(yPred, yChunk) : loss.forward(yPred, yChunk) * share;
      metricSum += share === 1 ? metric.compute(yPred, yChunk) : metric.compute(yPred, yChunk) * share;
    });
    return { loss: lossSum, regularizationLoss: this.regularizationLoss(), accuracy: metricSum };
  }

  /**
   * Runs x through the model in inference mode, `batchSize` rows at a time, handing each chunk's output
   * (a layer buffer) and the index of its first row to `visit`.
   */
  private forwardInChunks(x: Tensor, batchSize: number, visit: (out: Tensor, start: number) => void): void {
    const n = x.rows;
    if (n <= batchSize) {
      visit(this.forward(x, INFERENCE), 0);
      return;
    }
    for (let start = 0; start < n; start += batchSize) {
      visit(this.forward(rowRange(x, start, Math.min(batchSize, n - start)), INFERENCE), start);
    }
  }

  /**
   * The model as versioned JSON (browser-safe): architecture and options through the layer registry,
   * parameters as lossless float32 base64, and with `includeOptimizer` the loss and optimizer state so
   * training can resume exactly. `JSON.stringify(model)` works too (without the optimizer).
   */
  toJSON(options?: SaveOptions | string): ModelJSON {
    // JSON.stringify calls toJSON(key) with a string key: treat that as no options.
    return modelToJSON(this, typeof options === 'object' && options !== null ? options : {});
  }

  /**
   * Rebuilds a model from {@link Sequential.toJSON} output (parsed JSON), checking the format version, layer
   * types, configs, shapes, byte lengths and finiteness, with errors naming the field, and then the checksum
   * (files saved by older versions have none and are still read). If the JSON holds
   * optimizer state, the model comes back compiled with that loss and optimizer, ready to resume.
   */
  static fromJSON(json: unknown): Sequential {
    const parsed = layersFromJSON(json);
    const model = new Sequential(parsed.layers, { inputShape: parsed.inputShape });
    restoreTraining(model, parsed);
    return model;
  }

  /**
   * A text table of the layers, their output shapes and parameter counts, and the total, for samples of
   * `inputShape`: a feature count (`summary(784)`) or the dimensions after the batch (`summary([28, 28, 1])`
   * for NHWC images). Runs one zero sample through the model in inference mode to find the shapes.
   */
  summary(inputShape: InputShape): string {
    return formatSummary(summarize(this.layers, inputShape), inputShape);
  }

  /**
   * The model's output for x (probabilities, for a Softmax model) in inference mode, as a new tensor the
   * caller owns. Runs in chunks of `batchSize` rows, like {@link Sequential.evaluate}.
   */
  predict(x: Tensor, options: InferenceOptions = {}): Tensor {
    const batchSize = inferenceBatchSize('Sequential.predict', options);
    checkInstance('Sequential.predict', 'x', x, Tensor, 'a Tensor (e.g. Tensor.fromArray([[…]]))');
    if (x.rows <= batchSize) return this.forward(x, INFERENCE).clone();
    let result: Tensor | null = null;
    this.forwardInChunks(x, batchSize, (out, start) => {
      result ??= new Tensor([x.rows, ...out.shape.slice(1)]);
      result.data.set(out.data, start * out.cols);
    });
    return result as unknown as Tensor;
  }

  /**
   * The class of each row of `predict(x)` (computed in chunks, like `predict`): the index of the highest
   * output — or, for a model with a single output (a Sigmoid unit for a yes/no question), 1 when it is
   * above 0.5 and 0 otherwise, as Keras's `predict_classes` did (argmax of one column would always be 0).
   */
  predictClasses(x: Tensor, options: InferenceOptions = {}): Int32Array {
    const batchSize = inferenceBatchSize('Sequential.predictClasses', options);
    checkInstance('Sequential.predictClasses', 'x', x, Tensor, 'a Tensor (e.g. Tensor.fromArray([[…]]))');
    const classes = new Int32Array(x.rows);
    this.forwardInChunks(x, batchSize, (out, start) => {
      if (out.cols === 1) {
        for (let i = 0; i < out.rows; i++) classes[start + i] = out.data[i] > 0.5 ? 1 : 0;
        return;
      }
      for (let i = 0; i < out.rows; i++) classes[start + i] = argmaxRow(out, i);
    });
    return classes;
  }

  /**
   * Number of output columns, found by running the first row of x through the model (inference mode).
   * Also checks that x fits the first layer. Used to validate targets before training.
   */
  private outputWidth(x: Tensor, op: string): number {
    if (!(x instanceof Tensor)) throw new TypeError(`${op}: x must be a Tensor`);
    if (x.rows === 0) throw new RangeError(`${op}: x has no rows`);
    // a broken model is named as such, not blamed on x (a NaN weight would fail the probe below)
    for (const p of this.parameters()) {
      const bad = firstNonFinite(p.value.data);
      if (bad >= 0) {
        throw new RangeError(
          `${op}: the model's ${p.name} holds ${p.value.data[bad]} at index ${bad} before training; ` +
            'a model with non-finite parameters cannot train (rebuild it, or load a saved one)',
        );
      }
    }
    // zeros of one example's shape: the probe checks that x fits; x's values are checked with the rest of the data
    const probe = new Tensor([1, ...x.shape.slice(1)]);
    try {
      return this.forward(probe, INFERENCE).cols;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new RangeError(`${op}: x ${x.shapeString()} does not fit the model: ${message}`, { cause: err });
    }
  }
}
