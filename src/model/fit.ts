import { Random, randomFor } from '../core/random.js';
import { shuffleInPlace } from '../data/shuffle.js';
import type { Labels } from '../core/labels.js';
import { Tensor } from '../tensor/tensor.js';
import { BatchBuffers } from './batches.js';
import type { Metric } from '../metrics/metric.js';
import { checkBoolean, checkFunction, checkInstance, checkInteger, checkOptions, checkSeed, invalid } from '../core/validate.js';
import { checkDataset } from './validate.js';

/** What one training step reports to the loop. */
export interface StepResult {
  /** The data loss, before the update. */
  readonly loss: number;
  /** The regularisation penalty, before the update (0 without L1/L2). */
  readonly regularizationLoss: number;
  /** The predictions the loss was computed on: a buffer of the model's, valid until its next forward. */
  readonly predictions: Tensor;
}

/**
 * What the training loop needs from a model, and nothing more. `Sequential.fit` / `fitAsync` build it from
 * their private state, so the model exposes no helpers just for this file.
 */
export interface TrainingTarget {
  /** The compiled metric. */
  readonly metric: Metric;
  /** One update on a batch: forward, loss, backward, optimizer step. */
  step(x: Tensor, y: Labels): StepResult;
  /** How many outputs per row the model gives for inputs shaped like x; throws (naming the op) if x does not fit. */
  outputWidth(x: Tensor): number;
  /**
   * Throws unless every value of the dataset is usable: x finite, targets valid for the compiled loss.
   * `what` names the data in messages (`'training data'`, `'validationData'`).
   */
  checkData(x: Tensor, y: Labels, what: string, outputs: number): void;
  /** Loss and metric on held-out data, in inference mode. */
  evaluate(x: Tensor, y: Labels): { readonly loss: number; readonly accuracy: number };
}

/** Held-out data scored after every epoch. */
export type ValidationData = readonly [x: Tensor, y: Labels] | { readonly x: Tensor; readonly y: Labels };

/** One epoch's summary, as `fit` returns and passes to `onEpochEnd`. */
export interface EpochLog {
  /** 1-based epoch number. */
  readonly epoch: number;
  /**
   * Mean training loss over the epoch's batches, weighted by batch size. Each batch's loss is taken
   * before that batch's update (as in Keras), so with one full batch it is the book's printed loss.
   */
  readonly loss: number;
  /**
   * Mean regularisation penalty (L1/L2) over the epoch's steps, each taken before that step's update;
   * 0 without regularisation. The objective minimised is `loss + regularizationLoss`.
   */
  readonly regularizationLoss: number;
  /** The compiled metric (e.g. categorical accuracy) over the epoch's batches, measured the same way. */
  readonly accuracy: number;
  /** Loss on `validationData` after the epoch (only when validation data is given). */
  readonly valLoss?: number;
  /** Metric on `validationData` after the epoch (only when validation data is given). */
  readonly valAccuracy?: number;
  /** Set when the epoch's loss is diverging (see `FitOptions.stopOnDivergence`): what happened and what to do. */
  readonly warning?: string;
}

/** Options for {@link Sequential.fit}. */
export interface FitOptions {
  /** Passes over the data, integer ≥ 1. Default 1. */
  epochs?: number;
  /** Rows per update, integer ≥ 1; a last batch smaller than this is used as is. Default 32 (capped at N). */
  batchSize?: number;
  /** Reshuffle the row order before every epoch. Default true. */
  shuffle?: boolean;
  /**
   * Seed of the shuffling. Epoch e's row order depends only on (seed, e), so a run resumed with
   * `initialEpoch` shuffles exactly like the uninterrupted one. Default: drawn from the global generator
   * (see `setGlobalSeed`).
   */
  seed?: number;
  /**
   * Epochs already done, for resuming (as in Keras): trains epochs `initialEpoch + 1 … epochs`. With the
   * same `seed`, and a model restored with its optimizer state, the resumed epochs equal the uninterrupted
   * run's bit for bit. Default 0.
   */
  initialEpoch?: number;
  /**
   * When an epoch's mean loss grows past {@link DIVERGENCE_FACTOR} (4) times the loss of the first batch
   * — finite, but exploding — the epoch's log gets a `warning`. With `stopOnDivergence` (the default)
   * training stops after {@link DIVERGENCE_PATIENCE} (10) such epochs in a row, or at once when the loss
   * reaches {@link DIVERGENCE_STOP_FACTOR} (1000) times the first batch's; `fit` then returns normally
   * (check `history.at(-1).warning`). `false` keeps training and only warns. (A loss or parameter that
   * becomes NaN/Infinity is always an error, and the step that caused it is undone.)
   */
  stopOnDivergence?: boolean;
  /** Scored after every epoch into `valLoss` / `valAccuracy`. */
  validationData?: ValidationData;
  /** Called after every epoch; return `false` to stop training early. */
  onEpochEnd?: (log: EpochLog) => void | boolean;
  /** Called after every mini-batch (e.g. for per-batch progress over a long epoch). */
  onBatchEnd?: (log: BatchLog) => void;
  /**
   * Stops training when aborted: checked before every batch, so the batch in progress finishes, the
   * weights keep every update made so far, and `fit` throws (`fitAsync` rejects with) `signal.reason`.
   * Any object shaped like the standard `AbortSignal` (e.g. `new AbortController().signal`).
   */
  signal?: AbortSignalLike;
}

/**
 * The part of the standard `AbortSignal` that training reads. Declared here, not taken from the DOM or
 * Node typings, so handgrad's types compile in a project with `lib: ["ES2022"]` and neither.
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
}

/** One mini-batch's summary, passed to `onBatchEnd`. */
export interface BatchLog {
  /** 1-based epoch number. */
  readonly epoch: number;
  /** 1-based batch number within the epoch. */
  readonly batch: number;
  /** Batches per epoch. */
  readonly batches: number;
  /** Rows in this batch (the last one may be smaller than `batchSize`). */
  readonly size: number;
  /** The batch's data loss, taken before its update. */
  readonly loss: number;
  /** The compiled metric on the batch, from the same predictions. */
  readonly accuracy: number;
}

/** Training history: one entry per completed epoch. */
export type History = EpochLog[];

/**
 * The training loop behind {@link Sequential.fit} and {@link Sequential.fitAsync}, written once: validates
 * everything first, then for each epoch shuffles a row permutation, gathers mini-batches into reused
 * buffers and takes one optimizer step on each. It pauses (yields) after every batch; the caller decides whether
 * to resume at once (`fit`) or after giving the event loop a turn (`fitAsync`). Returns the history.
 */
export function* fitSteps(op: string, model: TrainingTarget, x: Tensor, y: Labels, options: FitOptions): Generator<void, History, void> {
  const { metric } = model;
  checkOptions(op, 'options', options, FIT_OPTIONS);
  const epochs = checkInteger(op, 'epochs', options.epochs ?? 1, { min: 1 });
  const initialEpoch = checkInteger(op, 'initialEpoch', options.initialEpoch ?? 0, { min: 0 });
  if (initialEpoch >= epochs) {
    throw new RangeError(`${op}: initialEpoch (${initialEpoch}) must be below epochs (${epochs}): nothing would be trained`);
  }
  const batchSizeOption = checkInteger(op, 'batchSize', options.batchSize ?? 32, { min: 1 });
  const shuffle = checkBoolean(op, 'shuffle', options.shuffle ?? true);
  const stopOnDivergence = checkBoolean(op, 'stopOnDivergence', options.stopOnDivergence ?? true);
  for (const name of ['onEpochEnd', 'onBatchEnd'] as const) {
    if (options[name] !== undefined) checkFunction(op, name, options[name]);
  }
  const signal = options.signal;
  if (signal !== undefined && (signal === null || typeof signal !== 'object' || typeof signal.aborted !== 'boolean')) {
    invalid(op, 'signal', 'an AbortSignal (an object with a boolean aborted)', signal, true);
  }
  checkInstance(op, 'x', x, Tensor, 'a Tensor');
  if (!(y instanceof Tensor || y instanceof Int32Array || Array.isArray(y))) {
    invalid(op, 'y', 'class indices (an Int32Array or an array) or a targets Tensor', y, true);
  }
  const outputs = model.outputWidth(x);
  checkDataset(op, 'x', x, y, outputs);
  let validation: { x: Tensor; y: Labels } | null = null;
  if (options.validationData !== undefined) {
    validation = readValidationData(op, options.validationData);
    checkDataset(op, 'validationData', validation.x, validation.y, outputs);
    if (validation.x.cols !== x.cols) {
      throw new RangeError(`${op}: validationData x ${validation.x.shapeString()} does not match x ${x.shapeString()}: every row needs ${x.cols} values`);
    }
  }
  // every value, before any weight changes (a NaN in row 50 000 must not surface after an epoch of updates)
  model.checkData(x, y, 'training data', outputs);
  if (validation !== null) model.checkData(validation.x, validation.y, 'validationData', outputs);
  // metrics that derive a setting from the data (regression accuracy's precision) fix it from the training set
  metric.prepare?.(y);

  const n = x.rows;
  const batchSize = Math.min(batchSizeOption, n);
  const steps = Math.ceil(n / batchSize);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (options.seed !== undefined) checkSeed(op, 'seed', options.seed);
  const shuffleSeed = shuffle ? (options.seed ?? randomFor(undefined).nextUint32()) : 0;
  const buffers = new BatchBuffers(x, y);
  const history: History = [];
  let startLoss = Number.NaN; // the first batch's loss: the model as it was when fit was called
  let divergingEpochs = 0; // consecutive

  for (let epoch = initialEpoch + 1; epoch <= epochs; epoch++) {
    if (shuffle) {
      // A fresh permutation per epoch from its own stream, so epoch e's order depends only on (seed, e).
      for (let i = 0; i < n; i++) order[i] = i;
      shuffleInPlace(order, epochRandom(shuffleSeed, epoch));
    }
    let lossSum = 0;
    let metricSum = 0;
    let penaltySum = 0;
    for (let step = 0; step < steps; step++) {
      if (options.signal?.aborted) throw abortReason(options.signal, op);
      const start = step * batchSize;
      const size = Math.min(batchSize, n - start);
      const batch = buffers.gather(order, start, size);
      let result: StepResult;
      try {
        result = model.step(batch.x, batch.y);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        throw new RangeError(
          `${op}: training stopped at epoch ${epoch} of ${epochs}, step ${step + 1} of ${steps} ` +
            `(batch of ${size} rows): ${message}`,
          { cause: err },
        );
      }
      const batchLoss = result.loss;
      if (Number.isNaN(startLoss)) startLoss = batchLoss;
      lossSum += batchLoss * size;
      penaltySum += result.regularizationLoss;
      // The predictions the loss was computed on (before the update), still in the last layer's buffer.
      const batchMetric = metric.compute(result.predictions, batch.y);
      metricSum += batchMetric * size;
      options.onBatchEnd?.({ epoch, batch: step + 1, batches: steps, size, loss: batchLoss, accuracy: batchMetric });
      yield;
    }
    let log: EpochLog = { epoch, loss: lossSum / n, regularizationLoss: penaltySum / steps, accuracy: metricSum / n };
    if (validation !== null) {
      const v = model.evaluate(validation.x, validation.y);
      log = { ...log, valLoss: v.loss, valAccuracy: v.accuracy };
    }
    const ratio = log.loss / startLoss;
    divergingEpochs = startLoss > 0 && ratio > DIVERGENCE_FACTOR ? divergingEpochs + 1 : 0;
    const stop = stopOnDivergence && divergingEpochs > 0 && (divergingEpochs >= DIVERGENCE_PATIENCE || ratio >= DIVERGENCE_STOP_FACTOR);
    if (divergingEpochs > 0) {
      log = {
        ...log,
        warning:
          `the loss is diverging: ${formatLoss(log.loss)} in epoch ${epoch} is ${formatLoss(ratio)}× the ${formatLoss(startLoss)} of the first batch` +
          `${divergingEpochs > 1 ? ` (${divergingEpochs} epochs in a row)` : ''}${stop ? '; training stopped (stopOnDivergence)' : ''}. Lower the learning rate.`,
      };
    }
    history.push(log);
    if (options.onEpochEnd?.(log) === false) break;
    if (stop) break;
  }
  return history;
}

/**
 * An epoch whose mean loss exceeds this many times the loss of the first batch is diverging: training made
 * the model far worse than it was when `fit` was called. Its log gets a `warning`.
 */
export const DIVERGENCE_FACTOR = 4;
/**
 * With `stopOnDivergence`, training stops after this many diverging epochs in a row — not after the first:
 * a high but workable learning rate can spike the loss for a few epochs and recover (AdaGrad at the book's
 * learning rate 1 on the spiral data goes 1.10 → 10.4 by epoch 4 and ends at 0.72).
 */
export const DIVERGENCE_PATIENCE = 10;
/** … or at once when the loss reaches this many times the first batch's: no run recovers from that. */
export const DIVERGENCE_STOP_FACTOR = 1000;

function formatLoss(v: number): string {
  return Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : String(Number(v.toPrecision(3)));
}

/** Every option `fit` and `fitAsync` read; anything else is a typo and is refused. */
const FIT_OPTIONS = [
  'epochs', 'batchSize', 'shuffle', 'seed', 'initialEpoch', 'validationData', 'onEpochEnd', 'onBatchEnd', 'signal',
  'stopOnDivergence', 'yieldEveryMs',
];

/** `[x, y]` or `{ x, y }`, checked. */
function readValidationData(op: string, v: unknown): { x: Tensor; y: Labels } {
  const expected = '[x, y] or { x, y } with x a Tensor';
  let pair: { x: unknown; y: unknown };
  if (Array.isArray(v)) {
    if (v.length !== 2) invalid(op, 'validationData', expected, v, true);
    pair = { x: v[0], y: v[1] };
  } else if (v !== null && typeof v === 'object' && 'x' in v && 'y' in v) {
    pair = v as { x: unknown; y: unknown };
  } else {
    invalid(op, 'validationData', expected, v, true);
  }
  checkInstance(op, 'validationData x', pair.x, Tensor, 'a Tensor');
  if (!(pair.y instanceof Tensor || pair.y instanceof Int32Array || Array.isArray(pair.y))) {
    invalid(op, 'validationData y', 'class indices (an Int32Array or an array) or a targets Tensor', pair.y, true);
  }
  return pair as { x: Tensor; y: Labels };
}

/** Runs the shared loop to the end without pausing: the synchronous `Sequential.fit`. */
export function fitModel(model: TrainingTarget, x: Tensor, y: Labels, options: FitOptions = {}): History {
  const steps = fitSteps('Sequential.fit', model, x, y, options);
  for (;;) {
    const next = steps.next();
    if (next.done === true) return next.value;
  }
}

/** What an aborted fit throws: the signal's reason, or an AbortError-named Error if it has none. */
function abortReason(signal: AbortSignalLike, op: string): unknown {
  if (signal.reason !== undefined) return signal.reason;
  const error = new Error(`${op}: training was aborted`);
  error.name = 'AbortError';
  return error;
}

/** The shuffling stream of one epoch: a generator seeded from (seed, epoch); Random's seeding mixes the bits. */
function epochRandom(seed: number, epoch: number): Random {
  // The low 32 bits mixed with the epoch; the high bits (0 for seeds below 2³²) kept, so every seed differs.
  const high = Math.floor(seed / 4294967296);
  return new Random(high * 4294967296 + ((seed ^ Math.imul(epoch, 0x9e3779b1)) >>> 0));
}
