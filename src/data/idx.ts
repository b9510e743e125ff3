import { Tensor } from '../tensor/tensor.js';
import { checkNumber, checkOptions, describeValue, invalid } from '../core/validate.js';

/**
 * The IDX file format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/):
 *
 * ```
 * bytes 0–1   0x00 0x00
 * byte  2     element type: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
 * byte  3     number of dimensions d
 * then        d sizes, each a big-endian uint32
 * then        the elements, row-major, big-endian
 * ```
 *
 * Pure: works on bytes, so it runs in the browser too. `loadIdx` (src/io, Node) reads and un-gzips files.
 */

/** Element types of the IDX format, by their type byte. */
const IDX_TYPES = {
  0x08: { name: 'uint8', bytes: 1 },
  0x09: { name: 'int8', bytes: 1 },
  0x0b: { name: 'int16', bytes: 2 },
  0x0c: { name: 'int32', bytes: 4 },
  0x0d: { name: 'float32', bytes: 4 },
  0x0e: { name: 'float64', bytes: 8 },
} as const;

/** Name of an IDX element type. */
export type IdxType = (typeof IDX_TYPES)[keyof typeof IDX_TYPES]['name'];

/** A parsed IDX array: its element type, its shape, and its elements row-major in a typed array. */
export interface IdxArray {
  readonly type: IdxType;
  readonly shape: readonly number[];
  readonly data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

/**
 * Parses IDX bytes. Multi-byte elements are converted from big-endian.
 *
 * @param bytes - the whole (already decompressed) file
 * @param source - what to call the data in error messages, e.g. its path. Default `'IDX data'`.
 * @throws naming `source` and what is wrong: a wrong magic number (with a hint when the bytes are still
 *   gzipped), an unknown element type, a truncated header or data section, or trailing bytes.
 */
export function parseIdx(bytes: Uint8Array | ArrayBuffer, source = 'IDX data'): IdxArray {
  return readIdx(bytes, source, true);
}

/**
 * {@link parseIdx} for bytes the caller hands over (`loadIdx`'s file buffer): one-byte data is returned as a
 * view into `bytes` instead of a copy, so a file costs its size once, not twice.
 */
export function parseIdxInPlace(bytes: Uint8Array, source: string): IdxArray {
  return readIdx(bytes, source, false);
}

function readIdx(bytes: Uint8Array | ArrayBuffer, source: string, copy: boolean): IdxArray {
  const where = `parseIdx(${source})`;
  // a fetch() response's arrayBuffer() is as good as its bytes; anything else is named, not read as bytes
  if (bytes instanceof ArrayBuffer) bytes = new Uint8Array(bytes);
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`${where}: bytes must be a Uint8Array (or an ArrayBuffer), got ${describeValue(bytes)}`);
  }
  if (bytes.length < 4) {
    throw new RangeError(`${where}: file is truncated: ${bytes.length} bytes, an IDX header needs at least 4`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join('');
    const gz = bytes[0] === 0x1f && bytes[1] === 0x8b ? ' (the bytes are gzip-compressed: decompress them first)' : '';
    throw new RangeError(`${where}: wrong magic number 0x${magic}: an IDX file starts with 0x0000, a type byte and a dimension count${gz}`);
  }
  const typeByte = bytes[2];
  const type = IDX_TYPES[typeByte as keyof typeof IDX_TYPES];
  if (type === undefined) {
    throw new RangeError(
      `${where}: unknown element type 0x${typeByte.toString(16).padStart(2, '0')} in the magic number (expected 08, 09, 0b, 0c, 0d or 0e)`,
    );
  }
  const dims = bytes[3];
  if (dims === 0) throw new RangeError(`${where}: the magic number declares 0 dimensions`);
  const headerBytes = 4 + 4 * dims;
  if (bytes.length < headerBytes) {
    throw new RangeError(`${where}: file is truncated: ${bytes.length} bytes, the header of a ${dims}-dimensional array needs ${headerBytes}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let i = 0; i < dims; i++) {
    const size = view.getUint32(4 + 4 * i, false);
    shape.push(size);
    count *= size;
  }
  const expected = headerBytes + count * type.bytes;
  if (bytes.length < expected) {
    throw new RangeError(
      `${where}: file is truncated: shape [${shape.join(', ')}] of ${type.name} needs ${expected} bytes, the file has ${bytes.length}`,
    );
  }
  if (bytes.length > expected) {
    throw new RangeError(
      `${where}: ${bytes.length - expected} unexpected bytes after the data (shape [${shape.join(', ')}] of ${type.name} needs ${expected} bytes)`,
    );
  }
  return { type: type.name, shape, data: readElements(view, headerBytes, count, type.name, copy) };
}

function readElements(view: DataView, offset: number, count: number, type: IdxType, copy: boolean): IdxArray['data'] {
  const start = view.byteOffset + offset;
  switch (type) {
    case 'uint8':
      return copy ? new Uint8Array(view.buffer.slice(start, start + count)) : new Uint8Array(view.buffer, start, count);
    case 'int8':
      return copy ? new Int8Array(view.buffer.slice(start, start + count)) : new Int8Array(view.buffer, start, count);
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
}

/** Options for {@link idxToTensor}. */
export interface IdxToTensorOptions {
  /** Each element is multiplied by this; the default 1/255 maps uint8 pixels to [0, 1]. */
  scale?: number;
  /**
   * `'rows'` (default): `[n, h·w·…]`, one flattened sample per row, for Dense layers.
   * `'images'`: NHWC images for Conv2D — `[n, h, w] → [n, h, w, 1]` (a channel axis is added to grey
   * images), `[n, h, w, c]` as it is.
   */
  layout?: 'rows' | 'images';
}

/**
 * IDX samples `[n, …]` as a Tensor: by default `[n, h·w·…]` (one flattened sample per row), or with
 * `{ layout: 'images' }` NHWC images `[n, h, w, 1]` (e.g. MNIST, Fashion-MNIST) — each element times
 * `scale` (default 1/255, mapping uint8 pixels to [0, 1]). The second argument may also be the scale alone.
 * @throws if the array has fewer than 2 dimensions, or `'images'` is asked of an array that is not 3-D or 4-D
 */
export function idxToTensor(idx: IdxArray, options: number | IdxToTensorOptions = {}): Tensor {
  checkIdxArray('idxToTensor', idx);
  const { scale = 1 / 255, layout = 'rows' } =
    typeof options === 'number' ? { scale: options } : checkOptions('idxToTensor', 'options', options, ['scale', 'layout']);
  checkNumber('idxToTensor', 'scale', scale);
  const shape = `[${idx.shape.join(', ')}]`;
  if (idx.shape.length < 2) {
    throw new RangeError(`idxToTensor: expected [samples, …features] with at least 2 dimensions, got shape ${shape}`);
  }
  if (layout !== 'rows' && layout !== 'images') {
    throw new RangeError(`idxToTensor: layout must be 'rows' or 'images', got ${describeValue(layout)}`);
  }
  let dims: number[];
  if (layout === 'images') {
    if (idx.shape.length !== 3 && idx.shape.length !== 4) {
      throw new RangeError(`idxToTensor: layout 'images' expects [samples, height, width] or [samples, height, width, channels], got shape ${shape}`);
    }
    dims = idx.shape.length === 3 ? [...idx.shape, 1] : [...idx.shape];
  } else {
    dims = [idx.shape[0], idx.shape.slice(1).reduce((a, b) => a * b, 1)];
  }
  const t = new Tensor(dims);
  for (let i = 0; i < idx.data.length; i++) t.data[i] = idx.data[i] * scale;
  return t;
}

/**
 * A 1-dimensional IDX array of class indices (e.g. MNIST labels) as an `Int32Array`.
 * @throws if the array is not 1-dimensional or holds a value that is not a non-negative integer
 */
export function idxToLabels(idx: IdxArray): Int32Array {
  checkIdxArray('idxToLabels', idx);
  if (idx.shape.length !== 1) {
    throw new RangeError(`idxToLabels: labels must be 1-dimensional, got shape [${idx.shape.join(', ')}]`);
  }
  const out = new Int32Array(idx.data.length);
  for (let i = 0; i < out.length; i++) {
    const v = idx.data[i];
    if (!(Number.isInteger(v) && v >= 0)) throw new RangeError(`idxToLabels: label ${v} at index ${i} is not a class index`);
    out[i] = v;
  }
  return out;
}

/** An IDX array as parseIdx and loadIdx return it: `{ shape, data }` with an array shape and typed data. */
function checkIdxArray(op: string, idx: unknown): void {
  const candidate = idx as { shape?: unknown; data?: unknown } | null;
  if (typeof idx !== 'object' || idx === null || !Array.isArray(candidate?.shape) || !ArrayBuffer.isView(candidate?.data)) {
    invalid(op, 'idx', 'an IDX array ({ type, shape, data } from parseIdx or loadIdx)', idx, true);
  }
}
