import { float64TensorsActive } from './float64-scope.js';
import { providedStorage } from './storage.js';

/** A nested array of numbers following a tensor's shape, as {@link Tensor.toNestedArray} returns it. */
export type NestedNumberArray = number | NestedNumberArray[];

/** `[2, 3, 4]` as text, for error messages. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Number of elements a shape holds (1 for the scalar shape `[]`). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** True when two shapes have the same rank and dimensions. */
export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Throws unless `shape` is an array of non-negative integers; `op` names the caller in the message. */
function checkShape(op: string, shape: unknown): asserts shape is readonly number[] {
  if (!Array.isArray(shape)) {
    throw new TypeError(`${op}: shape must be an array of non-negative integers, got ${describe(shape)}`);
  }
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new RangeError(`${op}: shape must be an array of non-negative integers, got ${describeShape(shape)}`);
    }
  }
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  return Object.prototype.toString.call(v).slice(8, -1);
}

function describeShape(shape: readonly unknown[]): string {
  const shown = shape.slice(0, 8).map((d) => (typeof d === 'number' ? String(d) : describe(d)));
  return `[${shown.join(', ')}${shape.length > 8 ? ', …' : ''}]`;
}

/**
 * An N-dimensional, row-major (C-order) array of 32-bit floats: the only data type handgrad computes with.
 *
 * Conventions (as in *Neural Networks from Scratch*, and Keras for images): a batch of inputs is
 * `[batch, features]`, images are `[batch, height, width, channels]` (NHWC), Dense weights `[nIn, nOut]`,
 * biases `[1, nOut]`. The last index varies fastest: element (i, j) of a 2-D tensor lives at
 * `data[i * cols + j]`.
 *
 * Every tensor can also be read as a 2-D matrix of {@link rows} (the first dimension, the batch) by
 * {@link cols} (the elements per row); that is what the matrix operations and Dense see.
 */
export class Tensor {
  /** The dimensions, outermost first, e.g. `[batch, height, width, channels]`. Frozen. */
  readonly shape: readonly number[];
  /**
   * The elements, row-major. Length is always the product of `shape`. Big tensors (4096+ elements) live in
   * the WebAssembly kernels' shared memory where there is one (Node), so products use them in place; their
   * storage is reused once this array is garbage-collected — keep the tensor or `data` itself, not only a
   * `data.subarray(…)`, while you read it. Such an array views a SharedArrayBuffer: `postMessage` shares
   * it rather than copying (send `data.slice()` for a copy).
   */
  readonly data: Float32Array;

  /**
   * @param shape - the dimensions, each a non-negative integer, e.g. `[2, 3]` or `[64, 28, 28, 1]`
   * @param data - optional backing array with as many elements as the shape holds; it is used as is, not
   *   copied (so views such as {@link reshape} share it). When omitted, the tensor is zero-filled.
   */
  constructor(shape: readonly number[], data?: Float32Array) {
    checkShape('Tensor', shape);
    const size = shapeSize(shape);
    if (data !== undefined) {
      if (!(data instanceof Float32Array) && !(float64TensorsActive() && (data as unknown) instanceof Float64Array)) {
        throw new TypeError(`Tensor: data must be a Float32Array, got ${describe(data)}`);
      }
      if (data.length !== size) {
        throw new RangeError(`Tensor: data has ${data.length} elements, shape ${formatShape(shape)} needs ${size}`);
      }
    }
    this.shape = Object.freeze([...shape]);
    this.data = data ?? allocate(shape, size);
  }

  /** Number of dimensions (2 for a `[batch, features]` matrix). */
  get rank(): number {
    return this.shape.length;
  }

  /** The first dimension: the batch size for activations (1 for a scalar). */
  get rows(): number {
    return this.shape.length === 0 ? 1 : this.shape[0];
  }

  /** Elements per row: the product of every dimension after the first (`shape[1]` for a matrix). */
  get cols(): number {
    let n = 1;
    for (let i = 1; i < this.shape.length; i++) n *= this.shape[i];
    return n;
  }

  /** Total number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** A zero-filled tensor of the given shape. */
  static zeros(shape: readonly number[]): Tensor {
    return new Tensor(shape);
  }

  /**
   * Builds a 2-D tensor from nested arrays, e.g. `Tensor.fromArray([[1, 2], [3, 4]])`.
   * @throws if rows have different lengths
   */
  static fromArray(values: readonly (readonly number[])[]): Tensor {
    if (!Array.isArray(values)) throw new TypeError(`Tensor.fromArray: values must be an array of rows, got ${describe(values)}`);
    const rows = values.length;
    const cols = rows === 0 ? 0 : values[0].length;
    const t = new Tensor([rows, cols]);
    for (let i = 0; i < rows; i++) {
      const row = values[i];
      if (!Array.isArray(row) && !(row instanceof Float32Array || row instanceof Float64Array || row instanceof Int32Array)) {
        throw new TypeError(`Tensor.fromArray: row ${i} must be an array of numbers, got ${describe(row)}`);
      }
      if (row.length !== cols) {
        throw new RangeError(`Tensor.fromArray: row ${i} has ${row.length} values, row 0 has ${cols}`);
      }
      for (let j = 0; j < cols; j++) {
        // null, '2' or true would silently become 0, 2 or 1 in a Float32Array
        if (typeof row[j] !== 'number') throw new TypeError(`Tensor.fromArray: element [${i}][${j}] must be a number, got ${describe(row[j])}`);
      }
      t.data.set(row, i * cols);
    }
    return t;
  }

  /**
   * The same elements seen with another shape: a view that shares `data` (writes show through both).
   * One dimension may be `-1`, meaning "whatever makes the sizes match".
   * @throws if the sizes differ
   */
  reshape(shape: readonly number[]): Tensor {
    let resolved: readonly number[] = shape;
    const inferred = Array.isArray(shape) ? shape.indexOf(-1) : -1;
    if (inferred >= 0) {
      const rest = shape.filter((_, i) => i !== inferred);
      checkShape(`Tensor.reshape(${describeShape(shape)})`, rest);
      const known = shapeSize(rest);
      if (known === 0 || this.size % known !== 0) {
        throw new RangeError(`Tensor.reshape: cannot reshape ${this.shapeString()} (${this.size} elements) to ${describeShape(shape)}`);
      }
      resolved = shape.map((d) => (d === -1 ? this.size / known : d));
    }
    checkShape('Tensor.reshape', resolved);
    if (shapeSize(resolved) !== this.size) {
      throw new RangeError(
        `Tensor.reshape: cannot reshape ${this.shapeString()} (${this.size} elements) to ${formatShape(resolved)} (${shapeSize(resolved)} elements)`,
      );
    }
    return new Tensor(resolved, this.data);
  }

  /**
   * The element at the given indices, one per dimension, e.g. `t.get(i, j)` on a matrix. Bounds-checked;
   * convenient for tests and small scripts (hot loops index `data` directly).
   */
  get(...indices: number[]): number {
    if (indices.length !== this.shape.length) {
      throw new RangeError(`Tensor.get: ${this.shapeString()} tensor needs ${this.shape.length} indices, got ${indices.length}`);
    }
    let offset = 0;
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k];
      if (!Number.isInteger(i) || i < 0 || i >= this.shape[k]) {
        throw new RangeError(`Tensor.get: index ${describe(i)} is out of range for dimension ${k} of ${this.shapeString()}`);
      }
      offset = offset * this.shape[k] + i;
    }
    return this.data[offset];
  }

  /** The elements as a `rows × cols` nested array (the 2-D reading described on the class). */
  toArray(): number[][] {
    const rows = this.rows;
    const cols = this.cols;
    const out: number[][] = [];
    for (let i = 0; i < rows; i++) out.push(Array.from(this.data.subarray(i * cols, (i + 1) * cols)));
    return out;
  }

  /** The elements as nested arrays following the full shape (a number for a scalar). */
  toNestedArray(): NestedNumberArray {
    const build = (dim: number, offset: number, stride: number): NestedNumberArray => {
      if (dim === this.shape.length) return this.data[offset];
      const inner = stride / this.shape[dim];
      const out: NestedNumberArray[] = [];
      for (let i = 0; i < this.shape[dim]; i++) out.push(build(dim + 1, offset + i * inner, inner));
      return out;
    };
    return build(0, 0, this.size);
  }

  /** A deep copy (new backing array). */
  clone(): Tensor {
    const copy = new Tensor(this.shape);
    copy.data.set(this.data);
    return copy;
  }

  /** `[2, 3, 4]` as text, for error messages. */
  shapeString(): string {
    return formatShape(this.shape);
  }

  /** True when both tensors have the same shape (same rank and dimensions). */
  sameShape(other: Tensor): boolean {
    return shapesEqual(this.shape, other.shape);
  }
}

/**
 * Tensors at least this big are allocated by the active kernel set when it offers storage (the
 * WebAssembly set's shared memory: products then read and write them without copies); smaller ones, and
 * all of them elsewhere, on the JS heap.
 */
const RESIDENT_MIN_FLOATS = 4096;

/**
 * A zero-filled array of `size` floats, placed like a tensor's data (in the kernels' memory when big
 * enough and the active kernel set offers it): for state that kernels read and write, such as an
 * optimizer's moments.
 */
export function allocateData(size: number): Float32Array {
  return allocate([size], size);
}

/** A zero-filled backing array; an allocation the engine refuses becomes an error naming the shape. */
function allocate(shape: readonly number[], size: number): Float32Array {
  try {
    // Float64Array only inside the gradient checker's float64 scope (see float64-scope.ts).
    if (float64TensorsActive()) return new Float64Array(size) as unknown as Float32Array;
    return (size >= RESIDENT_MIN_FLOATS ? providedStorage(size) : null) ?? new Float32Array(size);
  } catch {
    const gb = (size * 4) / 2 ** 30;
    throw new RangeError(
      `Tensor: cannot allocate shape ${formatShape(shape)}: ${size} float32 elements (${gb.toFixed(1)} GiB) is more than this engine can hold`,
    );
  }
}

/**
 * How many shapes one buffer family remembers: enough for a training batch, a smaller last batch,
 * validation data, a full-set `evaluate` and a one-row probe, while bounding the memory a layer holds.
 */
const MAX_SHAPES_PER_FAMILY = 6;

/** Buffers that took turns in the same slot (e.g. a layer's output at different batch sizes), by shape. */
const families = new WeakMap<Tensor, Map<string, Tensor>>();

/**
 * A buffer of `shape` for a slot that last held `existing`: `existing` itself when the shape matches,
 * else a buffer of that shape used in the same slot before, else a new zero tensor (remembered for next
 * time, up to {@link MAX_SHAPES_PER_FAMILY} shapes per slot).
 *
 * Layers pass their previous output or gradient buffer, so training allocates nothing in steady state —
 * also when batch sizes alternate (`fit` with a smaller last batch, validation after every epoch).
 * The contents of a reused buffer are stale: callers overwrite every element.
 */
export function reuseOrAllocate(existing: Tensor | null | undefined, shape: readonly number[]): Tensor {
  if (!existing) return new Tensor(shape);
  if (shapesEqual(existing.shape, shape)) return existing;
  const key = shape.join(',');
  let family = families.get(existing);
  const known = family?.get(key);
  if (known !== undefined) return known;
  if (family === undefined) {
    family = new Map([[existing.shape.join(','), existing]]);
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
  const created = new Tensor(shape);
  family.set(key, created);
  families.set(created, family);
  return created;
}
