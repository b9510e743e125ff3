/**
 * The README's "Checking your own layer" and "Gradient health" sections, run as a reader would: the layer
 * file saved as shown, `handgrad check` run on it, then on the deliberately wrong backward the diff makes,
 * and the diagnose example; each output must equal the text block the README shows under it. Errors below
 * 1e-4 (float32 rounding of the backward, ~1e-7) are compared as "small", not digit by digit.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProject, removeProject, runHandgrad } from '../helpers/handgrad-cli.js';

const root = join(import.meta.dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const dir = mkdtempSync(join(root, '.check-cli-')); // for the diagnose example, run from the sources
let project: string; // the packed package installed, with tsx: where a reader runs `npx handgrad check`
beforeAll(async () => {
  project = await cliProject(['tsx']);
}, 300_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  removeProject(project);
});

/** The section's fenced blocks in order, as [language, body]. */
function blocks(heading: string): [string, string][] {
  const start = readme.indexOf(`\n## ${heading}`);
  expect(start, heading).toBeGreaterThan(0);
  const end = readme.indexOf('\n## ', start + 4);
  return [...readme.slice(start, end).matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => [m[1], m[2]]);
}

const small = (text: string): string => text.trim().replace(/\b\d\.\de-(0*[5-9]|[1-9]\d)\b/g, 'SMALL');

describe('README: checking your own layer', () => {
  const [layer, command, passing, diff, failing] = blocks('Checking your own layer');

  it('shows a layer file, the command, its passing report, a wrong backward and its failing report', () => {
    expect(layer[0]).toBe('ts');
    expect(layer[1]).toMatch(/^\/\/ file: scaled-tanh\.ts\n/);
    expect(command).toEqual(['sh', 'npx handgrad check scaled-tanh.ts\n']);
    expect([passing[0], diff[0], failing[0]]).toEqual(['text', 'diff', 'text']);
  });

  it('the layer passes with exit 0 and prints the report shown', () => {
    writeFileSync(join(project, 'scaled-tanh.ts'), layer[1]);
    const run = runHandgrad(['check', 'scaled-tanh.ts'], project);
    expect(run.status, run.stderr).toBe(0);
    expect(small(run.stdout)).toBe(small(passing[1]));
  });

  it('the wrong backward fails with exit 1 and prints the report shown', () => {
    const [removed, added] = ['-', '+'].map((sign) =>
      diff[1]
        .split('\n')
        .filter((l) => l.startsWith(sign))
        .map((l) => l.slice(1))
        .join('\n'),
    );
    expect(layer[1]).toContain(removed);
    writeFileSync(join(project, 'scaled-tanh.ts'), layer[1].replace(removed, added));
    const run = runHandgrad(['check', 'scaled-tanh.ts'], project);
    expect(run.status, run.stderr).toBe(1);
    expect(small(run.stdout)).toBe(small(failing[1]));
    expect(run.stdout).toMatch(/^FAIL gain: gradient disagrees with finite differences at \[0, \d\]/m);
  });
});

describe('README: gradient health', () => {
  it('the diagnose example prints the table shown', () => {
    const [code, output] = blocks('Gradient health');
    expect([code[0], output[0]]).toEqual(['ts', 'text']);
    const file = join(dir, 'diagnose-example.ts');
    writeFileSync(file, code[1]);
    const run = spawnSync(join(root, 'node_modules/.bin/tsx'), [file], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe(output[1].trim());
    expect(run.stdout).toMatch(/^1 ReLU\s.*100%\s+dead$/m);
  });
});
