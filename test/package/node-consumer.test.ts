/**
 * The packed package installed into fresh projects, used the ways the README's Install section says:
 * plain Node ESM, CommonJS `require` (Node's require(esm): the one ESM build, no second CommonJS copy),
 * and strict TypeScript (`strict`, `noUncheckedIndexedAccess`, `exactOptionalPropertyTypes`, no DOM lib,
 * `skipLibCheck: false`) under `moduleResolution` nodenext and bundler, compiled with the repo's tsc and run.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerProject, removeProject, repoRoot, run } from '../helpers/packed-package.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
/** The first ```ts block after a README heading, as written. */
function readmeBlock(heading: string): string {
  const at = readme.indexOf(`\n${heading}\n`);
  expect(at, `README heading ${heading}`).toBeGreaterThan(0);
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(at));
  return block![1];
}
const firstModel = readmeBlock('## A first model');

/** The Install section's ```js snippets: the ES-module one and the CommonJS one, with the output each states. */
const installSnippets = [...readme.slice(readme.indexOf('\n## Install\n')).matchAll(/```js\n([\s\S]*?)```/g)].slice(0, 2).map((m) => {
  const code = m[1]!;
  return { code, commonJs: code.includes('require('), stated: /\/\/ (\[.*)$/m.exec(code)?.[1] ?? '' };
});

/** The held-out accuracy the first model prints: `evaluate`'s object is the second `accuracy:` it logs. */
function heldOutAccuracy(stdout: string): number {
  const all = [...stdout.matchAll(/accuracy: (\d\.\d+)/g)].map((m) => Number(m[1]));
  expect(all, stdout).toHaveLength(2);
  return all[1];
}

const tsc = join(repoRoot, 'node_modules', '.bin', 'tsc');
const typeRoots = join(repoRoot, 'node_modules', '@types');

/** Compiler options of a strict consumer: no DOM, the library's .d.ts checked too. */
const strict = {
  target: 'ES2022',
  lib: ['ES2022'],
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  skipLibCheck: false,
  noEmitOnError: true,
  rootDir: 'src',
};

/** Uses the browser-safe entry only: no DOM or Node types exist in this program. */
const browserApi = `import { Adam, CategoricalCrossEntropy, Dense, ReLU, Sequential, Softmax, Tensor, spiralData, type BatchLog, type EpochLog, type FitAsyncOptions } from 'handgrad';

// lib ES2022 only, no @types/node and no DOM: declare the one host function used
declare const console: { log(...values: unknown[]): void };

const { x, y } = spiralData({ samples: 50, classes: 3, seed: 0 });
const model = new Sequential([new Dense(2, 32, { seed: 1, initializer: 'he' }), new ReLU(), new Dense(32, 3, { seed: 2 }), new Softmax()]);
model.compile({ loss: new CategoricalCrossEntropy(), optimizer: new Adam({ learningRate: 0.05 }) });
const batches: BatchLog[] = [];
const signal = { aborted: false }; // any AbortSignal-shaped object
const options: FitAsyncOptions = { epochs: 100, batchSize: 50, seed: 3, signal, onBatchEnd: (log) => void batches.push(log) };
const history: EpochLog[] = await model.fitAsync(x, y, options);
const first = history[0];
const last = history.at(-1);
if (first === undefined || last === undefined) throw new Error('no history');
const probe: Tensor = Tensor.fromArray([[0.1, 0.2]]);
const p: number | undefined = model.predict(probe).data[0];
console.log(JSON.stringify({ first: first.loss, last: last.loss, batches: batches.length, p }));
`;

/** Uses the Node entry with @types/node: files, a real AbortController. */
const nodeApi = `import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Adam, CategoricalCrossEntropy, Dense, ReLU, Sequential, Softmax, spiralData } from 'handgrad/node';

const { x, y } = spiralData({ samples: 50, classes: 3, seed: 0 });
const model = new Sequential([new Dense(2, 16, { seed: 1 }), new ReLU(), new Dense(16, 3, { seed: 2 }), new Softmax()])
  .compile({ loss: new CategoricalCrossEntropy(), optimizer: new Adam({ learningRate: 0.05 }) });
const controller = new AbortController();
await model.fitAsync(x, y, { epochs: 20, signal: controller.signal });
const path = join(mkdtempSync(join(tmpdir(), 'handgrad-ts-')), 'model.json');
await model.save(path, { includeOptimizer: true });
const loaded = await Sequential.load(path);
const a = model.predict(x).data;
console.log(JSON.stringify({ sameAfterLoad: loaded.predict(x).data.every((v, i) => v === a[i]) }));
`;

/** A CommonJS TypeScript file: tsc compiles the import to require('handgrad'), which Node serves by require(esm). */
const commonJs = `import { Tensor, availableKernels } from 'handgrad';
const t = Tensor.fromArray([[1, 2], [3, 4]]);
console.log(JSON.stringify({ shape: t.shape, kernels: availableKernels(), isCommonJs: typeof module === 'object' && typeof require === 'function' }));
`;

let esm: string;
beforeAll(async () => {
  esm = await consumerProject({
    type: 'module',
    files: {
      'first-model.mjs': firstModel,
      'install-esm.mjs': installSnippets.find((x) => !x.commonJs)?.code ?? '',
      'install-cjs.cjs': installSnippets.find((x) => x.commonJs)?.code ?? '',
      'app.cjs': `const handgrad = require('handgrad');
const node = require('handgrad/node');
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const { Adam, CategoricalCrossEntropy, Dense, ReLU, Softmax, spiralData } = handgrad;
const { x, y } = spiralData({ samples: 50, classes: 3, seed: 0 });
const model = new node.Sequential([new Dense(2, 16, { seed: 1, initializer: 'he' }), new ReLU(), new Dense(16, 3, { seed: 2 }), new Softmax()])
  .compile({ loss: new CategoricalCrossEntropy(), optimizer: new Adam({ learningRate: 0.05 }) });
const history = model.fit(x, y, { epochs: 200, batchSize: 150, seed: 3 });
const path = join(mkdtempSync(join(tmpdir(), 'handgrad-cjs-')), 'model.json');
model.save(path).then(async () => {
  const loaded = await node.Sequential.load(path);
  const viaImport = await import('handgrad');
  const a = model.predict(x).data;
  console.log(JSON.stringify({
    first: history[0].loss,
    last: history[history.length - 1].loss,
    sameAfterLoad: loaded.predict(x).data.every((v, i) => v === a[i]),
    oneCopy: viaImport.Sequential === handgrad.Sequential && node.Sequential === handgrad.Sequential && viaImport.Tensor === node.Tensor,
    kernels: handgrad.availableKernels(),
  }));
});
`,
      'src/browser-api.ts': browserApi,
      'src/node-api.ts': nodeApi,
      'src/common-js.cts': commonJs,
      'tsconfig.nodenext.json': JSON.stringify({
        compilerOptions: { ...strict, module: 'nodenext', moduleResolution: 'nodenext', outDir: 'out-nodenext', types: ['node'], typeRoots: [typeRoots] },
        include: ['src'],
      }),
      'tsconfig.bundler.json': JSON.stringify({
        compilerOptions: { ...strict, module: 'esnext', moduleResolution: 'bundler', outDir: 'out-bundler', types: [] },
        files: ['src/browser-api.ts'],
      }),
    },
  });
}, 300_000);
afterAll(() => {
  if (esm) removeProject(esm);
});

describe('the installed package in plain Node', () => {
  it.each([
    ['ES module', 'install-esm.mjs', false],
    ['CommonJS', 'install-cjs.cjs', true],
  ])("the README's Install snippet (%s) runs as written and prints what its comment says", async (_, file, commonJs) => {
    const snippet = installSnippets.find((x) => x.commonJs === commonJs);
    expect(snippet?.stated).toMatch(/^\[/);
    const r = await run(process.execPath, [file], esm);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(snippet!.stated);
  });

  it("ESM: the README's first model runs as an .mjs file and prints the held-out accuracy the sources give", async () => {
    const packed = await run(process.execPath, ['first-model.mjs'], esm);
    expect(packed.code, packed.stderr).toBe(0);
    expect(packed.stderr).toBe('');
    const accuracy = heldOutAccuracy(packed.stdout);
    expect(accuracy).toBeGreaterThan(0.7); // 3 classes: chance is 0.33

    // the same file against src/ (tsx maps 'handgrad' to the sources in this repo): identical output
    const dir = mkdtempSync(join(repoRoot, '.readme-packed-'));
    try {
      writeFileSync(join(dir, 'first-model.ts'), firstModel);
      const source = await run(join(repoRoot, 'node_modules', '.bin', 'tsx'), [join(dir, 'first-model.ts')], repoRoot);
      expect(source.code, source.stderr).toBe(0);
      expect(packed.stdout).toBe(source.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("CommonJS: require('handgrad') and require('handgrad/node') work and are the very modules import gives", async () => {
    const r = await run(process.execPath, ['app.cjs'], esm);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(''); // no ExperimentalWarning either
    const out = JSON.parse(r.stdout) as { first: number; last: number; sameAfterLoad: boolean; oneCopy: boolean; kernels: string[] };
    expect(out.last).toBeLessThan(0.7 * out.first);
    expect(out.sameAfterLoad).toBe(true);
    expect(out.oneCopy).toBe(true); // no dual-package hazard: one Sequential, one kernel choice, one registry
    expect(out.kernels).toEqual(['wasm', 'js']);
  });
});

describe('the installed package’s command', () => {
  it('npm links the bin: node_modules/.bin/handgrad runs the compiled CLI', async () => {
    const r = await run(join(esm, 'node_modules', '.bin', 'handgrad'), ['--help'], esm);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^usage: handgrad <command>/);
  });
});

describe('the installed package in a strict TypeScript project', () => {
  it('moduleResolution nodenext: type-checks (library .d.ts included) and the output runs — ESM and CommonJS', async () => {
    const compiled = await run(tsc, ['-p', 'tsconfig.nodenext.json'], esm);
    expect(compiled.stdout + compiled.stderr).toBe('');
    expect(compiled.code).toBe(0);

    const browser = await run(process.execPath, ['out-nodenext/browser-api.js'], esm);
    expect(browser.code, browser.stderr).toBe(0);
    const b = JSON.parse(browser.stdout) as { first: number; last: number; batches: number; p: number };
    expect(b.batches).toBe(300); // 150 rows in batches of 50, 100 epochs
    expect(b.last).toBeLessThan(0.7 * b.first);
    expect(b.p).toBeGreaterThan(0);

    const node = await run(process.execPath, ['out-nodenext/node-api.js'], esm);
    expect(node.code, node.stderr).toBe(0);
    expect(JSON.parse(node.stdout)).toEqual({ sameAfterLoad: true });

    expect(readFileSync(join(esm, 'out-nodenext/common-js.cjs'), 'utf8')).toContain('require("handgrad")');
    const cjs = await run(process.execPath, ['out-nodenext/common-js.cjs'], esm);
    expect(cjs.code, cjs.stderr).toBe(0);
    expect(JSON.parse(cjs.stdout)).toEqual({ shape: [2, 2], kernels: ['wasm', 'js'], isCommonJs: true });
  });

  it('moduleResolution bundler, with neither DOM nor Node types: type-checks and runs', async () => {
    const compiled = await run(tsc, ['-p', 'tsconfig.bundler.json'], esm);
    expect(compiled.stdout + compiled.stderr).toBe('');
    expect(compiled.code).toBe(0);
    const r = await run(process.execPath, ['out-bundler/browser-api.js'], esm);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { batches: number }).batches).toBe(300);
  });

  it('a type error in the consumer is reported (the check is real)', async () => {
    writeFileSync(join(esm, 'src/wrong.ts'), "import { Dense } from 'handgrad';\nexport const d = new Dense(2, 3, { seed: 'one' });\n");
    try {
      const r = await run(tsc, ['-p', 'tsconfig.nodenext.json', '--noEmit'], esm);
      expect(r.code).not.toBe(0);
      expect(r.stdout).toMatch(/src\/wrong\.ts.*error TS2322/);
    } finally {
      rmSync(join(esm, 'src/wrong.ts'));
    }
  });
});
