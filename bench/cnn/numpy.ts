/**
 * The CNN workload in numpy (bench/cnn/numpy_cnn.py: float32, im2col + OpenBLAS GEMM) — the native
 * reference — in a Python worker process that times its own steps (no IPC in the numbers).
 */
import { CNN_PARAMETER_NAMES, type CnnTrainer, type CnnWeights, type StepTimes } from '../lib/cnn-workload.js';
import { PythonWorker, writeArrays } from '../lib/python.js';

const SCRIPT = new URL('./numpy_cnn.py', import.meta.url).pathname;

export interface NumpyInfo {
  numpy: string;
  /** threadpoolctl's view of the BLAS numpy runs: library, version, kernel architecture, threads. */
  blas: Record<string, unknown>[];
}

export async function numpyTrainer(
  python: string,
  weights: CnnWeights,
  batch: { x: Float32Array; y: Int32Array },
): Promise<CnnTrainer & { info: NumpyInfo }> {
  const arrays = writeArrays({ ...Object.fromEntries(CNN_PARAMETER_NAMES.map((k) => [k, weights[k]])), x: batch.x, y: batch.y });
  const worker = new PythonWorker(python, SCRIPT);
  try {
    const info = await worker.request<NumpyInfo>({ cmd: 'init', files: arrays.files });
    return {
      name: 'numpy (OpenBLAS, im2col)',
      info,
      steps: (n) => worker.request<StepTimes>({ cmd: 'steps', n }),
      dispose() {
        worker.close();
        arrays.remove();
      },
    };
  } catch (err) {
    worker.close();
    arrays.remove();
    throw err;
  }
}
