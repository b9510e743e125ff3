/**
 * loadCsv streams (issue 9, finding 7): reading a file costs the parsed arrays plus a chunk, not the whole
 * text. Proved in a child process whose JavaScript heap is capped far below what the file takes as one
 * string (and its fields as objects): the old reader died there with "JavaScript heap out of memory".
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..', '..');
const ROWS = 8000;
const PIXELS = 784;
/** Heap cap for the child: the file is 15 MB of text, ~6 M fields; the parsed data (25 MB) lives outside the heap. */
const HEAP_MB = 48;

/** What the generated file holds, summed in float64 while writing it. */
interface Expected {
  bytes: number;
  pixelSum: number;
  labelSum: number;
  /** Row 4321's pixels, to compare element by element. */
  row: number[];
}

/** Streams an MNIST-like CSV (a header, the label first, 784 small integers, a few decimals) to `path`. */
async function writeCsv(path: string): Promise<Expected> {
  const out = createWriteStream(path);
  const header = ['label', ...Array.from({ length: PIXELS }, (_, j) => `pixel${j}`)].join(',');
  out.write(`${header}\n`);
  let seed = 12345;
  const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const expected: Expected = { bytes: header.length + 1, pixelSum: 0, labelSum: 0, row: [] };
  for (let r = 0; r < ROWS; r++) {
    const label = r % 10;
    const fields = [String(label)];
    for (let j = 0; j < PIXELS; j++) {
      const u = next();
      const v = u < 0.7 ? 0 : u < 0.99 ? Math.floor(next() * 256) : Math.fround(next() - 0.5);
      fields.push(String(v));
      expected.pixelSum += v;
      if (r === 4321) expected.row.push(v);
    }
    expected.labelSum += label;
    const line = `${fields.join(',')}${r % 2 ? '\r\n' : '\n'}`;
    expected.bytes += line.length;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return expected;
}

describe('loadCsv streams the file', () => {
  let dir: string;
  let csv: string;
  let expected: Expected;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'handgrad-csv-stream-'));
    csv = join(dir, 'mnist-like.csv');
    expected = await writeCsv(csv);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(`loads a ${ROWS}×785 CSV (≈15 MB) with a ${HEAP_MB} MB JavaScript heap, every value right`, async () => {
    expect(expected.bytes).toBeGreaterThan(14e6);
    const script = join(dir, 'load.mts');
    await writeFile(
      script,
      `import { loadCsv } from ${JSON.stringify(join(repo, 'src', 'node.ts'))};
       const d = await loadCsv(process.argv[2], { labelColumn: 'label' });
       let pixelSum = 0;
       for (const v of d.x.data) pixelSum += v;
       let labelSum = 0;
       for (const v of d.y) labelSum += v;
       const row = Array.from(d.x.data.subarray(4321 * ${PIXELS}, 4322 * ${PIXELS}));
       console.log(JSON.stringify({ shape: d.x.shape, pixelSum, labelSum, row, labelName: d.labelName, last: d.featureNames.at(-1) }));`,
    );
    const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_MB}`, '--import', 'tsx', script, csv], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(stderr.split('\n').filter((l) => /heap|FATAL|Error/.test(l)).slice(0, 3)).toEqual([]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.shape).toEqual([ROWS, PIXELS]);
    expect(result.labelName).toBe('label');
    expect(result.last).toBe(`pixel${PIXELS - 1}`);
    expect(result.labelSum).toBe(expected.labelSum);
    expect(result.pixelSum).toBe(expected.pixelSum);
    expect(result.row).toEqual(expected.row);
  }, 60_000);
});
