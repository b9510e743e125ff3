import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadIdx } from '../../src/node.js';
import { encodeIdx } from '../helpers/idx.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'handgrad-idx-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadIdx', () => {
  const pixels = Array.from({ length: 3 * 4 * 4 }, (_, i) => (i * 37) % 256);

  it('reads plain and gzipped uint8 images and labels to the same arrays', async () => {
    const images = encodeIdx('uint8', [3, 4, 4], pixels);
    const labels = encodeIdx('uint8', [3], [5, 0, 4]);
    await writeFile(join(dir, 'images-idx3-ubyte'), images);
    await writeFile(join(dir, 'images-idx3-ubyte.gz'), gzipSync(images));
    await writeFile(join(dir, 'labels-idx1-ubyte.gz'), gzipSync(labels));
    const plain = await loadIdx(join(dir, 'images-idx3-ubyte'));
    const gz = await loadIdx(join(dir, 'images-idx3-ubyte.gz'));
    expect(plain.shape).toEqual([3, 4, 4]);
    expect(Array.from(plain.data)).toEqual(pixels);
    expect(gz).toEqual(plain);
    expect(Array.from((await loadIdx(join(dir, 'labels-idx1-ubyte.gz'))).data)).toEqual([5, 0, 4]);
  });

  it('names the file when it is missing', async () => {
    const path = join(dir, 'nope.idx');
    await expect(loadIdx(path)).rejects.toThrow(`loadIdx(${path}): cannot read the file: ENOENT`);
  });

  it('names the file and the fault for a truncated file, plain or inside gzip', async () => {
    const bytes = encodeIdx('uint8', [3, 4, 4], pixels).subarray(0, 40);
    const path = join(dir, 'short-idx3-ubyte');
    await writeFile(path, bytes);
    await expect(loadIdx(path)).rejects.toThrow(`parseIdx(${path}): file is truncated: shape [3, 4, 4] of uint8 needs 64 bytes, the file has 40`);
    await writeFile(`${path}.gz`, gzipSync(bytes));
    await expect(loadIdx(`${path}.gz`)).rejects.toThrow(`parseIdx(${path}.gz): file is truncated`);
  });

  it('names the file when the gzip stream itself is cut short', async () => {
    const gz = gzipSync(encodeIdx('uint8', [3, 4, 4], pixels));
    const path = join(dir, 'cut.gz');
    await writeFile(path, gz.subarray(0, gz.length - 10));
    await expect(loadIdx(path)).rejects.toThrow(`loadIdx(${path}): the file is gzip-compressed but cannot be decompressed`);
  });

  it('names the file for a wrong magic number', async () => {
    const path = join(dir, 'text.idx');
    await writeFile(path, 'hello world');
    await expect(loadIdx(path)).rejects.toThrow(`parseIdx(${path}): wrong magic number 0x68656c6c`);
  });
});
