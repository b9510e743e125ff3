/**
 * Matrix products A·B, Aᵀ·B and A·Bᵀ of square n×n matrices, in GFLOP/s (2n³ flops per product), for
 * every handgrad kernel path (naive reference, tiled plain JS, WebAssembly SIMD) and, for A·B, the two
 * TensorFlow.js backends (including their result read-back, as handgrad includes its copies).
 */
import { Random, kernelsByName, referenceKernels, type MatmulKernels } from 'handgrad';
import { runSuite, type Case } from './lib/benny.js';
import { tf, tfInit, useTfBackend, type TfBackend } from './lib/tf.js';

export interface MatmulResult {
  n: number;
  variant: 'A·B' | 'Aᵀ·B' | 'A·Bᵀ';
  implementation: string;
  gflops: number;
  margin: number;
}

const VARIANTS = [
  ['A·B', 'matmul'],
  ['Aᵀ·B', 'matmulTransA'],
  ['A·Bᵀ', 'matmulTransB'],
] as const;

function operands(n: number): { a: Float32Array; b: Float32Array; out: Float32Array } {
  const rng = new Random(n);
  const a = new Float32Array(n * n);
  const b = new Float32Array(n * n);
  rng.fillUniform(a, -1, 1);
  rng.fillUniform(b, -1, 1);
  return { a, b, out: new Float32Array(n * n) };
}

export async function benchMatmul(quick: boolean, log: (line: string) => void): Promise<MatmulResult[]> {
  const sizes = quick ? [64, 256, 512] : [64, 128, 256, 512, 1024];
  const sets: MatmulKernels[] = [kernelsByName('wasm'), kernelsByName('js')].filter((k): k is MatmulKernels => k !== null);
  const results: MatmulResult[] = [];
  await tfInit();
  for (const n of sizes) {
    const flops = 2 * n * n * n;
    const { a, b, out } = operands(n);
    const cases: Case[] = [];
    // the naive reference only where it finishes in reasonable time
    const all = n <= (quick ? 64 : 256) ? [...sets, referenceKernels] : sets;
    for (const k of all) {
      for (const [label, method] of VARIANTS) {
        cases.push({ name: `${label} ${k.name}`, setup: () => () => k[method](a, b, out, n, n, n) });
      }
    }
    const hg = await runSuite(`matmul ${n}×${n}`, cases, quick, `matmul-${n}`, log);
    hg.forEach((r) => {
      const [variant, impl] = r.name.split(' ') as [MatmulResult['variant'], string];
      results.push({ n, variant, implementation: `handgrad ${impl}`, gflops: (flops * r.ops) / 1e9, margin: r.margin });
    });
    for (const backend of ['cpu', 'wasm'] as TfBackend[]) {
      if (backend === 'cpu' && n > (quick ? 256 : 512)) continue; // ~0.6 GFLOP/s: too slow to sample at 1024
      await useTfBackend(backend);
      const ta = tf.tensor2d(a, [n, n]);
      const tb = tf.tensor2d(b, [n, n]);
      const tfCase: Case = {
        name: `A·B tfjs-${backend}`,
        setup: () => () => {
          const c = tf.matMul(ta, tb);
          c.dataSync();
          c.dispose();
        },
      };
      const [r] = await runSuite(`matmul ${n}×${n}`, [tfCase], quick, null, log);
      results.push({ n, variant: 'A·B', implementation: `tfjs ${backend}`, gflops: (flops * r.ops) / 1e9, margin: r.margin });
      ta.dispose();
      tb.dispose();
    }
  }
  return results;
}
