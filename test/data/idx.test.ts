import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idxToLabels, idxToTensor, parseIdx } from '../../src/index.js';
import { encodeIdx } from '../helpers/idx.js';

describe('parseIdx', () => {
  it('takes an ArrayBuffer (what fetch gives) as its bytes, and names anything else', () => {
    const bytes = Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1]);
    expect(Array.from(parseIdx(bytes.buffer).data)).toEqual([7, 2, 1]);
    expect(() => parseIdx([0, 0, 8, 1] as never)).toThrow(new TypeError('parseIdx(IDX data): bytes must be a Uint8Array (or an ArrayBuffer), got an array of length 4'));
    expect(() => parseIdx(null as never, 'x.idx')).toThrow('parseIdx(x.idx): bytes must be a Uint8Array (or an ArrayBuffer), got null');
  });

  it('reads uint8 images and labels: type, shape and values', () => {
    const pixels = Array.from({ length: 2 * 3 * 2 }, (_, i) => (i * 23) % 256);
    const images = parseIdx(encodeIdx('uint8', [2, 3, 2], pixels));
    expect(images.type).toBe('uint8');
    expect(images.shape).toEqual([2, 3, 2]);
    expect(Array.from(images.data)).toEqual(pixels);
    const labels = parseIdx(encodeIdx('uint8', [4], [7, 0, 9, 3]));
    expect(labels.shape).toEqual([4]);
    expect(Array.from(idxToLabels(labels))).toEqual([7, 0, 9, 3]);
  });

  it('property: round-trips every element type, big-endian, over random shapes', () => {
    const types = ['uint8', 'int8', 'int16', 'int32', 'float32', 'float64'] as const;
    const ranges = { uint8: [0, 255], int8: [-128, 127], int16: [-32768, 32767], int32: [-(2 ** 31), 2 ** 31 - 1] } as const;
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }), fc.integer(), (type, shape, seed) => {
        const n = shape.reduce((a, b) => a * b, 1);
        const values = Array.from({ length: n }, (_, i) => {
          const u = Math.abs(Math.sin(seed + i * 12.9898));
          if (type === 'float32') return Math.fround((u - 0.5) * 1e3);
          if (type === 'float64') return (u - 0.5) * 1e3;
          const [lo, hi] = ranges[type];
          return Math.floor(lo + u * (hi - lo));
        });
        const parsed = parseIdx(encodeIdx(type, shape, values));
        expect(parsed.type).toBe(type);
        expect(parsed.shape).toEqual(shape);
        expect(Array.from(parsed.data)).toEqual(values);
      }),
      { numRuns: 60, seed: 3 },
    );
  });

  it('works on a view into a larger buffer (non-zero byteOffset)', () => {
    const file = encodeIdx('int16', [2], [-2, 300]);
    const padded = new Uint8Array(file.length + 3);
    padded.set(file, 3);
    expect(Array.from(parseIdx(padded.subarray(3)).data)).toEqual([-2, 300]);
  });

  it('rejects a wrong magic number, with a hint when the bytes are gzipped', () => {
    const bad = encodeIdx('uint8', [1], [1]);
    bad[0] = 0x12;
    expect(() => parseIdx(bad, 'x.idx')).toThrow(
      'parseIdx(x.idx): wrong magic number 0x12000801: an IDX file starts with 0x0000, a type byte and a dimension count',
    );
    expect(() => parseIdx(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0]), 'y.gz')).toThrow(
      'parseIdx(y.gz): wrong magic number 0x1f8b0800: an IDX file starts with 0x0000, a type byte and a dimension count (the bytes are gzip-compressed: decompress them first)',
    );
  });

  it('rejects an unknown element type and zero dimensions', () => {
    expect(() => parseIdx(new Uint8Array([0, 0, 0x0a, 1, 0, 0, 0, 0]))).toThrow(
      'parseIdx(IDX data): unknown element type 0x0a in the magic number (expected 08, 09, 0b, 0c, 0d or 0e)',
    );
    expect(() => parseIdx(new Uint8Array([0, 0, 8, 0]))).toThrow('parseIdx(IDX data): the magic number declares 0 dimensions');
  });

  it('rejects truncated headers and data, and trailing bytes, saying how many bytes are needed', () => {
    expect(() => parseIdx(new Uint8Array([0, 0]), 'a')).toThrow('parseIdx(a): file is truncated: 2 bytes, an IDX header needs at least 4');
    expect(() => parseIdx(new Uint8Array([0, 0, 8, 3, 0, 0, 0, 1]), 'b')).toThrow(
      'parseIdx(b): file is truncated: 8 bytes, the header of a 3-dimensional array needs 16',
    );
    const full = encodeIdx('uint8', [3, 2, 2], new Array(12).fill(1));
    expect(() => parseIdx(full.subarray(0, full.length - 5), 'c')).toThrow(
      'parseIdx(c): file is truncated: shape [3, 2, 2] of uint8 needs 28 bytes, the file has 23',
    );
    const long = new Uint8Array(full.length + 2);
    long.set(full);
    expect(() => parseIdx(long, 'd')).toThrow('parseIdx(d): 2 unexpected bytes after the data (shape [3, 2, 2] of uint8 needs 28 bytes)');
  });
});

describe('idxToTensor / idxToLabels', () => {
  it('flattens [n, h, w] images into [n, h·w] rows scaled to [0, 1]', () => {
    const t = idxToTensor(parseIdx(encodeIdx('uint8', [2, 1, 2], [0, 255, 51, 102])));
    expect(t.shape).toEqual([2, 2]);
    expect(Array.from(t.data)).toEqual([0, 1, 0.2, 0.4].map(Math.fround));
    expect(idxToTensor(parseIdx(encodeIdx('uint8', [1, 2], [3, 4])), 1).toArray()).toEqual([[3, 4]]);
  });

  it("layout 'images' gives NHWC images: [n, h, w] → [n, h, w, 1], [n, h, w, c] unchanged", () => {
    const t = idxToTensor(parseIdx(encodeIdx('uint8', [2, 1, 2], [0, 255, 51, 102])), { layout: 'images' });
    expect(t.shape).toEqual([2, 1, 2, 1]);
    expect(Array.from(t.data)).toEqual([0, 1, 0.2, 0.4].map(Math.fround));
    const rgb = idxToTensor(parseIdx(encodeIdx('uint8', [1, 1, 2, 3], [1, 2, 3, 4, 5, 6])), { layout: 'images', scale: 2 });
    expect(rgb.shape).toEqual([1, 1, 2, 3]);
    expect(rgb.get(0, 0, 1, 2)).toBe(12);
    expect(() => idxToTensor(parseIdx(encodeIdx('uint8', [2, 3], [1, 2, 3, 4, 5, 6])), { layout: 'images' })).toThrow(
      "idxToTensor: layout 'images' expects [samples, height, width] or [samples, height, width, channels], got shape [2, 3]",
    );
  });

  it('rejects shapes and values that do not fit', () => {
    expect(() => idxToTensor(parseIdx(encodeIdx('uint8', [3], [1, 2, 3])))).toThrow(
      'idxToTensor: expected [samples, …features] with at least 2 dimensions, got shape [3]',
    );
    expect(() => idxToLabels(parseIdx(encodeIdx('uint8', [1, 2], [1, 2])))).toThrow('idxToLabels: labels must be 1-dimensional, got shape [1, 2]');
    expect(() => idxToLabels(parseIdx(encodeIdx('int8', [2], [1, -1])))).toThrow('idxToLabels: label -1 at index 1 is not a class index');
  });
});
