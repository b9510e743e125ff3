import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';

const TSX = join(process.cwd(), 'node_modules/.bin/tsx');

function run(args: string[]) {
  const result = spawnSync(TSX, ['examples/train-spiral.ts', ...args], {
    cwd: process.cwd(),
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('examples/train-spiral.ts', () => {
  it('trains, reports training and held-out accuracy, and writes a decision-boundary PNG', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'handgrad-spiral-')), 'x.png');
    const { status, stdout, stderr } = run(['--epochs', '5', '--out', out]);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).toContain('Dense(2→64) → ReLU → Dense(64→3) → Softmax');
    expect(stdout).toContain('Adam (lr 0.05, decay 5e-7); 5 epochs, batch size 300');
    // not a TTY: plain progress lines
    expect(stdout).toMatch(/^epoch 1\/5 {2}loss \d\.\d{4} {2}acc \d\.\d{3}$/m);
    expect(stdout).toMatch(/^epoch 5\/5 {2}loss \d\.\d{4} {2}acc \d\.\d{3}$/m);
    expect(stdout).toMatch(/^training accuracy: [01]\.\d{3} \(loss \d+\.\d{4}\)$/m);
    expect(stdout).toMatch(/^held-out accuracy: [01]\.\d{3} \(loss \d+\.\d{4}; 300 fresh points, seed 1\)$/m);
    expect(stdout).toMatch(/^training time: \d+\.\d s$/m);
    expect(stdout).toContain(`decision boundary: ${out}`);

    const png = PNG.sync.read(readFileSync(out));
    expect(png.height).toBeGreaterThan(660); // a 440-px square plot area at 1.5× plus axes and title
    const colours = new Set<number>();
    for (let i = 0; i < png.data.length; i += 4) colours.add((png.data[i] << 16) | (png.data[i + 1] << 8) | png.data[i + 2]);
    expect(colours.size).toBeGreaterThan(50); // regions, borders and points, not a blank image
  });

  it('--diagnose prints gradient-health tables and writes a chart of them over training', () => {
    const dir = mkdtempSync(join(tmpdir(), 'handgrad-spiral-'));
    const chart = join(dir, 'health.png');
    const { status, stdout, stderr } = run(['--epochs', '30', '--diagnose', '10', '--diagnose-out', chart, '--out', join(dir, 'x.png')]);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    // full-batch training: one step per epoch, diagnosed after steps 1, 11 and 21
    expect(stdout).toMatch(/^gradient health at step 1:\nlayer\s+out mean\s+out std\s+dead\s+saturated\s+\|dW\|\/\|W\|\s+update\/\|W\|\s+flags$/m);
    expect(stdout).toMatch(/^gradient health at step 21:$/m);
    expect(stdout).toMatch(/^0 Dense\(2→64\)\s+-?\d\.\d{3}\s+\d\.\d{3}\s+\d\.\de[-+]\d+\s+\d\.\de[-+]\d+$/m);
    expect(stdout).toMatch(/^1 ReLU\s+\d\.\d{3}\s+\d\.\d{3}\s+\d+%$/m);
    expect(stdout).toContain('no layer flagged in 3 diagnoses');
    expect(stdout).toContain(`gradient health chart: ${chart}`);
    const png = PNG.sync.read(readFileSync(chart));
    expect(png.width).toBeGreaterThan(800);
    expect(png.height).toBeGreaterThan(png.width); // four stacked panels
  });

  it('--export-onnx / --export-tfjs write the trained model for onnxruntime and TF.js', () => {
    const dir = mkdtempSync(join(tmpdir(), 'handgrad-spiral-export-'));
    const onnx = join(dir, 'onnx', 'spiral.onnx');
    const tfjs = join(dir, 'tfjs');
    const { status, stdout, stderr } = run(['--epochs', '2', '--out', join(dir, 'x.png'), '--export-onnx', onnx, '--export-tfjs', tfjs]);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).toContain(`ONNX model: ${onnx}`);
    expect(stdout).toContain(`TF.js Layers model: ${tfjs}/model.json`);
    expect(readFileSync(onnx)[0]).toBe(0x08); // ModelProto field 1, ir_version
    const modelJson = JSON.parse(readFileSync(join(tfjs, 'model.json'), 'utf8'));
    expect(modelJson.modelTopology.config.layers.map((l: { class_name: string }) => l.class_name)).toEqual(['Dense', 'Activation', 'Dense', 'Activation']);
    expect(readFileSync(join(tfjs, 'weights.bin')).length).toBe(4 * (2 * 64 + 64 + 64 * 3 + 3));
  });

  it.each([
    [['--diagnose', '0'], "error: option '--diagnose [every]' argument '0' is invalid. expected an integer ≥ 1."],
    [['--bogus'], "error: unknown option '--bogus'"],
    [['--epochs', '0'], "error: option '--epochs <n>' argument '0' is invalid. expected an integer ≥ 1."],
    [['--optimizer', 'nadam'], "error: option '--optimizer <name>' argument 'nadam' is invalid. Allowed choices are sgd, adagrad, rmsprop, adam."],
    [['--lr', '-0.1'], "error: option '--lr <rate>' argument '-0.1' is invalid. expected a finite number ≥ 0."],
  ])('exits with code 2 and a clear message for %j', (args, message) => {
    const { status, stdout, stderr } = run(args);
    expect(status).toBe(2);
    expect(stderr).toContain(message);
    expect(stdout).toBe('');
  });
});
