/**
 * The playground in real Chromium (Debian's, driven by playwright-core): build the site, serve it on
 * 127.0.0.1, train the spiral in the page's worker, and check what a person would: no console errors, the
 * accuracy it reaches, that the page keeps drawing frames while training, that the inspector's dL/dw is
 * handgrad's own (recomputed here in Node from the same model and batch) and agrees with its central
 * difference, and that the gradient check passes. A screenshot goes to out/playground.png.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlayground, distDir } from '../../examples/playground/build.js';
import { CategoricalCrossEntropy, Dense, Sequential, Tensor } from '../../src/index.js';

const root = join(import.meta.dirname, '..', '..');
const CHROMIUM = process.env.HANDGRAD_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOT = join(root, 'out', 'playground.png');

interface Exposed {
  weight: { layer: number; i: number; j: number };
  handgrad: number;
  numeric: number[];
  replayed: number;
  model: unknown;
  batchX: number[];
  batchY: number[];
}

declare global {
  interface Window {
    handgradPlayground: {
      progress(): { epoch: number; trainAccuracy: number; running: boolean };
      inspection(): Exposed | null;
    };
  }
}

/** Animation frames per second over `ms` of the page's own clock. */
function framesPerSecond(page: Page, ms: number): Promise<number> {
  return page.evaluate(
    (window) =>
      new Promise<number>((resolve) => {
        let frames = 0;
        const start = performance.now();
        const frame = (now: number): void => {
          frames++;
          if (now - start < window) requestAnimationFrame(frame);
          else resolve((frames * 1000) / (now - start));
        };
        requestAnimationFrame(frame);
      }),
    ms,
  );
}

/** dL/dW of every Dense layer for the exposed step, computed here from the model JSON and the batch. */
function nodeGradients(exposed: Exposed): Map<number, Float32Array> {
  const model = Sequential.fromJSON(exposed.model);
  const loss = new CategoricalCrossEntropy();
  const x = Tensor.fromArray(Array.from({ length: exposed.batchY.length }, (_, n) => exposed.batchX.slice(2 * n, 2 * n + 2)));
  const y = Int32Array.from(exposed.batchY);
  model.backward(model.forward(x, { training: true }), y, loss);
  const grads = new Map<number, Float32Array>();
  model.layers.forEach((layer, index) => {
    if (layer instanceof Dense) grads.set(index, layer.dweights.data.slice());
  });
  return grads;
}

describe('playground in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let server: esbuild.BuildContext;
  const errors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium not found at ${CHROMIUM}: install it with 'apt-get install -y chromium' (.ci/run does) or set HANDGRAD_CHROMIUM`);
    }
    await buildPlayground();
    server = await esbuild.context({});
    const { port } = await server.serve({ servedir: distDir, host: '127.0.0.1', port: 0 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // Without the networking flags Chromium keeps calling home, and this machine's network is closed.
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.getByTestId('boundary').waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
  });

  let idleFps = 0;
  let trainingFps = 0;

  it('trains the spiral in the worker to ≥ 0.9 training accuracy while the page keeps drawing', async () => {
    expect(await page.getByTestId('dataset').inputValue()).toBe('spiral');
    idleFps = await framesPerSecond(page, 1500);
    // Flat out: the worker trains as fast as it can while the page counts its frames.
    await page.getByTestId('speed').selectOption('max');
    await page.getByTestId('play').click();
    await page.waitForFunction(() => window.handgradPlayground.progress().epoch >= 5, null, { timeout: 20_000 });
    trainingFps = await framesPerSecond(page, 2000);
    const stillTraining = await page.evaluate(() => window.handgradPlayground.progress().running);
    console.log(`playground: ${idleFps.toFixed(1)} fps idle, ${trainingFps.toFixed(1)} fps while training`);
    expect(stillTraining).toBe(true);
    // Training on the page's own thread would stall it for seconds (a few fps at most). The machine is shared
    // (and this suite runs test files in parallel on 2 cores), so the bar is relative: 35 % of the idle
    // page's rate (21 fps at 60), at most 30. Measured here: 28–52 fps while training, 56–60 idle.
    expect(trainingFps).toBeGreaterThanOrEqual(Math.min(30, 0.35 * idleFps));

    // A fresh model, trained until it first reaches 0.9 (the picture for the screenshot, before it overfits).
    await page.getByTestId('reset').click();
    await page.waitForFunction(() => window.handgradPlayground.progress().epoch === 0);
    await page.getByTestId('play').click();
    const reached = await page.waitForFunction(
      () => {
        const p = window.handgradPlayground.progress();
        return p.trainAccuracy >= 0.9 ? { accuracy: p.trainAccuracy, shown: document.querySelector('[data-testid="train-accuracy"]')?.textContent } : false;
      },
      null,
      { timeout: 40_000, polling: 50 },
    );
    const { accuracy, shown } = (await reached.jsonValue()) as { accuracy: number; shown: string };
    console.log(`playground: train accuracy ${accuracy.toFixed(3)} reached`);
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
    expect(shown).toBe(accuracy.toFixed(3)); // the header shows what the worker reported
    await page.getByTestId('play').click(); // pause (a few more steps may run before the worker hears it)
    await page.waitForFunction(() => !window.handgradPlayground.progress().running);
    expect(Number(await page.getByTestId('test-accuracy').textContent())).toBeGreaterThan(0.5);
    expect(Number(await page.getByTestId('epoch').textContent())).toBeGreaterThan(0);
  }, 60_000);

  it("shows the chain rule for a weight, with handgrad's dL/dw and its central difference", async () => {
    // Any weight first, to learn the step being replayed; then the one with the largest gradient in the
    // middle layer (a tiny gradient would make the comparison with the finite difference meaningless).
    const middle = 2; // layers: Dense, ReLU, Dense, ReLU, Dense, Softmax
    await page.locator(`[data-testid="weight"][data-layer="${middle}"]`).first().dispatchEvent('click');
    await page.waitForFunction(() => window.handgradPlayground.inspection() !== null);
    const first = (await page.evaluate(() => window.handgradPlayground.inspection())) as Exposed;
    const grads = nodeGradients(first).get(middle) as Float32Array;
    let best = 0;
    for (let k = 1; k < grads.length; k++) if (Math.abs(grads[k]) > Math.abs(grads[best])) best = k;
    const nOut = 16;
    const [i, j] = [Math.floor(best / nOut), best % nOut];

    await page.locator(`[data-testid="weight"][data-layer="${middle}"][data-i="${i}"][data-j="${j}"]`).dispatchEvent('click');
    await page.waitForFunction(([i, j]) => {
      const w = window.handgradPlayground.inspection()?.weight;
      return w?.i === i && w?.j === j;
    }, [i, j] as const);
    const exposed = (await page.evaluate(() => window.handgradPlayground.inspection())) as Exposed;
    const expected = (nodeGradients(exposed).get(middle) as Float32Array)[best];
    const inspector = page.getByTestId('weight-inspector');
    const shown = Number(await inspector.getByTestId('inspector-handgrad').getAttribute('data-value'));
    const numeric = (await inspector.getByTestId('inspector-numeric').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.value))).map(Number);

    expect(Math.abs(expected)).toBeGreaterThan(1e-4);
    // The worker's trainStep and this process computed the same float32 products — to rounding, not bit for
    // bit: Chromium runs the relaxed-SIMD kernels (fused multiply-adds), Node 20 the plain ones, and the
    // difference (≲ k·u per product, k ≤ 64 here) grows through three layers of the backward pass.
    expect(Math.abs(shown - expected)).toBeLessThanOrEqual(1e-5 * Math.abs(expected));
    expect(Math.abs(exposed.replayed - expected)).toBeLessThanOrEqual(1e-5 * Math.abs(expected));
    // Central differences in float32 at two steps (a step can straddle a ReLU kink; both rarely do): the closer
    // agrees to ~1e-3 relative on a gradient this size.
    expect(numeric).toEqual(exposed.numeric);
    expect(numeric).toHaveLength(2);
    expect(Math.min(...numeric.map((n) => Math.abs(n - expected)))).toBeLessThanOrEqual(1e-2 * Math.abs(expected));

    const text = (await inspector.textContent()) ?? '';
    for (const formula of ['dL/dz = (ŷ − y) / N', 'dL/dX = dL/dY · Wᵀ', 'dL/dx = dL/dy · 1[x > 0]', 'dL/dW = Xᵀ · dL/dY']) {
      expect(text).toContain(formula);
    }
  }, 30_000);

  it('writes a screenshot', async () => {
    await mkdir(join(root, 'out'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect((await stat(SCREENSHOT)).size).toBeGreaterThan(50_000);
  });

  it('exports the trained model as handgrad JSON, ONNX and TF.js Layers files', async () => {
    const download = async (testid: string, count = 1): Promise<Map<string, Buffer>> => {
      const files = new Map<string, Buffer>();
      const arriving = new Promise<void>((resolve) => {
        page.on('download', async function collect(d) {
          files.set(d.suggestedFilename(), await readFile(await d.path()));
          if (files.size === count) {
            page.off('download', collect);
            resolve();
          }
        });
      });
      await page.getByTestId(testid).click();
      await arriving;
      return files;
    };
    const json = await download('export-handgrad');
    const model = Sequential.fromJSON(JSON.parse(json.get('handgrad-model.json')?.toString() ?? 'null'));
    expect(model.layers.map((l) => l.name)).toEqual(['Dense(2→16)', 'ReLU', 'Dense(16→16)', 'ReLU', 'Dense(16→3)', 'Softmax']);

    const parameters = 2 * 16 + 16 + 16 * 16 + 16 + 16 * 3 + 3;
    const onnx = (await download('export-onnx')).get('handgrad-model.onnx') as Buffer;
    expect(onnx[0]).toBe(0x08); // ModelProto field 1 (ir_version), a varint
    expect(onnx.length).toBeGreaterThan(4 * parameters);

    const tfjs = await download('export-tfjs', 2);
    const manifest = JSON.parse(tfjs.get('model.json')?.toString() ?? 'null');
    expect(manifest.format).toBe('layers-model');
    expect(manifest.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(tfjs.get('weights.bin')?.length).toBe(4 * parameters);
  }, 30_000);

  it('runs the gradient check on a freshly seeded model after 40 steps, and every parameter passes', async () => {
    // A fixed state (seed 1, 40 single steps from a reset), not wherever the pause above landed: the model's
    // state then depends on timing, and a trained ReLU net can put a weight right at a kink, where a central
    // difference measures the average of two slopes. With the state fixed, the check's numbers are the same on
    // every run (printed below), so the test cannot flake on timing.
    await page.getByTestId('reset').click();
    await expect.poll(async () => page.getByTestId('steps').textContent()).toBe('0');
    for (let k = 1; k <= 40; k++) {
      await page.getByTestId('step').click();
      await expect.poll(async () => page.getByTestId('steps').textContent()).toBe(String(k));
    }
    await page.getByTestId('grad-check').click();
    const rows = page.getByTestId('check-result').locator('tr');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(7); // header + weights/biases of 3 Dense layers
    console.log(`playground gradient check: ${(await page.getByTestId('check-result').locator('tr').allInnerTexts()).slice(1).join(' | ').replace(/\s+/g, ' ')}`);
    const verdicts = await page.getByTestId('check-result').locator('td.ok, td.warn').allTextContents();
    expect(verdicts).toEqual(Array(6).fill('✓ pass'));
  }, 60_000);

  it('switches data sets and starts over', async () => {
    await page.getByTestId('dataset').selectOption('circles');
    await expect.poll(async () => page.getByTestId('epoch').textContent()).toBe('0');
    await page.getByTestId('step').click();
    await expect.poll(async () => page.getByTestId('steps').textContent()).toBe('1');
  });

  it('logged no console errors', () => {
    expect(errors).toEqual([]);
  });
});
