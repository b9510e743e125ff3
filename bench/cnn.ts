/**
 * The CNN training step (bench/lib/cnn-workload.ts: Conv 3×3×32 → ReLU → MaxPool 2 → Conv 3×3×64 → ReLU
 * → MaxPool 2 → Flatten → Dense 128 → ReLU → Dense 10 → Softmax, 28×28×1, batch 64, Adam) for every
 * implementation in one run: handgrad on each kernel path, ConvNetJS, TensorFlow.js CPU and numpy
 * (OpenBLAS, im2col) as the native reference. All start from the same weights on the same batch, and the
 * bench stops if their first losses disagree. Implementations take turns in rounds (the order rotating),
 * so machine noise hits all alike; each times its own steps.
 *
 * tfjs-cpu needs tens of seconds per step, so it runs few steps (full run) or only its first-loss
 * forward pass (--quick).
 */
import { CNN, cnnBatch, cnnInitialWeights, type CnnTrainer, type StepTimes } from './lib/cnn-workload.js';
import { findNumpy } from './lib/python.js';
import { median } from './lib/stats.js';
import { tfInit } from './lib/tf.js';
import { convnetjsTrainer } from './cnn/convnetjs.js';
import { handgradTrainers } from './cnn/handgrad.js';
import { numpyTrainer } from './cnn/numpy.js';
import { tfjsCpuTrainer } from './cnn/tfjs.js';

export interface CnnResult {
  implementation: string;
  /** Median milliseconds of one training step on the batch of 64. */
  msPerStep: number;
  msPerImage: number;
  /** Timed steps (after the first, untimed one). 0: not timed in this run. */
  steps: number;
  /** Mean loss on the batch at the shared initial weights. */
  firstLoss: number;
}

export interface CnnBench {
  workload: string;
  results: CnnResult[];
  /** What was skipped or how a peer was run, in words, for the report. */
  notes: string[];
}

export const CNN_WORKLOAD_LABEL =
  'CNN 28×28×1 → Conv3×3×32 → ReLU → MaxPool2 → Conv3×3×64 → ReLU → MaxPool2 → Flatten → Dense128 → ReLU → Dense10 → Softmax, batch 64, Adam';

interface Entry {
  trainer: CnnTrainer;
  /** Most timed steps this implementation gets in the whole run (Infinity: as many as the budget allows). */
  maxSteps: number;
  firstLoss: number;
  firstMs: number;
  times: number[];
}

export async function benchCnn(options: { quick: boolean; log?: (line: string) => void }): Promise<CnnBench> {
  const log = options.log ?? console.log;
  const { quick } = options;
  const weights = cnnInitialWeights();
  const batch = cnnBatch();
  const notes: string[] = [];
  const trainers: { trainer: CnnTrainer; maxSteps: number }[] = [];

  for (const t of await handgradTrainers(weights, batch)) trainers.push({ trainer: t, maxSteps: Infinity });
  const numpy = findNumpy();
  if (numpy.ok) {
    const t = await numpyTrainer(numpy.python, weights, batch);
    const blas = t.info.blas.map((b) => Object.values(b).filter((v) => v !== undefined && v !== null).join(' ')).join('; ');
    notes.push(`numpy ${t.info.numpy} (${blas}), float32, one BLAS thread, OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset for it.`);
    trainers.push({ trainer: t, maxSteps: Infinity });
  } else {
    notes.push(`numpy: skipped — ${numpy.reason}.`);
  }
  trainers.push({ trainer: convnetjsTrainer(weights, batch), maxSteps: quick ? 1 : Infinity });
  notes.push('ConvNetJS 0.3.0 (npm) has no Adam: its forward/backward per image, then Adam over getParamsAndGrads() written in the bench.');
  await tfInit();
  const tfjs = await tfjsCpuTrainer(weights, batch);
  trainers.push({ trainer: tfjs, maxSteps: quick ? 0 : 1 });
  notes.push(quick ? 'tfjs-cpu: first loss only (a forward pass) in --quick; a step takes tens of seconds.' : 'tfjs-cpu: one timed step after the first (a step takes tens of seconds).');

  // First step of each: the loss at the shared initial weights (and warm-up: JIT, buffers).
  const entries: Entry[] = [];
  for (const { trainer, maxSteps } of trainers) {
    let first: StepTimes;
    if (maxSteps === 0 && trainer.firstLoss) first = { losses: [await trainer.firstLoss()], ms: [Number.NaN] };
    else first = await trainer.steps(1);
    entries.push({ trainer, maxSteps, firstLoss: first.losses[0], firstMs: first.ms[0], times: [] });
    log(`  ${trainer.name}: first loss ${first.losses[0].toFixed(6)}${Number.isFinite(first.ms[0]) ? ` (first step ${first.ms[0].toFixed(0)} ms)` : ''}`);
  }
  const reference = entries[0].firstLoss;
  const disagree = entries.filter((e) => !(Math.abs(e.firstLoss - reference) <= 1e-4 * Math.max(1, Math.abs(reference))));
  if (disagree.length > 0) {
    throw new Error(`CNN: first losses disagree (${entries.map((e) => `${e.trainer.name} ${e.firstLoss}`).join(', ')}) — the implementations do not compute the same step`);
  }

  // Rounds: each implementation runs for about `budgetMs` (at least one step) per round.
  const rounds = quick ? 2 : 4;
  const budgetMs = quick ? 400 : 3000;
  for (let r = 0; r < rounds; r++) {
    for (let o = 0; o < entries.length; o++) {
      const e = entries[(o + r) % entries.length];
      const left = e.maxSteps - e.times.length;
      if (left <= 0) continue;
      const estimate = e.times.length > 0 ? median(e.times) : e.firstMs;
      const n = Math.max(1, Math.min(left, Math.round(budgetMs / Math.max(estimate, 1e-3))));
      e.times.push(...(await e.trainer.steps(n)).ms);
    }
  }
  for (const e of entries) e.trainer.dispose();

  const results = entries.map((e): CnnResult => {
    const ms = e.times.length > 0 ? median(e.times) : Number.NaN;
    return { implementation: e.trainer.name, msPerStep: ms, msPerImage: ms / CNN.batch, steps: e.times.length, firstLoss: e.firstLoss };
  });
  for (const r of results) {
    log(`  ${r.implementation}: ${r.steps === 0 ? 'not timed' : `${r.msPerImage.toFixed(3)} ms/image (${r.msPerStep.toFixed(1)} ms/step, ${r.steps} steps)`}`);
  }
  return { workload: CNN_WORKLOAD_LABEL, results, notes };
}

const f = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : '—');

/** The CNN table: ms per step and per image, first losses, and every pair's ratio measured in this run. */
export function cnnTable(bench: CnnBench): string {
  const rs = bench.results;
  const head = ['implementation', 'ms / step (batch 64)', 'ms / image', 'steps timed', 'first loss', ...rs.map((r) => `speed-up over ${r.implementation}`)];
  const rows = rs.map((r) => [
    r.implementation,
    f(r.msPerStep, 1),
    f(r.msPerImage, 3),
    String(r.steps),
    r.firstLoss.toFixed(6),
    // how many times faster this row is than the column's implementation
    ...rs.map((c) => {
      const ratio = c.msPerStep / r.msPerStep;
      return c === r ? '' : Number.isFinite(ratio) ? `${f(ratio, ratio >= 10 ? 0 : 2)}×` : '—';
    }),
  ]);
  return [
    `**${bench.workload}**`,
    '',
    `| ${head.join(' | ')} |`,
    `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    ...bench.notes.map((n) => `- ${n}`),
  ].join('\n');
}
