/**
 * The full training step (forward, loss, backward, Adam update) of W1–W4 for handgrad on each kernel
 * path, for TensorFlow.js (CPU and WebAssembly backends) and for numpy (native BLAS, 1 and 2 threads, in a
 * Python subprocess; skipped with a note where Python/numpy is missing): same initial weights, same batch,
 * timed interleaved in one run (round-robin, rotating the order each round) so machine noise hits every
 * implementation alike. Checks that every implementation's first loss agrees to 1e-5 and reports the
 * second (after one Adam update, so it covers the whole step). The second is compared loosely and only
 * warned about: Adam's first update moves every weight by ±lr whatever the gradient's size, so a
 * gradient entry that is ~0 in one implementation and rounds to the other sign in another flips a whole
 * step — on W4 (3072 inputs) that changes the second loss in the 2nd–3rd digit.
 */
import { WasmKernels, availableKernels, getThreads, setKernels, useKernels, type KernelName, type Sequential } from 'handgrad';
import { BLAS_SPIN_SETTLE_MS, type PythonPeer } from './lib/python-peer.js';
import { findNumpy } from './lib/python.js';
import { median } from './lib/stats.js';
import { tfInit, useTfBackend, type TfBackend } from './lib/tf.js';
import { numpyTrainer } from './lib/numpy-mlp.js';
import { tfTrainer } from './lib/tf-mlp.js';
import { WORKLOADS, handgradModel, makeBatch, type Workload } from './lib/workloads.js';

export interface TrainResult {
  workload: string;
  implementation: string;
  msPerStep: number;
  steps: number;
  firstLoss: number;
  secondLoss: number;
}

/** One implementation of a workload's training step, timed in batches of steps. */
interface Impl {
  name: string;
  /** One step; returns its loss (before the update). */
  step(): Promise<number>;
  /** Times `count` steps; returns each one's milliseconds. */
  time(count: number): Promise<number[]>;
  /** Milliseconds to wait after a round before timing someone else (lingering BLAS threads). */
  settleMs: number;
  dispose(): Promise<void>;
}

/** An Impl around a synchronous step function, selected by `prepare` before each batch of steps. */
function syncImpl(name: string, prepare: () => Promise<void>, step: () => number, dispose = () => {}): Impl {
  return {
    name,
    settleMs: 0,
    async step() {
      await prepare();
      return step();
    },
    async time(count) {
      await prepare();
      const times: number[] = [];
      for (let s = 0; s < count; s++) {
        const t = performance.now();
        step();
        times.push(performance.now() - t);
      }
      return times;
    },
    async dispose() {
      dispose();
    },
  };
}

function handgradImpl(w: Workload, kernels: KernelName): Impl {
  const model: Sequential = handgradModel(w);
  const { x, y } = makeBatch(w);
  return syncImpl(`handgrad ${kernels}`, async () => void useKernels(kernels), () => model.trainStep(x, y));
}

/** handgrad on a WebAssembly kernel set of its own with one thread, to show what the threads bring. */
function handgradSingleThreadImpl(w: Workload): Impl {
  const kernels = new WasmKernels({ threads: 1 });
  // built while its kernels are active, so its tensors live in their memory (used in place, not copied)
  const previous = setKernels(kernels);
  const model: Sequential = handgradModel(w);
  const { x, y } = makeBatch(w);
  setKernels(previous);
  return syncImpl('handgrad wasm 1T', async () => void setKernels(kernels), () => model.trainStep(x, y));
}

async function tfImpl(w: Workload, backend: TfBackend): Promise<Impl> {
  await useTfBackend(backend);
  const trainer = tfTrainer(handgradModel(w), makeBatch(w), w.widths[w.widths.length - 1]);
  return syncImpl(`tfjs ${backend}`, () => useTfBackend(backend), () => trainer.step(), () => trainer.dispose());
}

async function numpyImpl(w: Workload, threads: number): Promise<Impl> {
  const peer: PythonPeer = await numpyTrainer(handgradModel(w), makeBatch(w), threads);
  return {
    name: peer.name,
    settleMs: threads > 1 ? BLAS_SPIN_SETTLE_MS : 0,
    step: async () => (await peer.call<{ loss: number }>('step')).loss,
    time: async (count) => (await peer.call<{ ms: number[] }>('time_steps', { steps: count })).ms,
    dispose: () => peer.close(),
  };
}

export interface TrainOptions {
  quick: boolean;
  /** Workload ids to run (default all). */
  only?: readonly string[];
  log?: (line: string) => void;
}

/** What the training benchmark produced, plus a note when a peer was skipped. */
export interface TrainRun {
  results: TrainResult[];
  notes: string[];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs the interleaved training-step benchmark; throws if the first losses disagree. */
export async function benchTrainingSteps(options: TrainOptions): Promise<TrainRun> {
  const log = options.log ?? console.log;
  await tfInit();
  const numpy = findNumpy();
  const notes: string[] = [];
  if (numpy.ok) {
    notes.push(`numpy ${numpy.numpy} (${numpy.python}) in a subprocess, BLAS threads fixed at start-up.`);
  } else {
    notes.push(`numpy peer skipped: ${numpy.reason}.`);
    log(`  ${notes[0]}`);
  }
  const rounds = options.quick ? 3 : 8;
  const budgetMs = options.quick ? 120 : 600; // per implementation per round
  const results: TrainResult[] = [];
  for (const w of WORKLOADS) {
    if (options.only && !options.only.includes(w.id)) continue;
    const kernels = availableKernels().filter((k) => !(w.heavy && k === 'js'));
    const impls: Impl[] = [
      ...kernels.map((k) => handgradImpl(w, k)),
      ...(kernels.includes('wasm') && getThreads() > 1 ? [handgradSingleThreadImpl(w)] : []),
      // tfjs's Adam runs as separate elementwise kernels per variable: W4 takes tens of seconds a step
      ...(w.heavy ? [] : [await tfImpl(w, 'cpu'), await tfImpl(w, 'wasm')]),
      ...(numpy.ok ? [await numpyImpl(w, 1), await numpyImpl(w, 2)] : []),
    ];
    // the first two steps of each: losses at identical initial weights and after one identical update
    const firstLoss: number[] = [];
    const secondLoss: number[] = [];
    const estimate: number[] = [];
    for (const impl of impls) {
      firstLoss.push(await impl.step());
      secondLoss.push(await impl.step());
      // warm up (JIT, caches) for a few steps or a third of a round's budget, and estimate the step time
      const warm: number[] = [];
      let spent = 0;
      while (warm.length < (options.quick ? 1 : 3) || (spent < budgetMs / 3 && warm.length < 50)) {
        const [dt] = await impl.time(1);
        warm.push(dt);
        spent += dt;
      }
      estimate.push(median(warm));
      await sleep(impl.settleMs);
    }
    const agree = (losses: number[], tolerance: number) =>
      impls.every((_, i) => Math.abs(losses[i] - losses[0]) <= tolerance * Math.max(1, Math.abs(losses[0])));
    log(`${w.label}: first losses ${impls.map((m, i) => `${m.name}=${firstLoss[i].toFixed(6)}`).join(', ')}`);
    log(`${w.label}: second losses ${impls.map((m, i) => `${m.name}=${secondLoss[i].toFixed(6)}`).join(', ')}`);
    if (!agree(firstLoss, 1e-5)) {
      await Promise.all(impls.map((impl) => impl.dispose()));
      throw new Error(`${w.label}: first losses disagree beyond 1e-5 — the implementations do not compute the same step`);
    }
    if (!agree(secondLoss, 1e-3)) {
      const note = `${w.id}: second losses differ beyond 1e-3 (${impls.map((m, i) => `${m.name} ${secondLoss[i].toFixed(6)}`).join(', ')}) — see the note in bench/train.ts on Adam's first step`;
      notes.push(note);
      log(`  warning: ${note}`);
    }
    const times: number[][] = impls.map(() => []);
    for (let r = 0; r < rounds; r++) {
      for (let o = 0; o < impls.length; o++) {
        const i = (o + r) % impls.length; // rotate who goes first
        const steps = Math.max(1, Math.min(500, Math.round(budgetMs / Math.max(estimate[i], 1e-3))));
        times[i].push(...(await impls[i].time(steps)));
        await sleep(impls[i].settleMs);
      }
    }
    impls.forEach((impl, i) => {
      results.push({
        workload: w.label,
        implementation: impl.name,
        msPerStep: median(times[i]),
        steps: times[i].length,
        firstLoss: firstLoss[i],
        secondLoss: secondLoss[i],
      });
    });
    await Promise.all(impls.map((impl) => impl.dispose()));
    log(
      `${w.label}: ` +
        impls.map((m, i) => `${m.name} ${median(times[i]).toFixed(3)} ms (${times[i].length} steps)`).join(', '),
    );
  }
  useKernels(availableKernels()[0]);
  return { results, notes };
}
