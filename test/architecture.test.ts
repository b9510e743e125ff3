/**
 * Rules of the codebase that a reader can check by eye and this test checks on every run:
 * src/ has no runtime dependencies (relative imports only; Node built-ins only in the Node-only entry
 * and src/io), never touches TensorFlow.js, and never uses Math.random (all randomness is seeded).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = join(import.meta.dirname, '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Source text without comments, so documentation may name what the code must not do. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

const files = sourceFiles(src).map((path) => ({ path: relative(src, path), text: withoutComments(readFileSync(path, 'utf8')) }));
const importPattern = /(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

describe('src/ architecture rules', () => {
  it('finds the sources', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it('imports only relative modules (plus node: built-ins in src/io, src/cli and src/node.ts)', () => {
    const offenders: string[] = [];
    for (const { path, text } of files) {
      for (const m of text.matchAll(importPattern)) {
        const spec = m[1] ?? m[2];
        const nodeOnly = path.startsWith('io/') || path.startsWith('cli/') || path === 'node.ts';
        if (spec.startsWith('.')) continue;
        if (nodeOnly && spec.startsWith('node:')) continue;
        offenders.push(`${path}: ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('keeps the browser-safe entry free of the command line (src/cli is reached only through the bin)', () => {
    for (const { path, text } of files) {
      if (path.startsWith('cli/')) continue;
      for (const m of text.matchAll(importPattern)) expect(`${path}: ${m[1] ?? m[2]}`).not.toMatch(/\/cli\//);
    }
  });

  it('never mentions TensorFlow.js in code and never uses Math.random', () => {
    for (const { path, text } of files) {
      expect(text, path).not.toMatch(/@tensorflow/);
      expect(text, path).not.toMatch(/Math\.random/);
    }
  });
});

describe('examples/ use handgrad as a user would', () => {
  const examples = join(import.meta.dirname, '..', 'examples');
  const exampleFiles = sourceFiles(examples).map((path) => ({ path: relative(examples, path), text: withoutComments(readFileSync(path, 'utf8')) }));

  it("import the library only as 'handgrad' or 'handgrad/node', never from src/", () => {
    const offenders: string[] = [];
    let packageImports = 0;
    for (const { path, text } of exampleFiles) {
      for (const m of text.matchAll(importPattern)) {
        const spec = m[1] ?? m[2];
        if (spec === 'handgrad' || spec === 'handgrad/node') packageImports++;
        else if (/(^|\/)src(\/|$)/.test(spec) || spec.startsWith('handgrad/')) offenders.push(`${path}: ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
    expect(packageImports).toBeGreaterThanOrEqual(5);
  });
});
