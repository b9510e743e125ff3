import { checkBoolean, checkNumber, checkOptions, checkSeed } from '../core/validate.js';
import type { Labels } from '../core/labels.js';
import { randomFor } from '../core/random.js';
import { checkPairs, permutation, takeLabels, takeRows } from './shuffle.js';
import type { Tensor } from '../tensor/tensor.js';

/** Options for {@link trainTestSplit}. */
export interface SplitOptions {
  /** Fraction of rows held out for testing, in (0, 1). Default 0.2. The test set gets round(n · fraction) rows. */
  testFraction?: number;
  /** Shuffle before splitting. Default true (toy data is grouped by class). */
  shuffle?: boolean;
  /** Seed of the shuffle. Default: a stream forked from the global generator. */
  seed?: number;
}

/** Result of {@link trainTestSplit}: new arrays, the inputs are not changed. */
export interface Split {
  readonly xTrain: Tensor;
  readonly yTrain: Int32Array | Tensor;
  readonly xTest: Tensor;
  readonly yTest: Int32Array | Tensor;
}

/**
 * Splits rows into a training and a held-out test set (after a seeded shuffle by default).
 * @throws if the fraction is outside (0, 1) or would leave either side empty
 */
export function trainTestSplit(x: Tensor, y: Labels, options: SplitOptions = {}): Split {
  const op = 'trainTestSplit';
  checkPairs(op, x, y);
  checkOptions(op, 'options', options, ['testFraction', 'shuffle', 'seed']);
  const fraction = checkNumber(op, 'testFraction', options.testFraction ?? 0.2, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
  const shuffle = checkBoolean(op, 'shuffle', options.shuffle ?? true);
  if (options.seed !== undefined) checkSeed(op, 'seed', options.seed);
  const n = x.rows;
  const nTest = Math.round(n * fraction);
  if (nTest === 0 || nTest === n) {
    throw new RangeError(`${op}: testFraction ${fraction} of ${n} rows leaves ${nTest === 0 ? 'the test' : 'the training'} set empty`);
  }
  let order: Int32Array;
  if (shuffle) {
    order = permutation(n, randomFor(options.seed));
  } else {
    order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
  }
  const trainIdx = order.subarray(0, n - nTest);
  const testIdx = order.subarray(n - nTest);
  return {
    xTrain: takeRows(x, trainIdx),
    yTrain: takeLabels(y, trainIdx),
    xTest: takeRows(x, testIdx),
    yTest: takeLabels(y, testIdx),
  };
}
