/**
 * The browser entry (`src/index.ts`) must bundle for the browser and run with no Node API at all:
 * esbuild bundles it with `platform: 'browser'` (any `node:` import would fail the build), and the bundle
 * is run in a bare V8 context (no process, require, fs or Buffer) where it trains a small model with `fit`
 * and `fitAsync`, with the WebAssembly kernels loaded from their embedded bytes (test/helpers/bare-v8.ts).
 */
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { trainInBareContext } from '../helpers/bare-v8.js';

const root = join(import.meta.dirname, '..', '..');

describe('browser bundle', () => {
  it('bundles src/index.ts for the browser and trains in a context without Node APIs', async () => {
    const result = await build({
      entryPoints: [join(root, 'src/index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'iife',
      globalName: 'handgrad',
      write: false,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0].text;
    expect(code).not.toMatch(/require\(["']node:/);

    const out = await trainInBareContext(code);
    expect(out.process).toBe('undefined');
    expect(out.kernels).toEqual(['wasm', 'js']);
    for (const [first, last] of out.losses) expect(last).toBeLessThan(0.8 * first);
    // fitAsync where there is no setTimeout/setImmediate/MessageChannel: it falls back to promise turns
    expect(out.asyncLosses[1]).toBeLessThan(0.8 * out.asyncLosses[0]);
    expect(out.json).toBeGreaterThan(0);
  });
});
