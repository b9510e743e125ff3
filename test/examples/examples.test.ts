/**
 * The example scripts, run as a user runs them (tsx, real command line) with few epochs: they exit 0,
 * report held-out accuracy, write their files, and reject bad flags with exit code 2.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../src/index.js';
import { encodeIdx } from '../helpers/idx.js';

const root = join(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function runExample(script: string, args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(tsx, [join(root, 'examples', script), ...args], { cwd: root, timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The number after "held-out … accuracy: " in an example's output. */
function heldOutAccuracy(stdout: string): number {
  const m = /held-out[^\n]*?accuracy:? (\d\.\d+)/.exec(stdout) ?? /held-out: .*regression accuracy (\d\.\d+)/.exec(stdout);
  expect(m, stdout).not.toBeNull();
  return Number(m![1]);
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'handgrad-examples-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('examples', () => {
  it('binary-classification: sigmoid + BCE on a two-class spiral learns', async () => {
    const r = await runExample('binary-classification.ts', ['--epochs', '300']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Dense(2→64)');
    expect(r.stdout).toMatch(/regularisation loss \d/);
    expect(heldOutAccuracy(r.stdout)).toBeGreaterThan(0.7); // chance is 0.5
  });

  it('regression-sine: fits sin(2πx) and writes a readable PNG', async () => {
    const out = join(dir, 'sine.png');
    const r = await runExample('regression-sine.ts', ['--epochs', '300', '--samples', '200', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const mse = Number(/held-out: MSE ([\d.e+-]+)/.exec(r.stdout)![1]);
    expect(mse).toBeLessThan(0.1); // sin has variance 0.5: predicting the mean would give 0.5
    expect(heldOutAccuracy(r.stdout)).toBeGreaterThanOrEqual(0);
    const png = PNG.sync.read(await readFile(out));
    expect(png.width).toBeGreaterThan(900); // a 600-px plot area at 1.5× plus axes and title
    // both curves are drawn: the target's dark grey and the prediction's orange occur in the image
    const has = (rgb: number[]) => {
      for (let i = 0; i < png.data.length; i += 4) if (png.data[i] === rgb[0] && png.data[i + 1] === rgb[1] && png.data[i + 2] === rgb[2]) return true;
      return false;
    };
    expect(has([60, 60, 60])).toBe(true);
    expect(has([0xf2, 0x8e, 0x2c])).toBe(true);
  });

  it('iris: real Iris data, stratified hold-out, save and reload', async () => {
    const saved = join(dir, 'iris.json');
    const r = await runExample('iris.ts', ['--epochs', '150', '--save', saved]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('150 flowers, 4 measurements, species setosa / versicolor / virginica');
    expect(r.stdout).toContain('120 training, 30 held-out');
    expect(heldOutAccuracy(r.stdout)).toBeGreaterThan(0.85); // chance is 1/3
    expect(r.stdout).toContain('reloaded copy predicts identically');
    expect(JSON.parse(await readFile(saved, 'utf8')).format).toBe('handgrad-model');
  });

  it.each([
    ['binary-classification.ts', ['--epochs', '0']],
    ['regression-sine.ts', ['--lr', 'fast']],
    ['iris.ts', ['--test-fraction', '1.5']],
    ['mnist.ts', []], // --data is required
    ['mnist.ts', ['--data', '.', '--bogus']],
  ])('%s %j: a bad command line exits 2 with a message', async (script, args) => {
    const r = await runExample(script, args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: /);
  });
});

describe('examples/mnist.ts on a tiny synthetic IDX set the test writes', () => {
  /** 3 classes of 6×6 "images": class c lights up rows 2c and 2c+1, plus noise. */
  function images(n: number, seed: number): { pixels: number[]; labels: number[] } {
    const rng = new Random(seed);
    const pixels: number[] = [];
    const labels: number[] = [];
    for (let i = 0; i < n; i++) {
      const c = i % 3;
      labels.push(c);
      for (let r = 0; r < 6; r++) for (let col = 0; col < 6; col++) pixels.push(Math.floor((r >> 1) === c ? 180 + 75 * rng.uniform() : 90 * rng.uniform()));
    }
    return { pixels, labels };
  }

  async function writeSet(folder: string, gz: boolean): Promise<void> {
    await mkdir(folder, { recursive: true });
    const train = images(90, 1);
    const test = images(30, 2);
    const files: [string, Uint8Array][] = [
      ['train-images-idx3-ubyte', encodeIdx('uint8', [90, 6, 6], train.pixels)],
      ['train-labels-idx1-ubyte', encodeIdx('uint8', [90], train.labels)],
      ['t10k-images-idx3-ubyte', encodeIdx('uint8', [30, 6, 6], test.pixels)],
      ['t10k-labels-idx1-ubyte', encodeIdx('uint8', [30], test.labels)],
    ];
    for (const [name, bytes] of files) await writeFile(join(folder, gz ? `${name}.gz` : name), gz ? gzipSync(bytes) : bytes);
  }

  it.each([false, true])('trains and reports test accuracy (gzipped: %s)', async (gz) => {
    const folder = join(dir, gz ? 'idx-gz' : 'idx');
    await writeSet(folder, gz);
    const r = await runExample('mnist.ts', ['--data', folder, '--epochs', '20', '--batch-size', '16', '--hidden', '16', '--lr', '0.01']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('90 training and 30 test images of 36 pixels, 3 classes');
    // progress per batch (fitAsync's onBatchEnd): 6 batches of ≤ 16 rows per epoch, 20 epochs
    expect(r.stdout).toMatch(/^batch +1\/120 +loss \d/m);
    expect(r.stdout).toMatch(/^batch 120\/120 +loss \d/m);
    expect(heldOutAccuracy(r.stdout)).toBeGreaterThan(0.9); // the classes are plainly separable
  });

  it('a missing folder: exit 1 and a message saying what to download', async () => {
    const r = await runExample('mnist.ts', ['--data', join(dir, 'nowhere')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`data folder '${join(dir, 'nowhere')}' does not exist. Download the four MNIST (or Fashion-MNIST) IDX files`);
  });

  it('a missing file: exit 1, naming it', async () => {
    const folder = join(dir, 'partial');
    await writeSet(folder, false);
    await rm(join(folder, 't10k-labels-idx1-ubyte'));
    const r = await runExample('mnist.ts', ['--data', folder]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`'${folder}' is missing t10k-labels-idx1-ubyte(.gz); it must hold all four IDX files.`);
  });

  it('a truncated file: exit 1, naming the file and the fault', async () => {
    const folder = join(dir, 'truncated');
    await writeSet(folder, false);
    const path = join(folder, 'train-images-idx3-ubyte');
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, 100));
    const r = await runExample('mnist.ts', ['--data', folder]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`parseIdx(${path}): file is truncated: shape [90, 6, 6] of uint8 needs 3256 bytes, the file has 100`);
  });
});
