/**
 * Inference latency of the W3 network (784→512→512→10, softmax output) at batch 1 and batch 32:
 * handgrad `predict` on each kernel path, tfjs-wasm (XNNPACK) and numpy with one BLAS thread — same
 * weights, same rows, timed interleaved round by round. Checks that the outputs agree.
 */
import { Tensor, availableKernels, useKernels, type KernelName } from 'handgrad';
import type { PythonPeer } from './lib/python-peer.js';
import { findNumpy } from './lib/python.js';
import { median } from './lib/stats.js';
import { tf, tfInit, useTfBackend } from './lib/tf.js';
import { numpyTrainer } from './lib/numpy-mlp.js';
import { WORKLOADS, denseParameters, handgradModel, makeBatch } from './lib/workloads.js';

export interface PredictResult {
  batch: number;
  implementation: string;
  /** Median milliseconds per predict call. */
  ms: number;
  calls: number;
}

interface Predictor {
  name: string;
  /** Times `count` calls; returns each one's milliseconds. */
  time(count: number): Promise<number[]>;
  /** The first output row, for the agreement check. */
  firstRow(): Promise<Float32Array>;
  dispose(): Promise<void>;
}

function timeSync(count: number, fn: () => void): number[] {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return times;
}

export async function benchPredict(quick: boolean, log: (line: string) => void): Promise<PredictResult[]> {
  await tfInit();
  const w = WORKLOADS.find((x) => x.id === 'W3')!;
  const model = handgradModel(w);
  const full = makeBatch(w);
  const numpy = findNumpy();
  const results: PredictResult[] = [];
  for (const batch of [1, 32]) {
    const x = new Tensor([batch, w.widths[0]], full.x.data.slice(0, batch * w.widths[0]));
    const predictors: Predictor[] = availableKernels().map((k: KernelName) => ({
      name: `handgrad ${k}`,
      time: async (count) => {
        useKernels(k);
        return timeSync(count, () => model.predict(x));
      },
      firstRow: async () => {
        useKernels(k);
        return model.predict(x).data.slice(0, w.widths.at(-1));
      },
      dispose: async () => {},
    }));
    // tfjs-wasm: the same forward pass (matMul + bias, relu, softmax), read back like predict returns data
    await useTfBackend('wasm');
    const params = denseParameters(model).map(({ weights, biases }) => ({
      w: tf.tensor2d(weights.data, [weights.rows, weights.cols]),
      b: tf.tensor1d(biases.data),
    }));
    const tx = tf.tensor2d(x.data, [batch, w.widths[0]]);
    const tfForward = () =>
      tf.tidy(() => {
        let h: tf.Tensor2D = tx;
        params.forEach(({ w: W, b }, i) => {
          const z = tf.add(tf.matMul(h, W), b) as tf.Tensor2D;
          h = i + 1 < params.length ? tf.relu(z) : tf.softmax(z);
        });
        return h;
      });
    predictors.push({
      name: 'tfjs wasm',
      time: async (count) => {
        await useTfBackend('wasm');
        return timeSync(count, () => {
          const y = tfForward();
          y.dataSync();
          y.dispose();
        });
      },
      firstRow: async () => {
        await useTfBackend('wasm');
        const y = tfForward();
        const row = (y.dataSync() as Float32Array).slice(0, w.widths.at(-1));
        y.dispose();
        return row;
      },
      dispose: async () => {
        for (const p of params) {
          p.w.dispose();
          p.b.dispose();
        }
        tx.dispose();
      },
    });
    if (numpy.ok) {
      const peer: PythonPeer = await numpyTrainer(model, full, 1);
      predictors.push({
        name: 'numpy 1T',
        time: async (count) => (await peer.call<{ ms: number[] }>('time_predict', { steps: count, rows: batch })).ms,
        firstRow: async () => Float32Array.from((await peer.call<{ row: number[] }>('predict_row', { rows: batch })).row),
        dispose: () => peer.close(),
      });
    }
    const rows = await Promise.all(predictors.map(async (p) => p.firstRow()));
    for (let i = 1; i < rows.length; i++) {
      const diff = Math.max(...rows[i].map((v, j) => Math.abs(v - rows[0][j])));
      if (!(diff <= 1e-5)) throw new Error(`predict batch ${batch}: ${predictors[i].name} differs from ${predictors[0].name} by ${diff}`);
    }
    for (const p of predictors) await p.time(quick ? 20 : 200); // warm up
    const rounds = quick ? 3 : 10;
    const perRound = quick ? 50 : batch === 1 ? 400 : 100;
    const times: number[][] = predictors.map(() => []);
    for (let r = 0; r < rounds; r++) {
      for (let o = 0; o < predictors.length; o++) {
        const i = (o + r) % predictors.length;
        times[i].push(...(await predictors[i].time(perRound)));
      }
    }
    predictors.forEach((p, i) => results.push({ batch, implementation: p.name, ms: median(times[i]), calls: times[i].length }));
    await Promise.all(predictors.map((p) => p.dispose()));
    log(`  W3 predict, batch ${batch}: ` + predictors.map((p, i) => `${p.name} ${median(times[i]).toFixed(4)} ms`).join(', '));
  }
  useKernels(availableKernels()[0]);
  return results;
}
