/**
 * The packed package through a bundler (esbuild), as a web app or a bundled Node app gets it:
 * - the browser bundle of `handgrad` trains a model in a bare V8 context (no Node API, no DOM), the WASM
 *   kernels coming from bytes embedded in the JavaScript;
 * - `sideEffects` lets a bundler drop what an app does not use (the WASM bytes, when only data helpers
 *   are imported), yet keeps `handgrad/node`, whose import adds `save` / `load` to Sequential.
 */
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainInBareContext } from '../helpers/bare-v8.js';
import { consumerProject, removeProject, run } from '../helpers/packed-package.js';

let app: string;
beforeAll(async () => {
  app = await consumerProject({
    type: 'module',
    files: {
      'browser-entry.js': "export * from 'handgrad';\n",
      'data-only.js': "import { spiralData } from 'handgrad';\nconsole.log(spiralData({ samples: 2, classes: 2, seed: 0 }).x.rows);\n",
      'node-app.js': `import { Sequential } from 'handgrad/node';
console.log(typeof Sequential.prototype.save, typeof Sequential.load);
`,
    },
  });
}, 300_000);
afterAll(() => {
  if (app) removeProject(app);
});

async function bundle(entry: string, options: { platform: 'browser' | 'node'; format: 'iife' | 'esm'; minify?: boolean; globalName?: string }): Promise<string> {
  const result = await build({ entryPoints: [join(app, entry)], absWorkingDir: app, bundle: true, write: false, logLevel: 'silent', ...options });
  return result.outputFiles[0]!.text;
}

describe('the installed package through a bundler', () => {
  it('a browser bundle of handgrad trains with fit and fitAsync where no Node API exists', async () => {
    const code = await bundle('browser-entry.js', { platform: 'browser', format: 'iife', globalName: 'handgrad' });
    expect(code).not.toMatch(/require\(["']node:|from ["']node:/);
    const out = await trainInBareContext(code);
    expect(out.process).toBe('undefined');
    expect(out.kernels).toEqual(['wasm', 'js']);
    for (const [first, last] of out.losses) expect(last).toBeLessThan(0.8 * first);
    expect(out.asyncLosses[1]).toBeLessThan(0.8 * out.asyncLosses[0]);
  });

  it('tree-shakes: an app using only spiralData ships neither the WASM bytes nor the layers', async () => {
    const full = await bundle('browser-entry.js', { platform: 'browser', format: 'esm', minify: true });
    const small = await bundle('data-only.js', { platform: 'browser', format: 'esm', minify: true });
    const wasmMagic = 'AGFzbQ'; // "\0asm" in base64: the start of the embedded module
    expect(full).toContain(wasmMagic);
    expect(small).not.toContain(wasmMagic);
    expect(small).not.toContain('Sequential');
    expect(small.length).toBeLessThan(full.length / 5);
  });

  it('keeps handgrad/node for its side effect: Sequential gains save and load in a bundled Node app', async () => {
    const code = await bundle('node-app.js', { platform: 'node', format: 'esm' });
    const file = join(app, 'node-app.bundle.mjs');
    await import('node:fs').then((fs) => fs.writeFileSync(file, code));
    const r = await run(process.execPath, [file], app);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('function function');
  });
});
