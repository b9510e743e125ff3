/**
 * The full training step (forward, loss, backward, SGD update) of W1/W2/W3 for handgrad on each kernel
 * path and for TensorFlow.js (CPU and WebAssembly backends): same initial weights, same batch, timed
 * interleaved in one process (round-robin, rotating the order each round) so machine noise hits every
 * implementation alike. Also checks that every implementation's first loss agrees.
 */
import { availableKernels, useKernels, type KernelName, type Sequential } from 'handgrad';
import { tfInit, useTfBackend, type TfBackend } from './lib/tf.js';
import { WORKLOADS, handgradModel, makeBatch, tfTrainer, type Workload } from './lib/workloads.js';
import { median } from './lib/stats.js';

export interface TrainResult {
  workload: string;
  implementation: string;
  msPerStep: number;
  steps: number;
  firstLoss: number;
}

interface Impl {
  name: string;
  prepare(): Promise<void>;
  step(): number;
  dispose(): void;
}

function handgradImpl(w: Workload, kernels: KernelName): Impl {
  const model: Sequential = handgradModel(w);
  const { x, y } = makeBatch(w);
  return {
    name: `handgrad ${kernels}`,
    async prepare() {
      useKernels(kernels);
    },
    step: () => model.trainStep(x, y),
    dispose() {},
  };
}

async function tfImpl(w: Workload, backend: TfBackend): Promise<Impl> {
  await useTfBackend(backend);
  const trainer = tfTrainer(handgradModel(w), makeBatch(w), w.widths[w.widths.length - 1]);
  return {
    name: `tfjs ${backend}`,
    prepare: () => useTfBackend(backend),
    step: () => trainer.step(),
    dispose: () => trainer.dispose(),
  };
}

export interface TrainOptions {
  quick: boolean;
  /** Workload ids to run (default all). */
  only?: readonly string[];
  log?: (line: string) => void;
}

/** Runs the interleaved training-step benchmark; throws if first losses disagree. */
export async function benchTrainingSteps(options: TrainOptions): Promise<TrainResult[]> {
  const log = options.log ?? console.log;
  await tfInit();
  const rounds = options.quick ? 3 : 8;
  const budgetMs = options.quick ? 120 : 600; // per implementation per round
  const results: TrainResult[] = [];
  for (const w of WORKLOADS) {
    if (options.only && !options.only.includes(w.id)) continue;
    const impls: Impl[] = [
      ...availableKernels().map((k) => handgradImpl(w, k)),
      await tfImpl(w, 'cpu'),
      await tfImpl(w, 'wasm'),
    ];
    // first step of each: the loss at identical initial weights (and buffers get allocated)
    const firstLoss: number[] = [];
    const estimate: number[] = [];
    for (const impl of impls) {
      await impl.prepare();
      firstLoss.push(impl.step());
      // warm up (JIT, caches) for a few steps or a third of a round's budget, and estimate the step time
      const warm: number[] = [];
      let spent = 0;
      while (warm.length < 3 || (spent < budgetMs / 3 && warm.length < 50)) {
        const t = performance.now();
        impl.step();
        const dt = performance.now() - t;
        warm.push(dt);
        spent += dt;
      }
      estimate.push(median(warm));
    }
    const reference = firstLoss[0];
    const bad = impls.filter((_, i) => !(Math.abs(firstLoss[i] - reference) <= 1e-4 * Math.max(1, Math.abs(reference))));
    log(`${w.label}: first losses ${impls.map((m, i) => `${m.name}=${firstLoss[i].toFixed(6)}`).join(', ')}`);
    if (bad.length > 0) {
      throw new Error(
        `${w.label}: first losses disagree (${impls.map((m, i) => `${m.name} ${firstLoss[i]}`).join(', ')}) — the implementations do not compute the same step`,
      );
    }
    const times: number[][] = impls.map(() => []);
    for (let r = 0; r < rounds; r++) {
      for (let o = 0; o < impls.length; o++) {
        const i = (o + r) % impls.length; // rotate who goes first
        const impl = impls[i];
        await impl.prepare();
        const steps = Math.max(1, Math.min(500, Math.round(budgetMs / Math.max(estimate[i], 1e-3))));
        for (let s = 0; s < steps; s++) {
          const t = performance.now();
          impl.step();
          times[i].push(performance.now() - t);
        }
      }
    }
    impls.forEach((impl, i) => {
      results.push({
        workload: w.label,
        implementation: impl.name,
        msPerStep: median(times[i]),
        steps: times[i].length,
        firstLoss: firstLoss[i],
      });
      impl.dispose();
    });
    log(
      `${w.label}: ` +
        impls.map((m, i) => `${m.name} ${median(times[i]).toFixed(3)} ms (${times[i].length} steps)`).join(', '),
    );
  }
  useKernels(availableKernels()[0]);
  return results;
}
