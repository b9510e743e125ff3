/**
 * `handgrad check` run as a user would (spawned), on a TypeScript and a JavaScript layer: a correct layer
 * passes (exit 0); each planted bug fails (exit 1) naming the tensor it breaks; bad arguments exit 2.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runHandgrad } from '../helpers/handgrad-cli.js';

const root = join(import.meta.dirname, '..', '..');
const fixtures = join(import.meta.dirname, 'fixtures');
// Inside the repository, so the layers' `import … from 'handgrad'` resolves to this package.
const dir = mkdtempSync(join(root, '.check-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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
    expect(run.stdout).toContain('forward in float32');
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
});
