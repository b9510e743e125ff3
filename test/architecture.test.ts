/**
 * Rules of the codebase that a reader can check by eye and this test checks on every run:
 * src/ has no runtime dependencies (relative imports only; Node built-ins only in the Node-only entry
 * and src/io), never touches TensorFlow.js, and never uses Math.random (all randomness is seeded).
 * Folders import only the folders below them (/work/shared/ARCHITECTURE.md: data flows one way), and the
 * model knows layers and losses only through their interfaces.
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

/**
 * Which folders each folder of src/ may import (besides itself). Arrows point down the layering
 * core/tensor → layers → losses → metrics/optimizers → model → diagnostics/interop/io → entries.
 * Entries that are a file ('layers/layer.ts') allow that file only.
 */
const ALLOWED_IMPORTS: Record<string, readonly string[]> = {
  // core/validate.ts is pure; core/labels.ts checks that targets are Tensors
  core: ['tensor/tensor.ts'],
  // the numeric kernels: nothing above them
  tensor: [],
  layers: ['core', 'tensor'],
  // a loss may fuse its backward with the layer before it (cross-entropy after Softmax)
  losses: ['core', 'tensor', 'layers'],
  metrics: ['core', 'tensor', 'losses'],
  // optimizers walk { value, grad } parameters and know no layer type
  optimizers: ['core', 'tensor', 'layers/layer.ts'],
  data: ['core', 'tensor'],
  model: ['core', 'tensor', 'layers', 'losses', 'metrics', 'optimizers', 'data'],
  diagnostics: ['core', 'tensor', 'layers', 'losses', 'metrics', 'optimizers', 'model', 'data'],
  interop: ['core', 'tensor', 'layers', 'losses', 'metrics', 'optimizers', 'model', 'data'],
  io: ['core', 'tensor', 'data', 'model', 'interop'],
  cli: ['core', 'tensor', 'layers', 'losses', 'metrics', 'optimizers', 'model', 'data', 'diagnostics', 'io', 'index.ts', 'node.ts'],
  'index.ts': ['core', 'tensor', 'layers', 'losses', 'metrics', 'optimizers', 'model', 'data', 'diagnostics', 'interop'],
  'node.ts': ['core', 'tensor', 'layers', 'losses', 'metrics', 'optimizers', 'model', 'data', 'diagnostics', 'interop', 'io', 'index.ts'],
};

/** The folder of a path relative to src/ ('layers/dense.ts' → 'layers'), or the file itself at the top. */
const folderOf = (path: string): string => (path.includes('/') ? path.slice(0, path.indexOf('/')) : path);

/** Relative import specifier `spec` of `from` as a path relative to src/, '.js' read as '.ts'. */
function resolveImport(from: string, spec: string): string {
  return relative(src, join(src, from, '..', spec)).replace(/\\/g, '/').replace(/\.js$/, '.ts');
}

describe('src/ layering', () => {
  it('every folder imports only the folders below it (the table above)', () => {
    const offenders: string[] = [];
    for (const { path, text } of files) {
      const folder = folderOf(path);
      const allowed = ALLOWED_IMPORTS[folder];
      if (allowed === undefined) {
        offenders.push(`${path}: src/${folder} is not in ALLOWED_IMPORTS; add it with the folders it may import`);
        continue;
      }
      for (const m of text.matchAll(importPattern)) {
        const spec = m[1] ?? m[2];
        if (!spec.startsWith('.')) continue;
        const target = resolveImport(path, spec);
        const targetFolder = folderOf(target);
        if (targetFolder === folder || allowed.includes(targetFolder) || allowed.includes(target)) continue;
        offenders.push(`${path} imports ${target}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('src/model uses no instanceof on a concrete layer or loss class (it asks their interfaces)', () => {
    const offenders: string[] = [];
    for (const { path, text } of files.filter((f) => folderOf(f.path) === 'model')) {
      const fromLayersOrLosses = new Set<string>();
      for (const m of text.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+['"](\.\.\/(?:layers|losses)\/[^'"]+)['"]/g)) {
        for (const name of m[1].split(',')) fromLayersOrLosses.add(name.replace(/\btype\b/, '').split(/\s+as\s+/).pop()!.trim());
      }
      for (const m of text.matchAll(/instanceof\s+([A-Za-z_$][\w$]*)/g)) {
        if (fromLayersOrLosses.has(m[1])) offenders.push(`${path}: instanceof ${m[1]}`);
      }
    }
    expect(offenders).toEqual([]);
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
