/**
 * Forward + backward of each layer (and the fused softmax + cross-entropy) at batch 128, for every
 * kernel path. Dense is where the kernels matter; the elementwise layers are the same code on both.
 */
import {
  CategoricalCrossEntropy,
  Dense,
  ReLU,
  Random,
  Softmax,
  Tensor,
  availableKernels,
  softmaxCrossEntropyBackward,
  useKernels,
  type KernelName,
} from 'handgrad';
import { runSuite, type Case } from './lib/benny.js';

export interface LayerResult {
  layer: string;
  kernels: string;
  msPerPass: number;
  margin: number;
}

function random(rows: number, cols: number, seed: number): Tensor {
  const t = new Tensor([rows, cols]);
  new Random(seed).fillUniform(t.data, -1, 1);
  return t;
}

export async function benchLayers(quick: boolean, log: (line: string) => void): Promise<LayerResult[]> {
  const batch = 128;
  const results: LayerResult[] = [];
  for (const kernels of availableKernels()) {
    const withKernels = (f: () => void) => () => {
      useKernels(kernels as KernelName);
      f();
    };
    const cases: Case[] = [
      ...[[784, 128], [128, 10], [512, 512]].map(([nIn, nOut]) => ({
        name: `Dense(${nIn}→${nOut})`,
        setup: () => {
          const layer = new Dense(nIn, nOut, { seed: 1, initializer: 'he' });
          const x = random(batch, nIn, 2);
          const g = random(batch, nOut, 3);
          return withKernels(() => {
            layer.forward(x, { training: true });
            layer.backward(g);
          });
        },
      })),
      {
        name: 'ReLU(128×512)',
        setup: () => {
          const layer = new ReLU();
          const x = random(batch, 512, 4);
          const g = random(batch, 512, 5);
          return () => {
            layer.forward(x);
            layer.backward(g);
          };
        },
      },
      {
        name: 'Softmax(128×10)',
        setup: () => {
          const layer = new Softmax();
          const x = random(batch, 10, 6);
          const g = random(batch, 10, 7);
          return () => {
            layer.forward(x);
            layer.backward(g);
          };
        },
      },
      {
        name: 'Softmax+CCE fused (128×10)',
        setup: () => {
          const layer = new Softmax();
          const loss = new CategoricalCrossEntropy();
          const x = random(batch, 10, 8);
          const y = Int32Array.from({ length: batch }, (_, i) => i % 10);
          let buffer: Tensor | null = null;
          return () => {
            const p = layer.forward(x);
            loss.forward(p, y);
            buffer = softmaxCrossEntropyBackward(p, y, buffer);
          };
        },
      },
    ];
    const rs = await runSuite(`layers fwd+bwd, batch ${batch}, ${kernels} kernels`, cases, quick, `layers-${kernels}`, log);
    for (const r of rs) results.push({ layer: r.name, kernels, msPerPass: 1000 / r.ops, margin: r.margin });
  }
  useKernels(availableKernels()[0]);
  return results;
}
