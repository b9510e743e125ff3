import { labelCount, type Labels } from '../core/labels.js';
import { Tensor } from '../tensor/tensor.js';
import { randomFor, type Random } from '../core/random.js';

/** Options for {@link shuffle}. */
export interface ShuffleOptions {
  /** Seed of the permutation. Default: a stream forked from the global generator. */
  seed?: number;
}

/** Rows and targets, in the types a model takes. Class indices come back as an `Int32Array`. */
export interface Dataset {
  readonly x: Tensor;
  readonly y: Int32Array | Tensor;
}

/** Shuffles `a` in place into a uniformly random order (Fisher–Yates), drawing from `rng`. Allocates nothing. */
export function shuffleInPlace(a: Int32Array, rng: Random): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

/** A uniformly random permutation of 0 … n−1, drawn from `rng`. */
export function permutation(n: number, rng: Random): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  shuffleInPlace(order, rng);
  return order;
}

/** New tensor holding rows `indices[0], indices[1], …` of `t`. */
export function takeRows(t: Tensor, indices: ArrayLike<number>): Tensor {
  const cols = t.cols;
  const out = new Tensor([indices.length, ...t.shape.slice(1)]);
  for (let i = 0; i < indices.length; i++) {
    const from = indices[i] * cols;
    out.data.set(t.data.subarray(from, from + cols), i * cols);
  }
  return out;
}

/** New targets holding entries `indices[0], indices[1], …` of `y` (one-hot rows stay a Tensor). */
export function takeLabels(y: Labels, indices: ArrayLike<number>): Int32Array | Tensor {
  if (y instanceof Tensor) return takeRows(y, indices);
  const out = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = y[indices[i]];
  return out;
}

/** Throws unless x is a Tensor with one target per row. */
export function checkPairs(op: string, x: Tensor, y: Labels): void {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: x must be a Tensor`);
  const n = labelCount(y);
  if (n !== x.rows) throw new RangeError(`${op}: x has ${x.rows} rows but y has ${n} targets`);
}

/**
 * The rows of x and their targets in one random order (the same permutation for both), as new arrays;
 * the inputs are not changed. Same seed ⇒ same order.
 */
export function shuffle(x: Tensor, y: Labels, options: ShuffleOptions = {}): Dataset {
  checkPairs('shuffle', x, y);
  const order = permutation(x.rows, randomFor(options.seed, 'shuffle'));
  return { x: takeRows(x, order), y: takeLabels(y, order) };
}
