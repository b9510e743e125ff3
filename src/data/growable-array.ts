/** The typed arrays a {@link GrowableArray} can hold. */
type TypedArrayClass<T> = { new (length: number): T; new (buffer: ArrayBuffer): T; readonly BYTES_PER_ELEMENT: number };

/** ES2024 resizable ArrayBuffer (not yet in the ES2022 lib types this project compiles against). */
type ResizableBuffer = ArrayBuffer & { resize(byteLength: number): void; readonly maxByteLength: number };
const ResizableArrayBuffer = ArrayBuffer as unknown as new (byteLength: number, options: { maxByteLength: number }) => ResizableBuffer;
const resizableBuffers = typeof (ArrayBuffer.prototype as { resize?: unknown }).resize === 'function';

/** The largest resizable ArrayBuffer V8 reserves (4 GiB). */
const MAX_RESIZABLE_BYTES = 2 ** 32;

/**
 * A typed array filled front to back whose final length is not known in advance (rows of a CSV file being
 * read). It grows in place inside a resizable ArrayBuffer where the engine has one, so it never holds two
 * copies of the data: memory is the data itself (the reserved but untouched tail costs address space, not
 * memory). Without resizable buffers it grows by doubling and copying.
 */
export class GrowableArray<T extends Float32Array | Int32Array> {
  private view: T;
  private buffer: ResizableBuffer | null = null;

  /**
   * @param type Float32Array or Int32Array
   * @param maxLength a bound on the final length when one is known (e.g. from the file size); growth past
   *   it still works, by copying
   */
  constructor(
    private readonly type: TypedArrayClass<T>,
    maxLength = Infinity,
  ) {
    const maxBytes = Math.min(MAX_RESIZABLE_BYTES, Math.max(1, maxLength) * type.BYTES_PER_ELEMENT);
    if (resizableBuffers) {
      try {
        this.buffer = new ResizableArrayBuffer(0, { maxByteLength: maxBytes });
      } catch {
        this.buffer = null; // address space refused: grow by copying instead
      }
    }
    this.view = this.buffer ? new type(this.buffer) : new type(0);
  }

  /** The array, at least `length` long after {@link reserve}; valid until the next reserve. */
  get array(): T {
    return this.view;
  }

  /** Makes room for `length` elements (geometrically, so filling n elements costs O(n)). */
  reserve(length: number): T {
    if (length <= this.view.length) return this.view;
    const wanted = Math.max(length, Math.ceil(this.view.length * 1.5), 1024);
    const bytes = this.type.BYTES_PER_ELEMENT;
    if (this.buffer && length * bytes <= this.buffer.maxByteLength) {
      this.buffer.resize(Math.min(wanted * bytes, this.buffer.maxByteLength));
      return this.view; // a length-tracking view: it grew with the buffer
    }
    const grown = new this.type(wanted);
    grown.set(this.view);
    this.buffer = null;
    this.view = grown;
    return grown;
  }

  /** The first `length` elements as the final array (shrunk in place, or copied once without resizable buffers). */
  finish(length: number): T {
    if (this.buffer) {
      this.buffer.resize(length * this.type.BYTES_PER_ELEMENT);
      return this.view;
    }
    return this.view.length === length ? this.view : (this.view.slice(0, length) as T);
  }
}
