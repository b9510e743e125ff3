/** The numpy twin of a workload's handgrad model, in a Python subprocess (bench/peers/numpy_mlp.py). */
import type { Sequential } from 'handgrad';
import { PythonPeer } from './python-peer.js';
import { ADAM, denseParameters, type Batch } from './workloads.js';

/**
 * The numpy twin of `model` (bench/peers/numpy_mlp.py) in a Python process with `threads` BLAS threads:
 * same initial weights, same batch, same Adam step. Check `findNumpy()` first.
 */
export async function numpyTrainer(model: Sequential, batch: Batch, threads: number): Promise<PythonPeer> {
  const peer = PythonPeer.start(`numpy ${threads}T`, 'numpy_mlp.py', threads);
  const params = denseParameters(model);
  await peer.call('setup', {
    x: peer.writeArray(batch.x.data, [batch.x.rows, batch.x.cols]),
    y: peer.writeArray(batch.y, [batch.y.length]),
    weights: params.map(({ weights }) => peer.writeArray(weights.data, [weights.rows, weights.cols])),
    biases: params.map(({ biases }) => peer.writeArray(biases.data, [1, biases.cols])),
    adam: ADAM,
  });
  return peer;
}
