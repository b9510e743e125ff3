import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { parseIdx, type IdxArray } from '../data/idx.js';

/**
 * Reads an IDX file (MNIST / Fashion-MNIST format) from disk. Gzip-aware: a file that starts with the gzip
 * magic bytes 1f 8b (e.g. `train-images-idx3-ubyte.gz`) is decompressed with Node's zlib first, whatever
 * its name. Node only; the format itself is parsed by the browser-safe {@link parseIdx}.
 *
 * @throws an error naming `path` when the file cannot be read, the gzip data is corrupt, or the IDX content
 *   is invalid (wrong magic number, truncated, …)
 */
export async function loadIdx(path: string): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new Error(`loadIdx(${path}): cannot read the file: ${(err as Error).message}`);
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (err) {
      throw new Error(`loadIdx(${path}): the file is gzip-compressed but cannot be decompressed: ${(err as Error).message}`);
    }
  }
  return parseIdx(bytes, path);
}
