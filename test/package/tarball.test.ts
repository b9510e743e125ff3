/**
 * What `npm pack` ships: the compiled dist/ (ESM JavaScript and .d.ts), README, LICENSE and package.json —
 * no sources, tests, benchmarks, examples, docs or .wat files, and no declaration maps (they would point at
 * sources the package does not ship) — and a package.json that publint and Are the Types Wrong (both run
 * offline on the tarball) find nothing wrong with.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { packedPackage, repoRoot, run, type PackedPackage } from '../helpers/packed-package.js';

let pkg: PackedPackage;
beforeAll(async () => {
  pkg = await packedPackage();
}, 300_000);

describe('the npm tarball', () => {
  it('holds dist/, README.md, LICENSE and package.json, nothing else', () => {
    const outside = pkg.files.filter((f) => !f.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE'].includes(f));
    expect(outside).toEqual([]);
    for (const f of ['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/node.js', 'dist/node.d.ts']) {
      expect(pkg.files).toContain(f);
    }
  });

  it('has no TypeScript sources (only .d.ts), no declaration maps and no test, bench, example or docs files', () => {
    expect(pkg.files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(pkg.files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(pkg.files.filter((f) => /(^|\/)(test|tests|bench|examples|docs|scripts)\//.test(f) || /\.test\.|vitest|\.wat$|\.ci/.test(f))).toEqual([]);
  });

  it('ships one .js and one .d.ts per source module', () => {
    const base = (suffix: string) => pkg.files.filter((f) => f.endsWith(suffix)).map((f) => f.slice(0, -suffix.length)).sort();
    const modules = base('.js');
    expect(modules.length).toBeGreaterThan(40);
    expect(base('.d.ts')).toEqual(modules);
  });

  it('embeds the WebAssembly kernels in the JavaScript (no .wasm file to fetch)', () => {
    expect(pkg.files.filter((f) => f.endsWith('.wasm'))).toEqual([]);
    expect(pkg.files).toContain('dist/tensor/kernels/wasm/matmul-bytes.js');
  });

  it('publint reports no problem, not even a suggestion', async () => {
    const tarball = readFileSync(pkg.tarball);
    const { messages, pkg: manifest } = await publint({ pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) }, level: 'suggestion', strict: true });
    expect(messages.map((m) => `${m.type}: ${formatMessage(m, manifest, { color: false }) ?? m.code}`)).toEqual([]);
  });

  it('Are the Types Wrong reports no problem (config: .attw.json)', async () => {
    // .attw.json: profile node16 (node10 resolution is gone from TypeScript 7 and deprecated before it) and
    // cjs-resolves-to-esm ignored: attw predates require(esm) (its issue #252), which every Node version in
    // engines has; test/package/node-consumer.test.ts proves that require('handgrad') works.
    const r = await run(join(repoRoot, 'node_modules', '.bin', 'attw'), [pkg.tarball, '--format', 'json'], repoRoot);
    expect(r.code, r.stdout.slice(0, 2000)).toBe(0);
    // the JSON lists every finding, the ignored ones included: exactly those two kinds may appear
    const { analysis } = JSON.parse(r.stdout) as { analysis: { problems: { kind: string; resolutionKind?: string; entrypoint?: string }[] } };
    const problems = analysis.problems.filter((p) => p.kind !== 'CJSResolvesToESM' && p.resolutionKind !== 'node10');
    expect(problems).toEqual([]);
    expect(analysis.problems.length).toBeGreaterThan(0); // the check did run and saw the entry points
  });
});
