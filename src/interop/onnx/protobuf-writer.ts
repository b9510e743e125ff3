/**
 * A minimal protocol-buffers encoder: just the wire types an ONNX ModelProto needs (varint, 32-bit float,
 * length-delimited). Written by hand rather than taken from a protobuf library because `src/` has no runtime
 * dependencies, the browser entry must stay small, and the whole encoder is a few dozen lines: a generated
 * codec for onnx.proto3 would be thousands of lines for the handful of fields the exporter writes.
 *
 * Wire format (protobuf encoding spec): every field is a key `(fieldNumber << 3) | wireType` as a varint,
 * then the payload: wire type 0 = varint, 2 = length-delimited (varint length + bytes), 5 = 4-byte
 * little-endian. A nested message is a length-delimited field holding the message's own bytes.
 */

const VARINT = 0;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

let utf8: TextEncoder | null = null; // created on first use, so merely importing handgrad needs no TextEncoder

/** Builds one message's bytes field by field, in the order they are written. */
export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private scratch: number[] = [];
  private length = 0;

  /** A varint (int32/int64/enum/bool). Negative int64 values take the 10-byte two's-complement form. */
  int(field: number, value: number): this {
    this.key(field, VARINT);
    this.varint(value);
    return this;
  }

  /** A 32-bit float (fixed32, little-endian). */
  float(field: number, value: number): this {
    this.key(field, FIXED32);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.flushScratch();
    this.push(bytes);
    return this;
  }

  /** A UTF-8 string. */
  string(field: number, value: string): this {
    utf8 ??= new TextEncoder();
    return this.bytes(field, utf8.encode(value));
  }

  /** Raw bytes (length-delimited). */
  bytes(field: number, value: Uint8Array): this {
    this.key(field, LENGTH_DELIMITED);
    this.varint(value.length);
    this.flushScratch();
    this.push(value);
    return this;
  }

  /** A nested message (length-delimited). */
  message(field: number, value: ProtoWriter): this {
    return this.bytes(field, value.finish());
  }

  /** A repeated int64 as one packed field (proto3's default for repeated scalars). */
  packedInts(field: number, values: readonly number[]): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    return this.bytes(field, inner.finish());
  }

  /** The encoded message. */
  finish(): Uint8Array {
    this.flushScratch();
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }

  private key(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  /** Base-128 varint, least significant group first, high bit set on all but the last byte. */
  private varint(value: number): void {
    if (!Number.isSafeInteger(value)) throw new RangeError(`ProtoWriter: varint must be a safe integer, got ${value}`);
    // BigInt makes negative values exact: as int64 they are 2⁶⁴ + value, ten bytes long.
    let v = value >= 0 ? BigInt(value) : (1n << 64n) + BigInt(value);
    do {
      const low = Number(v & 0x7fn);
      v >>= 7n;
      this.scratch.push(v > 0n ? low | 0x80 : low);
    } while (v > 0n);
  }

  private flushScratch(): void {
    if (this.scratch.length === 0) return;
    this.push(Uint8Array.from(this.scratch));
    this.scratch = [];
  }

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }
}
