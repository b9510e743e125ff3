import { afterAll, describe, expect, it } from 'vitest';
import type { PythonPeer } from '../../bench/lib/python-peer.js';
import { findNumpy } from '../../bench/lib/python.js';
import { numpyTrainer } from '../../bench/lib/numpy-mlp.js';
import { WORKLOADS, handgradModel, makeBatch } from '../../bench/lib/workloads.js';

/*
 * The numpy peer of `npm run bench` computes the same training step as handgrad (forward, fused
 * softmax-CE gradient, backward without dX for the first layer, Adam): on W1 the losses of its first three
 * steps match handgrad's to 1e-5 (so the Adam updates match too). Skipped where Python/numpy is missing,
 * as the benchmark skips the peer.
 */
const numpy = findNumpy();

describe.skipIf(!numpy.ok)('bench numpy peer', () => {
  const peers: PythonPeer[] = [];
  afterAll(async () => {
    await Promise.all(peers.map((p) => p.close()));
  });

  it('matches handgrad step for step on W1, and reports its BLAS thread count', async () => {
    const w = WORKLOADS.find((x) => x.id === 'W1')!;
    const batch = makeBatch(w);
    const peer = await numpyTrainer(handgradModel(w), batch, 1);
    peers.push(peer);
    const model = handgradModel(w);
    for (let s = 0; s < 3; s++) {
      const expected = model.trainStep(batch.x, batch.y);
      const { loss } = await peer.call<{ loss: number }>('step');
      expect(Math.abs(loss - expected)).toBeLessThan(1e-5);
    }
    const info = await peer.call<{ numpy: string }>('info');
    expect(info.numpy).toBe((numpy as { numpy: string }).numpy);
  });

  it('reports a failing request as an error naming the command', async () => {
    const w = WORKLOADS.find((x) => x.id === 'W1')!;
    const peer = await numpyTrainer(handgradModel(w), makeBatch(w), 1);
    peers.push(peer);
    await expect(peer.call('no_such_command')).rejects.toThrow(/'no_such_command' failed: .*ValueError: unknown command/);
  });
});
