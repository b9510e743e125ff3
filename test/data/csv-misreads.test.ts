/** parseCsv never mis-reads silently (issue 9, finding 7); loadIdx bounds what a gzip may inflate to. */
import { gzipSync } from 'node:zlib';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadIdx, parseCsv } from '../../src/node.js';

describe('parseCsv: a clear error instead of a silent mis-read', () => {
  it('labels that mix class indices and text are refused (no string-sorted renumbering)', () => {
    expect(() => parseCsv('a,b,label\n1,2,0\n1,2,1\n1,2,2\n1,2,10\n1,2,x\n')).toThrow(
      "parseCsv: column 3 ('label') mixes numbers ('0' on line 2) and text ('x' on line 6): labels must be all class indices or all class names",
    );
  });

  it('values beyond float32 are refused like the text Infinity, not stored as ±Infinity', () => {
    expect(() => parseCsv('1,0\n1e39,1\n')).toThrow("parseCsv: line 2, column 1: '1e39' is outside the float32 range (±3.4e38)");
    expect(() => parseCsv('1,0\n-4e38,1\n')).toThrow("'-4e38' is outside the float32 range");
  });

  it('a first data row of non-numbers without letters is reported, not taken for a header', () => {
    expect(() => parseCsv('?,?,1\n1,2,0\n')).toThrow("parseCsv: line 1, column 1: '?' is not a number");
    expect(parseCsv('x1,x2,y\n1,2,0\n').featureNames).toEqual(['x1', 'x2']);
  });

  it('a non-string input is named', () => {
    expect(() => parseCsv(null as never)).toThrow(new TypeError('parseCsv: text must be a string, got null'));
  });
});

describe('loadIdx: a gzip bomb is stopped by the IDX header', () => {
  it('stops inflating as soon as the output passes the size the header declares', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'handgrad-idx-bomb-'));
    // header: uint8, 1 dimension of 16 elements — followed by 64 MiB of zeros (a 64 KiB gzip)
    const header = Buffer.from([0, 0, 0x08, 1, 0, 0, 0, 16]);
    const bomb = gzipSync(Buffer.concat([header, Buffer.alloc(64 * 2 ** 20)]));
    expect(bomb.length).toBeLessThan(200_000);
    const path = join(dir, 'bomb.gz');
    await writeFile(path, bomb);
    await expect(loadIdx(path)).rejects.toThrow(`loadIdx(${path}): the gzip data decompresses to more than the 24 bytes its IDX header declares`);
    const huge = join(dir, 'huge.gz');
    await writeFile(huge, gzipSync(Buffer.from([0, 0, 0x0e, 2, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 16])));
    await expect(loadIdx(huge)).rejects.toThrow(/the header declares \d+ bytes of data, more than the 2147483647 one array can hold/);
    const good = join(dir, 'good.gz');
    await writeFile(good, gzipSync(Buffer.concat([header, Buffer.alloc(16, 7)])));
    expect(Array.from((await loadIdx(good)).data)).toEqual(new Array(16).fill(7));
    await rm(dir, { recursive: true, force: true });
  });
});

describe('small ones (finding 9)', () => {
  it('Tensor.fromArray refuses non-numbers; CCE refuses 0 rows; gradCheck refuses 0 or NaN elements', async () => {
    const { Tensor, CategoricalCrossEntropy, gradCheck, Dense } = await import('../../src/index.js');
    expect(() => Tensor.fromArray([[1, null as never]])).toThrow(new TypeError('Tensor.fromArray: element [0][1] must be a number, got null'));
    expect(() => Tensor.fromArray([['2' as never]])).toThrow('Tensor.fromArray: element [0][0] must be a number, got "2"');
    expect(() => Tensor.fromArray([[true as never]])).toThrow('must be a number, got true');
    expect(() => new CategoricalCrossEntropy().forward(new Tensor([0, 3]), new Int32Array(0))).toThrow(
      'CategoricalCrossEntropy.forward: predictions have no rows (shape [0, 3])',
    );
    const x = Tensor.fromArray([[1, 2]]);
    for (const bad of [0, Number.NaN]) {
      expect(() => gradCheck(new Dense(2, 2, { seed: 1 }), x, { maxElementsPerTensor: bad })).toThrow(
        `checkGradients: maxElementsPerTensor must be an integer ≥ 1, got ${bad}`,
      );
    }
  });
});
