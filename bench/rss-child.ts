/**
 * Child process of the RSS benchmark: trains W2 for `steps` steps on the default kernels and prints one
 * JSON line of resident-set-size samples. Runs alone so TensorFlow.js and other benchmarks do not
 * pollute its memory.
 */
import { getKernels } from 'handgrad';
import { WORKLOADS, handgradModel, makeBatch } from './lib/workloads.js';

const steps = Number(process.argv[2] ?? 10000);
const w = WORKLOADS[1];
const model = handgradModel(w);
const { x, y } = makeBatch(w);
const every = Math.max(1, Math.floor(steps / 40));
const samples: { step: number; rssMB: number; heapMB: number }[] = [];
const mb = (bytes: number) => bytes / 2 ** 20;
const t0 = performance.now();
for (let s = 1; s <= steps; s++) {
  model.trainStep(x, y);
  if (s === 1 || s % every === 0) {
    const m = process.memoryUsage();
    samples.push({ step: s, rssMB: mb(m.rss), heapMB: mb(m.heapUsed) });
  }
}
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ kernels: getKernels().name, steps, seconds, maxRssMB: process.resourceUsage().maxRSS / 1024, samples }));
