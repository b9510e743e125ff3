/**
 * The README's TypeScript examples must run as written: each ```ts block is saved to a file inside the
 * repo (so `import … from 'handgrad'` resolves to this package) and executed with tsx.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
const dir = mkdtempSync(join(root, '.readme-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('README examples', () => {
  it('has TypeScript examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
  });

  blocks.forEach((code, i) => {
    const firstLine = code.split('\n').find((l) => !l.startsWith('import') && l.trim() !== '') ?? '';
    // A block starting `// file: name.ts` is a module the reader saves (e.g. a layer for `handgrad check`):
    // it must load without error but need not print; test/cli/readme-check.test.ts runs the command on it.
    const module = /^\/\/ file: \S+\.ts\n/.test(code);
    it(`block ${i + 1} runs as written (${firstLine.slice(0, 50)}…)`, () => {
      const file = join(dir, `block-${i + 1}.ts`);
      writeFileSync(file, code);
      const run = spawnSync(join(root, 'node_modules/.bin/tsx'), [file], { cwd: root, encoding: 'utf8', timeout: 120_000 });
      expect(run.stderr, run.stderr).not.toMatch(/Error/);
      expect(run.status, run.stderr).toBe(0);
      if (!module) expect(run.stdout.length).toBeGreaterThan(0);
      expect(run.stdout).not.toMatch(/NaN/);
    });
  });
});
