/**
 * Runs a browser bundle of handgrad (an IIFE that defines the global `handgrad`) in a fresh V8 context
 * that has only the ECMAScript globals plus the WebAssembly and atob APIs a browser also has — no
 * process, require, fs, Buffer, setTimeout — and trains a small model there on every kernel set the
 * context offers, with `fit` and with `fitAsync`. Used for the source bundle (test/browser) and for the
 * packed package's bundle (test/package).
 */
import { runInNewContext } from 'node:vm';

export interface BareContextRun {
  /** `availableKernels()` inside the context. */
  readonly kernels: string[];
  /** [first, last] epoch loss of `fit`, per kernel set. */
  readonly losses: [number, number][];
  /** [first, last] epoch loss of `fitAsync` on the first kernel set. */
  readonly asyncLosses: [number, number];
  /** Length of a model's JSON. */
  readonly json: number;
  /** typeof `process` seen by the bundle. */
  readonly process: string;
}

export async function trainInBareContext(bundle: string): Promise<BareContextRun> {
  const script = `${bundle}
    (async () => {
      const { Adam, CategoricalCrossEntropy, Dense, ReLU, Sequential, Softmax, spiralData, availableKernels, useKernels } = handgrad;
      const make = () => new Sequential([new Dense(2, 16, { seed: 1, initializer: 'he' }), new ReLU(), new Dense(16, 3, { seed: 2 }), new Softmax()])
        .compile({ loss: new CategoricalCrossEntropy(), optimizer: new Adam({ learningRate: 0.05 }) });
      const { x, y } = spiralData({ samples: 30, classes: 3, seed: 0 });
      const out = { kernels: availableKernels(), losses: [], process: typeof process };
      for (const name of out.kernels) {
        useKernels(name);
        const history = make().fit(x, y, { epochs: 300, batchSize: 90, seed: 3 });
        out.losses.push([history[0].loss, history[history.length - 1].loss]);
      }
      useKernels(out.kernels[0]);
      const history = await make().fitAsync(x, y, { epochs: 300, batchSize: 30, seed: 3, yieldEveryMs: 0 });
      out.asyncLosses = [history[0].loss, history[history.length - 1].loss];
      out.json = JSON.stringify(new Sequential([new Dense(2, 2, { seed: 1 })]).toJSON()).length;
      return JSON.stringify(out);
    })()`;
  const result = (await runInNewContext(script, { WebAssembly, atob })) as string;
  return JSON.parse(result) as BareContextRun;
}
