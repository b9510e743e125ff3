/**
 * `npx tsx bench/cnn-profile.ts [--threads 1] [--steps 40] [--kernels wasm]`: where the CNN bench's
 * training step goes, layer by layer. Every layer's forward and backward (and the optimizer's update) is
 * wrapped in a timer; the table gives the median milliseconds per step of each part and its share.
 * A development tool, not part of `npm run bench`: the wrapping itself costs a few microseconds per call.
 */
import { Command } from 'commander';
import { Adam, CategoricalCrossEntropy, Sequential, Tensor, setThreads, useKernels, type Layer } from 'handgrad';
import { CNN, CNN_ADAM, cnnBatch, cnnInitialWeights } from './lib/cnn-workload.js';
import { buildCnnLayers } from './cnn/handgrad.js';
import { median } from './lib/stats.js';

const opts = new Command()
  .option('--threads <n>', 'threads for the wasm kernels', '1')
  .option('--steps <n>', 'timed steps', '40')
  .option('--kernels <name>', 'kernel set', 'wasm')
  .option('--separate-relu', 'ReLU layers after the convolutions instead of their fused activation', false)
  .parse()
  .opts<{ threads: string; steps: string; kernels: 'wasm' | 'js'; separateRelu: boolean }>();

useKernels(opts.kernels);
setThreads(Number(opts.threads));
const layers = buildCnnLayers(cnnInitialWeights(), !opts.separateRelu);
const times = new Map<string, number[]>();
let current = new Map<string, number>();

function timed<T>(label: string, run: () => T): T {
  const t = performance.now();
  const out = run();
  current.set(label, (current.get(label) ?? 0) + performance.now() - t);
  return out;
}

layers.forEach((layer: Layer, i) => {
  const label = `${i}:${layer.name}`;
  const forward = layer.forward.bind(layer);
  const backward = layer.backward.bind(layer);
  layer.forward = (x, o) => timed(`${label} fwd`, () => forward(x, o));
  layer.backward = (d) => timed(`${label} bwd`, () => backward(d));
  const bp = layer.backwardParameters?.bind(layer);
  if (bp) layer.backwardParameters = (d) => timed(`${label} bwd`, () => bp(d));
});
const optimizer = new Adam(CNN_ADAM);
const step = optimizer.step.bind(optimizer);
optimizer.step = (p) => timed('Adam update', () => step(p));
const model = new Sequential(layers).compile({ loss: new CategoricalCrossEntropy(), optimizer });
const batch = cnnBatch();
const x = new Tensor([CNN.batch, CNN.height, CNN.width, CNN.channels], batch.x.slice());

const totals: number[] = [];
const steps = Number(opts.steps);
for (let s = 0; s < steps + 3; s++) {
  current = new Map();
  const t = performance.now();
  model.trainStep(x, batch.y);
  const total = performance.now() - t;
  if (s < 3) continue; // warm-up
  totals.push(total);
  let parts = 0;
  for (const [k, v] of current) {
    parts += v;
    if (!times.has(k)) times.set(k, []);
    times.get(k)?.push(v);
  }
  if (!times.has('rest (loss, checks, undo copy)')) times.set('rest (loss, checks, undo copy)', []);
  times.get('rest (loss, checks, undo copy)')?.push(total - parts);
}
const stepMs = median(totals);
console.log(`${opts.kernels}, ${opts.threads} thread(s): ${stepMs.toFixed(2)} ms/step, ${(stepMs / CNN.batch).toFixed(3)} ms/image (median of ${steps})`);
console.log('| part | ms/step | share |\n| --- | ---: | ---: |');
for (const [k, v] of times) {
  const m = median(v);
  console.log(`| ${k} | ${m.toFixed(2)} | ${((100 * m) / stepMs).toFixed(1)} % |`);
}
setThreads(1);
