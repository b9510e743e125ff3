/**
 * How handgrad's training step scales: time per sample of the W2 network (784→h→10) as the batch grows
 * (h = 128) and as the hidden width grows (batch 128), on every kernel path.
 */
import { availableKernels, useKernels, type KernelName } from 'handgrad';
import { median } from './lib/stats.js';
import { handgradModel, makeBatch, type Workload } from './lib/workloads.js';

export interface ScalingResult {
  axis: 'batch' | 'hidden';
  value: number;
  kernels: string;
  msPerStep: number;
  usPerSample: number;
}

function timeSteps(w: Workload, budgetMs: number): number {
  const model = handgradModel(w);
  const { x, y } = makeBatch(w);
  const times: number[] = [];
  let total = 0;
  for (let i = 0; i < 3; i++) model.trainStep(x, y); // allocate buffers, warm the JIT
  while (times.length < 5 || (total < budgetMs && times.length < 2000)) {
    const t = performance.now();
    model.trainStep(x, y);
    const dt = performance.now() - t;
    times.push(dt);
    total += dt;
  }
  return median(times);
}

export function benchScaling(quick: boolean, log: (line: string) => void): ScalingResult[] {
  const batches = quick ? [1, 16, 128, 1024] : [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];
  const widths = quick ? [16, 128, 1024] : [16, 32, 64, 128, 256, 512, 1024];
  const budget = quick ? 60 : 400;
  const results: ScalingResult[] = [];
  for (const kernels of availableKernels()) {
    useKernels(kernels as KernelName);
    for (const batch of batches) {
      const ms = timeSteps({ id: 'W2', label: '', widths: [784, 128, 10], batch }, budget);
      results.push({ axis: 'batch', value: batch, kernels, msPerStep: ms, usPerSample: (1000 * ms) / batch });
    }
    for (const h of widths) {
      const ms = timeSteps({ id: 'W2', label: '', widths: [784, h, 10], batch: 128 }, budget);
      results.push({ axis: 'hidden', value: h, kernels, msPerStep: ms, usPerSample: (1000 * ms) / 128 });
    }
    log(
      `  scaling ${kernels}: ` +
        results.filter((r) => r.kernels === kernels).map((r) => `${r.axis}=${r.value} ${r.usPerSample.toFixed(1)}µs/sample`).join(', '),
    );
  }
  useKernels(availableKernels()[0]);
  return results;
}
