import { readFile } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { checkString } from '../core/validate.js';
import { parseIdx, parseIdxInPlace, type IdxArray } from '../data/idx.js';

/**
 * Reads an IDX file (MNIST / Fashion-MNIST format) from disk. Gzip-aware: a file that starts with the gzip
 * magic bytes 1f 8b (e.g. `train-images-idx3-ubyte.gz`) is decompressed with Node's zlib first, whatever
 * its name. Node only; the format itself is parsed by the browser-safe {@link parseIdx}.
 *
 * @throws an error naming `path` when the file cannot be read, the gzip data is corrupt, or the IDX content
 *   is invalid (wrong magic number, truncated, …)
 */
export async function loadIdx(path: string): Promise<IdxArray> {
  checkString('loadIdx', 'path', path);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new Error(`loadIdx(${path}): cannot read the file: ${(err as Error).message}`);
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    bytes = await gunzipIdx(bytes, path);
  }
  return parseIdxInPlace(bytes, path); // the buffer is ours: one-byte data stays in it (no second copy)
}

/** Bytes per element of each IDX type byte. */
const ELEMENT_BYTES: Record<number, number> = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 };
/** Most bytes an IDX file may decompress to: what one typed array holds (2³¹ − 1 elements of one byte). */
export const MAX_IDX_BYTES = 2 ** 31 - 1;

/**
 * Decompresses gzipped IDX bytes, checking the IDX header as soon as it is out: the output never grows past
 * the size the header declares (a 4.5 MB gzip of zeros would otherwise inflate to a gigabyte before any
 * check). A bad header stops decompression at once and is reported by `parseIdx` on what was read.
 */
function gunzipIdx(compressed: Uint8Array, path: string): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const gunzip = createGunzip();
    const chunks: Buffer[] = [];
    let length = 0;
    let expected = -1; // total bytes the header declares, once known
    let done = false;
    const finish = (err: Error | null, bytes?: Uint8Array): void => {
      if (done) return;
      done = true;
      gunzip.destroy();
      if (err) reject(err);
      else resolve(bytes as Uint8Array);
    };
    // once the header gives the size, the output goes straight into one array of that size (no chunks + concat)
    let out: Uint8Array | null = null;
    const prefix = (): Uint8Array => (out ? out.subarray(0, length) : Buffer.concat(chunks, length));
    gunzip.on('data', (chunk: Buffer) => {
      if (done) return;
      if (out) {
        if (length + chunk.length > out.length) {
          finish(new RangeError(`loadIdx(${path}): the gzip data decompresses to more than the ${out.length} bytes its IDX header declares`));
          return;
        }
        out.set(chunk, length);
        length += chunk.length;
        return;
      }
      chunks.push(chunk);
      length += chunk.length;
      if (expected < 0 && length >= 4) {
        const head = prefix();
        const elementBytes = ELEMENT_BYTES[head[2]];
        if (head[0] !== 0 || head[1] !== 0 || elementBytes === undefined || head[3] === 0) {
          try {
            parseIdx(head, path); // throws the format's own message
          } catch (err) {
            finish(err as Error);
            return;
          }
        }
        const headerBytes = 4 + 4 * head[3];
        if (length < headerBytes) return;
        const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
        let count = 1;
        for (let i = 0; i < head[3]; i++) count *= view.getUint32(4 + 4 * i, false);
        expected = headerBytes + count * elementBytes;
        if (expected > MAX_IDX_BYTES) {
          finish(new RangeError(`loadIdx(${path}): the header declares ${expected} bytes of data, more than the ${MAX_IDX_BYTES} one array can hold`));
          return;
        }
      }
      if (expected >= 0 && length > expected) {
        finish(new RangeError(`loadIdx(${path}): the gzip data decompresses to more than the ${expected} bytes its IDX header declares`));
        return;
      }
      if (expected >= 0) {
        out = new Uint8Array(expected);
        out.set(Buffer.concat(chunks, length));
        chunks.length = 0;
      }
    });
    gunzip.on('error', (err) => finish(new Error(`loadIdx(${path}): the file is gzip-compressed but cannot be decompressed: ${err.message}`)));
    gunzip.on('end', () => finish(null, prefix()));
    gunzip.end(compressed);
  });
}
