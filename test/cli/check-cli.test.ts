/**
 * `handgrad check` run as a user would: the packed package installed in a fresh project, its bin spawned on
 * a TypeScript and a JavaScript layer. A correct layer passes (exit 0); each planted bug fails (exit 1)
 * naming the tensor it breaks; bad arguments exit 2. TypeScript loads through tsx or esbuild when the project
 * has one (this is Node 20: no type stripping of its own) and is refused with exit 2 when it has neither.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProject, removeProject, runHandgrad } from '../helpers/handgrad-cli.js';

const fixtures = join(import.meta.dirname, 'fixtures');
let dir: string; // a project with tsx, where most tests run
beforeAll(async () => {
  dir = await cliProject(['tsx']);
}, 300_000);
afterAll(() => removeProject(dir));

const correctTs = readFileSync(join(fixtures, 'residual-dense.ts'), 'utf8');
const correctJs = readFileSync(join(fixtures, 'residual-dense.js'), 'utf8');

/** Writes `source` with `from` replaced by `to` (the replacement must happen) and returns the file name. */
function variant(name: string, source: string, from: string, to: string): string {
  expect(source, `fixture contains: ${from}`).toContain(from);
  writeFileSync(join(dir, name), source.replace(from, to));
  return name;
}

/** Verdict column per tensor row of the printed table, e.g. { input: 'ok', weights: 'FAIL' }. */
function verdicts(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const m = /^(input|weights|biases)\s+\[.*\s(ok|FAIL)$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

describe('handgrad check (spawned)', () => {
  it.each([
    ['TypeScript', 'layer.ts', correctTs],
    ['JavaScript', 'layer.js', correctJs],
  ])('passes a correct %s layer with exit 0, differentiating a float64 copy', (_, file, source) => {
    writeFileSync(join(dir, file), source);
    const run = runHandgrad(['check', file], dir);
    expect(run.status, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toContain('forward re-run in float64');
    expect(verdicts(run.stdout)).toEqual({ input: 'ok', weights: 'ok', biases: 'ok' });
    expect(run.stdout).toMatch(/^PASS: 3 gradient comparisons and 4 contract checks agree$/m);
  });

  const bugs = [
    {
      bug: 'a missing transpose in dL/dX (dz · W instead of dz · Wᵀ)',
      from: 'matmulTransB(dz, this.weights)',
      to: 'matmul(dz, this.weights)',
      tensor: 'input',
    },
    {
      bug: 'a factor of 2 in dL/dW',
      from: 'this.dweights.data.set(matmulTransA(x, dz).data);',
      to: 'this.dweights.data.set(matmulTransA(x, dz).data.map((v) => 2 * v));',
      tensor: 'weights',
    },
    {
      bug: 'the sign of the residual term in dL/dX',
      from: 'dvalues.data[i] + back.data[i]',
      to: 'back.data[i] - dvalues.data[i]',
      tensor: 'input',
    },
  ];
  it.each(bugs)('exits 1 naming $tensor for $bug', ({ from, to, tensor }) => {
    const file = variant(`bug-${tensor}-${bugs.findIndex((b) => b.from === from)}.ts`, correctTs, from, to);
    const run = runHandgrad(['check', file], dir);
    expect(run.status, run.stderr + run.stdout).toBe(1);
    const expected = { input: 'ok', weights: 'ok', biases: 'ok', [tensor]: 'FAIL' };
    expect(verdicts(run.stdout)).toEqual(expected);
    expect(run.stdout).toMatch(new RegExp(`^FAIL ${tensor}: gradient disagrees with finite differences at \\[\\d+, \\d+\\]: backward gives`, 'm'));
  });

  it('exits 1 naming biases when backward adds to the bias gradient instead of overwriting it', () => {
    const file = variant(
      'bug-accumulate.js',
      correctJs,
      'this.dbiases.data.set(sumColumns(dz).data);',
      'sumColumns(dz).data.forEach((v, j) => (this.dbiases.data[j] += v));',
    );
    const run = runHandgrad(['check', file], dir);
    expect(run.status, run.stderr + run.stdout).toBe(1);
    // the first backward starts from zeros, so values agree; the second call gives twice the gradient
    expect(verdicts(run.stdout)).toEqual({ input: 'ok', weights: 'ok', biases: 'ok' });
    expect(run.stdout).toMatch(
      /^FAIL gradients are overwritten, not accumulated: biases: a second backward with the same input gave 2 × the first gradient/m,
    );
  });

  it('fails a layer whose backward does not throw before forward', () => {
    const file = variant('bug-no-guard.ts', correctTs, 'if (this.input === null || this.activation === null) throw', 'if (false) throw');
    const run = runHandgrad(['check', file], dir);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^FAIL backward before forward throws: backward on a fresh layer threw a raw TypeError/m);
  });

  it('--json reports the failing tensor and its worst element for CI', () => {
    const file = variant('bug-json.ts', correctTs, 'matmulTransB(dz, this.weights)', 'matmul(dz, this.weights)');
    const run = runHandgrad(['check', file, '--json', '--seed', '3', '--input-shape', '5,3'], dir);
    expect(run.status, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.passed).toBe(false);
    expect(report.seed).toBe(3);
    expect(report.inputShape).toEqual([5, 3]);
    expect(report.precision).toBe('float64');
    const failing = report.tensors.filter((t: { passed: boolean }) => !t.passed);
    expect(failing.map((t: { name: string }) => t.name)).toEqual(['input']);
    expect(failing[0].worst).toHaveLength(2);
    expect(failing[0].maxRelError).toBeGreaterThan(1e-2);
  });

  it('--float32 differentiates the layer itself and still passes', () => {
    writeFileSync(join(dir, 'f32.ts'), correctTs);
    const run = runHandgrad(['check', 'f32.ts', '--float32'], dir);
    expect(run.status, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toContain('finite differences: central, forward in float32, as asked, step 1e-3·max(1, |v|)');
  });

  it.each([
    [['check'], /missing <file>/],
    [['check', 'nope.ts'], /cannot find nope\.ts/],
    [['check', 'layer.ts', '--frobnicate'], /Unknown option '--frobnicate'/],
    [['check', 'layer.ts', '--input-shape', 'four,3'], /--input-shape expects positive integers/],
    [['check', 'layer.ts', '--seed', '1.5'], /--seed expects an integer ≥ 0/],
    [['check', 'layer.ts', '--export', 'Missing'], /has no export named 'Missing' \(it exports: ResidualDense\)/],
    [['check', 'notes.txt'], /expected a \.ts, \.mts, \.cts, \.js, \.mjs or \.cjs file/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ])('exits 2 on bad arguments: %j', (args, message) => {
    writeFileSync(join(dir, 'layer.ts'), correctTs);
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    const run = runHandgrad(args, dir);
    expect(run.status, run.stdout).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('compares with TensorFlow.js too when the module exports a tfjs definition, and names the tensor that disagrees', async () => {
    const project = await cliProject(['tsx', '@tensorflow']);
    try {
      const tfjs = (forward: string): string => `
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
createRequire(import.meta.url)('@tensorflow/tfjs-core/dist/register_all_gradients');
tf.env().set('IS_TEST', true);
await tf.setBackend('cpu');
export const tfjs = { tf, forward: (x: tf.Tensor2D, p: Record<string, tf.Tensor2D>) => ${forward} };
`;
      writeFileSync(join(project, 'layer.ts'), correctTs + tfjs('tf.add(x, tf.tanh(tf.add(tf.matMul(x, p.weights), p.biases)))'));
      const good = runHandgrad(['check', 'layer.ts'], project);
      expect(good.status, good.stderr + good.stdout).toBe(0);
      expect(good.stdout).toMatch(/^weights\s+\[3, 3\]\s+tfjs\s+.*ok$/m);
      expect(good.stdout).toMatch(/^PASS: 6 gradient comparisons and 4 contract checks agree$/m);
      // a tfjs definition with W transposed: the backward still matches finite differences, not tfjs
      writeFileSync(join(project, 'layer.ts'), correctTs + tfjs('tf.add(x, tf.tanh(tf.add(tf.matMul(x, p.weights, false, true), p.biases)))'));
      const bad = runHandgrad(['check', 'layer.ts'], project);
      expect(bad.status, bad.stderr).toBe(1);
      expect(bad.stdout).toMatch(/^weights\s+\[3, 3\]\s+finite differences\s+.*ok$/m);
      expect(bad.stdout).toMatch(/^weights\s+\[3, 3\]\s+tfjs\s+.*FAIL$/m);
      expect(bad.stdout).toMatch(/^FAIL weights: gradient disagrees with tfjs at \[\d, \d\]/m);
      // one that never uses the biases cannot be differentiated by tf.grads: a failure that says so
      writeFileSync(join(project, 'layer.ts'), correctTs + tfjs('tf.add(x, tf.tanh(tf.matMul(x, p.weights)))'));
      const unused = runHandgrad(['check', 'layer.ts'], project);
      expect(unused.status, unused.stderr).toBe(1);
      expect(unused.stdout).toMatch(/^FAIL tfjs reference runs: tf\.grads on the tfjs definition failed: Cannot compute gradient/m);
    } finally {
      removeProject(project);
    }
  });

  it('differentiates in float64 also when the layer imports another copy of handgrad (here: the sources)', () => {
    const sources = join(import.meta.dirname, '..', '..', 'src', 'index.ts');
    writeFileSync(join(dir, 'other-copy.ts'), correctTs.replace("from 'handgrad'", `from ${JSON.stringify(sources)}`));
    const run = runHandgrad(['check', 'other-copy.ts'], dir);
    expect(run.status, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toContain('finite differences: central, forward re-run in float64');
  });

  it('loads TypeScript with esbuild when that is the project’s transpiler', async () => {
    const project = await cliProject(['esbuild']);
    try {
      writeFileSync(join(project, 'layer.ts'), correctTs);
      const run = runHandgrad(['check', 'layer.ts'], project);
      expect(run.status, run.stderr + run.stdout).toBe(0);
      expect(run.stdout).toContain('forward re-run in float64');
    } finally {
      removeProject(project);
    }
  });

  it('without a transpiler: a .js layer still passes, a .ts layer exits 2 saying what to install', async () => {
    const project = await cliProject();
    try {
      writeFileSync(join(project, 'layer.js'), correctJs);
      const js = runHandgrad(['check', 'layer.js'], project);
      expect(js.status, js.stderr + js.stdout).toBe(0);
      expect(js.stdout).toContain('forward re-run in float64');
      writeFileSync(join(project, 'layer.ts'), correctTs);
      const ts = runHandgrad(['check', 'layer.ts'], project);
      expect(ts.status).toBe(2);
      expect(ts.stderr).toContain(`layer.ts is TypeScript, and Node ${process.version} cannot load TypeScript by itself.`);
      expect(ts.stderr).toContain('npm install --save-dev tsx');
    } finally {
      removeProject(project);
    }
  });
});
