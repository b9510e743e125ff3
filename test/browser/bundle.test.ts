/**
 * The browser entry (`src/index.ts`) must bundle for the browser and run with no Node API at all:
 * esbuild bundles it with `platform: 'browser'` (any `node:` import would fail the build), and the bundle
 * is run in a bare V8 context (no process, require, fs or Buffer) where it trains a small model, with the
 * WebAssembly kernels loaded from their embedded bytes.
 */
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

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

    const script = `${code}
      const { Adam, CategoricalCrossEntropy, Dense, ReLU, Sequential, Softmax, spiralData, availableKernels, useKernels } = handgrad;
      const out = { kernels: availableKernels(), losses: [] };
      for (const name of out.kernels) {
        useKernels(name);
        const { x, y } = spiralData({ samples: 30, classes: 3, seed: 0 });
        const model = new Sequential([new Dense(2, 16, { seed: 1, initializer: 'he' }), new ReLU(), new Dense(16, 3, { seed: 2 }), new Softmax()]);
        model.compile({ loss: new CategoricalCrossEntropy(), optimizer: new Adam({ learningRate: 0.05 }) });
        const history = model.fit(x, y, { epochs: 300, batchSize: 90, seed: 3 });
        out.losses.push([history[0].loss, history[history.length - 1].loss]);
      }
      out.json = JSON.stringify(new Sequential([new Dense(2, 2, { seed: 1 })]).toJSON()).length;
      const exported = new Sequential([new Dense(2, 3, { seed: 1 }), new Softmax()], { inputShape: [2] });
      out.onnx = handgrad.exportOnnx(exported).length;
      out.tfjs = handgrad.exportTfjsLayers(exported).weightData.byteLength;
      out;`;
    // A fresh context has only the ECMAScript globals, plus the WebAssembly, atob and TextEncoder APIs a browser also has.
    const context = { WebAssembly, atob, TextEncoder };
    const out = runInNewContext(script, context) as { kernels: string[]; losses: [number, number][]; json: number; onnx: number; tfjs: number };

    expect(typeof (context as Record<string, unknown>).process).toBe('undefined');
    expect(out.kernels).toEqual(['wasm', 'js']);
    for (const [first, last] of out.losses) expect(last).toBeLessThan(0.8 * first);
    expect(out.json).toBeGreaterThan(0);
    expect(out.onnx).toBeGreaterThan(4 * 9); // the 9 float32 parameters and the graph around them
    expect(out.tfjs).toBe(4 * 9);
  });
});
