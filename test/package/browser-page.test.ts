/**
 * The packed package in real Chromium (Debian's, driven by playwright-core) with no bundler: a page loads
 * `dist/index.js` with `<script type="module">` from a static server, the way the README's Install section
 * shows with a CDN URL. It runs the README's page as written (only the URL points at the local server), and
 * a page that trains with `fitAsync` while it keeps drawing frames — and a timer that aborts training fires
 * on time, which a synchronous `fit` would not allow. A cross-origin isolated page (COOP/COEP headers) trains a
 * CNN on 2 threads — the worker pool's Web Workers from a Blob URL, running products, Adam updates and
 * convolution jobs on the page's shared memory — to the same bits as on 1 thread.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerProject, removeProject, repoRoot } from '../helpers/packed-package.js';

const CHROMIUM = process.env.HANDGRAD_CHROMIUM ?? '/usr/bin/chromium';
const CDN = 'https://cdn.jsdelivr.net/npm/handgrad@0.1.0/dist/index.js';
const LOCAL = '/node_modules/handgrad/dist/index.js';

const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');
const readmePage = /```html\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('\n## Install\n')))?.[1] ?? '';

const responsivePage = `<pre id="log"></pre>
<script type="module">
  import { Adam, CategoricalCrossEntropy, Dense, ReLU, Sequential, Softmax, spiralData } from '${LOCAL}';

  const { x, y } = spiralData({ samples: 1000, classes: 3, seed: 0 });
  const model = new Sequential([new Dense(2, 64, { seed: 1, initializer: 'he' }), new ReLU(), new Dense(64, 3, { seed: 2 }), new Softmax()])
    .compile({ loss: new CategoricalCrossEntropy(), optimizer: new Adam({ learningRate: 0.01 }) });
  const frames = [];
  let drawing = true;
  const frame = (t) => { frames.push(t); if (drawing) requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
  const stop = new AbortController();
  const started = performance.now();
  setTimeout(() => stop.abort(), 600); // only fires if the page gets its turns while training
  let batches = 0;
  let reason = 'not aborted';
  try {
    await model.fitAsync(x, y, { epochs: 1000000, batchSize: 32, seed: 3, signal: stop.signal, onBatchEnd: () => void batches++ });
  } catch (err) {
    reason = err.name;
  }
  drawing = false;
  const gaps = frames.slice(1).map((t, i) => t - frames[i]);
  document.getElementById('log').textContent = JSON.stringify({
    reason, batches, frames: frames.length, ms: performance.now() - started, longestFrameGap: Math.max(...gaps),
  });
</script>`;

// Conv2D (direct: no padding, 16 filters) with BN and max pooling over 32 images, then a Dense of 576·128:
// products, Adam (73 728 weights) and convolution/BN/pooling jobs all large enough to be split across threads.
const isolatedPage = `<pre id="log"></pre>
<script type="module">
  import {
    Adam, BatchNormalization, CategoricalCrossEntropy, Conv2D, Dense, Flatten, MaxPool2D, Random, ReLU, Sequential, Softmax,
    Tensor, WasmKernels, setKernels, threadsSupported,
  } from '${LOCAL}';

  async function train(threads) {
    const kernels = new WasmKernels({ threads });
    setKernels(kernels);
    // workers start asynchronously (the page must give them turns): products big enough to split start them
    const a = new Float32Array(128 * 128);
    for (let i = 0; i < 300 && kernels.readyWorkers < threads - 1; i++) {
      kernels.matmul(a, a, new Float32Array(128 * 128), 128, 128, 128);
      await new Promise((r) => setTimeout(r, 10));
    }
    const rng = new Random(5);
    const x = new Tensor([32, 14, 14, 8]);
    rng.fillUniform(x.data, 0, 1);
    const y = new Int32Array(32).map(() => rng.int(10));
    const model = new Sequential([
      new Conv2D(8, 16, { kernelSize: 3, activation: 'relu', seed: 1, initializer: 'he' }),
      new BatchNormalization(16),
      new MaxPool2D({ poolSize: 2 }),
      new Flatten(),
      new Dense(576, 128, { seed: 2, initializer: 'he' }),
      new ReLU(),
      new Dense(128, 10, { seed: 3 }),
      new Softmax(),
    ]).compile({ loss: new CategoricalCrossEntropy(), optimizer: new Adam({ learningRate: 0.01 }) });
    const losses = [0, 1, 2].map(() => model.trainStep(x, y));
    const params = model.parameters().map((p) => Array.from(p.value.data));
    return { threads: kernels.threads, ready: kernels.readyWorkers, losses, params, resident: kernels.isResident(x.data) };
  }

  try {
    const one = await train(1);
    const two = await train(2);
    let differing = 0;
    one.params.forEach((p, i) => p.forEach((v, j) => void (Object.is(v, two.params[i][j]) || differing++)));
    document.getElementById('log').textContent = JSON.stringify({
      isolated: crossOriginIsolated, supported: threadsSupported(), threads: two.threads, ready: two.ready,
      resident: two.resident, lossesOne: one.losses, lossesTwo: two.losses, differing,
    });
  } catch (err) {
    document.getElementById('log').textContent = JSON.stringify({ error: String(err?.stack ?? err) });
  }
</script>`;

let project: string;
let server: Server;
let base: string;
let browser: Browser;

beforeAll(async () => {
  expect(readmePage).toContain(CDN);
  project = await consumerProject({
    type: 'module',
    files: { 'readme.html': readmePage.replace(CDN, LOCAL), 'responsive.html': responsivePage, 'isolated.html': isolatedPage },
  });
  server = createServer((req, res) => {
    if (req.url === '/favicon.ico') return void res.writeHead(204).end(); // the browser asks; the pages have none
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname));
    const type = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' }[extname(path)] ?? 'application/octet-stream';
    // isolated.html is cross-origin isolated (SharedArrayBuffer, shared WebAssembly memory, threads)
    const isolation = path.endsWith('isolated.html')
      ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }
      : {};
    readFile(join(project, path)).then(
      (body) => res.writeHead(200, { 'content-type': type, ...isolation }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // Without the networking flags Chromium keeps calling home, and this machine's network is closed.
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
  if (project) removeProject(project);
});

/** Opens a page, waits until the script has written `done` (or JSON) into #log, and returns the text and errors. */
async function openPage(name: string, until: string): Promise<{ log: string; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
  try {
    await page.goto(`${base}/${name}`);
    await page.waitForFunction((text) => document.getElementById('log')?.textContent?.includes(text), until, { timeout: 60_000 });
    return { log: (await page.textContent('#log')) ?? '', errors };
  } finally {
    await page.close();
  }
}

describe('the installed package in Chromium, from <script type="module"> with no bundler', () => {
  it("runs the README's page as written (CDN URL pointed at the local server)", async () => {
    const { log, errors } = await openPage('readme.html', 'done');
    expect(errors).toEqual([]);
    const accuracy = Number(/epoch 500: accuracy (\d\.\d+)/.exec(log)?.[1]);
    expect(accuracy, log).toBeGreaterThan(0.8); // 3 classes: chance is 0.33
  });

  it('fitAsync keeps the page responsive: frames keep coming and an abort timer fires during training', async () => {
    const { log, errors } = await openPage('responsive.html', '"reason"');
    expect(errors).toEqual([]);
    const out = JSON.parse(log) as { reason: string; batches: number; frames: number; ms: number; longestFrameGap: number };
    console.log(`fitAsync in Chromium: ${out.batches} batches and ${out.frames} frames in ${out.ms.toFixed(0)} ms; longest gap between frames ${out.longestFrameGap.toFixed(0)} ms`);
    expect(out.reason).toBe('AbortError'); // the 600 ms timer ran while training was under way
    expect(out.batches).toBeGreaterThan(0);
    expect(out.frames).toBeGreaterThanOrEqual(3); // painting continued (a blocked page draws none)
  });

  it('a cross-origin isolated page trains a CNN on 2 threads (Blob-URL workers: products, Adam, conv jobs) to the bits of 1 thread', async () => {
    const { log, errors } = await openPage('isolated.html', '{');
    expect(errors).toEqual([]);
    const out = JSON.parse(log) as {
      error?: string; isolated: boolean; supported: boolean; threads: number; ready: number; resident: boolean;
      lossesOne: number[]; lossesTwo: number[]; differing: number;
    };
    expect(out.error).toBeUndefined();
    expect(out.isolated).toBe(true);
    expect(out.supported).toBe(true);
    expect(out.threads).toBe(2);
    expect(out.ready, 'the Web Worker started and took jobs').toBe(1);
    expect(out.resident).toBe(true);
    expect(out.lossesTwo).toEqual(out.lossesOne);
    expect(out.lossesOne[2]).toBeLessThan(out.lossesOne[0]);
    expect(out.differing, 'parameters differing between 1 and 2 threads after 3 steps').toBe(0);
  });
});
