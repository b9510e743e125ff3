/**
 * A 2-D, row-major matrix of 32-bit floats: the only data type handgrad computes with.
 *
 * Conventions (as in *Neural Networks from Scratch*): a batch of inputs is `[batch, features]`,
 * Dense weights are `[nIn, nOut]`, biases `[1, nOut]`. Element (i, j) lives at `data[i * cols + j]`.
 */
export class Tensor {
  /** `[rows, cols]`. */
  readonly shape: readonly [number, number];
  /** The elements, row-major. Length is always `rows * cols`. */
  readonly data: Float32Array;

  /**
   * @param rows - number of rows (≥ 0, integer)
   * @param cols - number of columns (≥ 0, integer)
   * @param data - optional backing array of length `rows * cols`; it is used as is, not copied.
   *   When omitted, the tensor is zero-filled.
   */
  constructor(rows: number, cols: number, data?: Float32Array) {
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
      throw new RangeError(`Tensor: shape must be two non-negative integers, got [${rows}, ${cols}]`);
    }
    if (data !== undefined && data.length !== rows * cols) {
      throw new RangeError(
        `Tensor: data has ${data.length} elements, shape [${rows}, ${cols}] needs ${rows * cols}`,
      );
    }
    this.shape = [rows, cols];
    this.data = data ?? new Float32Array(rows * cols);
  }

  /** Number of rows (the batch size for activations). */
  get rows(): number {
    return this.shape[0];
  }

  /** Number of columns (features). */
  get cols(): number {
    return this.shape[1];
  }

  /** Total number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** A zero-filled `[rows, cols]` tensor. */
  static zeros(rows: number, cols: number): Tensor {
    return new Tensor(rows, cols);
  }

  /**
   * Builds a tensor from nested arrays, e.g. `Tensor.fromArray([[1, 2], [3, 4]])`.
   * @throws if rows have different lengths
   */
  static fromArray(values: readonly (readonly number[])[]): Tensor {
    const rows = values.length;
    const cols = rows === 0 ? 0 : values[0].length;
    const t = new Tensor(rows, cols);
    for (let i = 0; i < rows; i++) {
      const row = values[i];
      if (row.length !== cols) {
        throw new RangeError(`Tensor.fromArray: row ${i} has ${row.length} values, row 0 has ${cols}`);
      }
      t.data.set(row, i * cols);
    }
    return t;
  }

  /** Element (i, j). Convenient for tests and small scripts; hot loops index `data` directly. */
  get(i: number, j: number): number {
    return this.data[i * this.shape[1] + j];
  }

  /** Nested-array copy of the elements. */
  toArray(): number[][] {
    const [rows, cols] = this.shape;
    const out: number[][] = [];
    for (let i = 0; i < rows; i++) out.push(Array.from(this.data.subarray(i * cols, (i + 1) * cols)));
    return out;
  }

  /** A deep copy (new backing array). */
  clone(): Tensor {
    return new Tensor(this.shape[0], this.shape[1], this.data.slice());
  }

  /** `[r, c]` as text, for error messages. */
  shapeString(): string {
    return `[${this.shape[0]}, ${this.shape[1]}]`;
  }

  /** True when both tensors have the same shape. */
  sameShape(other: Tensor): boolean {
    return this.shape[0] === other.shape[0] && this.shape[1] === other.shape[1];
  }
}

/**
 * How many shapes one buffer family remembers: enough for a training batch, a smaller last batch,
 * validation data, a full-set `evaluate` and a one-row probe, while bounding the memory a layer holds.
 */
const MAX_SHAPES_PER_FAMILY = 6;

/** Buffers that took turns in the same slot (e.g. a layer's output at different batch sizes), by shape. */
const families = new WeakMap<Tensor, Map<number, Tensor>>();

/** A collision-free numeric key for a shape (cols < 2²¹), so lookups allocate no string. */
function shapeKey(rows: number, cols: number): number {
  return rows * 2097152 + cols;
}

/**
 * A `[rows, cols]` buffer for a slot that last held `existing`: `existing` itself when the shape matches,
 * else a buffer of that shape used in the same slot before, else a new zero tensor (remembered for next
 * time, up to {@link MAX_SHAPES_PER_FAMILY} shapes per slot).
 *
 * Layers pass their previous output or gradient buffer, so training allocates nothing in steady state —
 * also when batch sizes alternate (`fit` with a smaller last batch, validation after every epoch).
 * The contents of a reused buffer are stale: callers overwrite every element.
 */
export function reuseOrAllocate(existing: Tensor | null | undefined, rows: number, cols: number): Tensor {
  if (!existing) return new Tensor(rows, cols);
  if (existing.shape[0] === rows && existing.shape[1] === cols) return existing;
  const key = shapeKey(rows, cols);
  let family = families.get(existing);
  const known = family?.get(key);
  if (known !== undefined) return known;
  if (family === undefined) {
    family = new Map([[shapeKey(existing.shape[0], existing.shape[1]), existing]]);
    families.set(existing, family);
  }
  if (family.size >= MAX_SHAPES_PER_FAMILY) {
    // Forget the oldest shape (Map keeps insertion order), but never the buffer passed in.
    for (const [oldKey, old] of family) {
      if (old === existing) continue;
      family.delete(oldKey);
      families.delete(old);
      break;
    }
  }
  const created = new Tensor(rows, cols);
  family.set(key, created);
  families.set(created, family);
  return created;
}
