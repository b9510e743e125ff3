import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCsv } from '../../src/node.js';

describe('loadCsv', () => {
  const dir = mkdtempSync(join(tmpdir(), 'handgrad-csv-'));

  it('reads a file from disk', async () => {
    const path = join(dir, 'ok.csv');
    writeFileSync(path, 'x1,x2,class\r\n0.5,1,setosa\r\n2,3,virginica\r\n');
    const d = await loadCsv(path);
    expect(d.x.toArray()).toEqual([[0.5, 1], [2, 3]]);
    expect(d.classNames).toEqual(['setosa', 'virginica']);
  });

  it('names the file in parse errors and when it cannot be read', async () => {
    const path = join(dir, 'bad.csv');
    writeFileSync(path, 'x,y\n1,0\nnope,1\n');
    await expect(loadCsv(path)).rejects.toThrow(`parseCsv: ${path}: line 3, column 1 ('x'): 'nope' is not a number`);
    await expect(loadCsv(join(dir, 'missing.csv'))).rejects.toThrow(`loadCsv(${join(dir, 'missing.csv')}): cannot read the file`);
  });
});
