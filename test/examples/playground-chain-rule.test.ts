/**
 * The playground's inspector arithmetic (examples/playground/src/chain-rule.ts), in Node, on a network with
 * every layer kind the editor offers: replaying a training step must reproduce `trainStep`'s dL/dW bit for
 * bit (same masks, same batch), the chain must list each backward step with its formula, and the central
 * differences and the gradient check must agree with it.
 */
import { describe, expect, it } from 'vitest';
import { Dense, type Sequential } from 'handgrad';
import { buildModel, denseLayers, dropoutLayers } from '../../examples/playground/src/build-model.js';
import { checkModel, inspectWeight } from '../../examples/playground/src/chain-rule.js';
import { makeData } from '../../examples/playground/src/datasets.js';
import { FORMULAS } from '../../examples/playground/src/formulas.js';
import { matrix } from '../../examples/playground/src/matrix.js';
import type { NetworkSpec, StepSnapshot } from '../../examples/playground/src/protocol.js';

const net: NetworkSpec = {
  hidden: [
    { units: 6, activation: 'tanh', dropout: 0.2 },
    { units: 5, activation: 'sigmoid', dropout: 0 },
    { units: 4, activation: 'leaky-relu', dropout: 0 },
  ],
  l2: 1e-3,
  optimizer: 'sgd',
  learningRate: 0.1,
  batchSize: 16,
  seed: 3,
};

/** What the worker does around one `trainStep`: the state before it, and the gradients it left. */
function trainedStep(model: Sequential, steps: number): StepSnapshot {
  const data = makeData({ dataset: 'circles', size: 80, noise: 0.05, testFraction: 0.2, seed: 4 });
  let snapshot: StepSnapshot | null = null;
  for (let s = 0; s < steps; s++) {
    const rows = Array.from({ length: net.batchSize }, (_, r) => (s * net.batchSize + r) % data.yTrain.length);
    const batchX = new Float32Array(rows.flatMap((row) => [data.xTrain.data[2 * row], data.xTrain.data[2 * row + 1]]));
    const batchY = Int32Array.from(rows, (row) => data.yTrain[row]);
    const parameters = model.parameters().map((p) => p.value.data.slice());
    const dropoutStates = dropoutLayers(model).map((d) => d.rng.getState());
    model.trainStep(matrix(rows.length, 2, batchX), batchY);
    const dweights: Record<number, Float32Array> = {};
    for (const { index, layer } of denseLayers(model)) dweights[index] = layer.dweights.data.slice();
    snapshot = { step: s + 1, epoch: 0, parameters, dropoutStates, batchX, batchY, dweights };
  }
  return snapshot as StepSnapshot;
}

describe('playground chain rule', () => {
  const trained = buildModel(net, 2, 2);
  const snapshot = trainedStep(trained, 5);
  const replica = buildModel(net, 2, 2);

  it('replays the step exactly and walks every layer kind from the loss down to the first Dense layer', () => {
    const ins = inspectWeight(replica, snapshot, { layer: 0, i: 1, j: 2 });
    expect(ins.replayed).toBe(ins.handgrad);
    expect(ins.steps.map((s) => s.formula)).toEqual([
      FORMULAS.softmaxCrossEntropy,
      FORMULAS.denseInputs,
      FORMULAS.leakyRelu,
      FORMULAS.denseInputs,
      FORMULAS.sigmoid,
      FORMULAS.denseInputs,
      FORMULAS.dropout,
      FORMULAS.tanh,
    ]);
    // In the chosen weight's own block (Dropout, Tanh, the Dense above them) the path runs through unit j.
    expect(ins.steps.slice(-3).map((s) => s.unit)).toEqual([2, 2, 2]);
    // dL/dw = Σₙ X[n,i]·G[n,j] + 2λw: the data term and the L2 term add up to what the layer computed.
    expect(ins.dataTerm + ins.penaltyTerm).toBeCloseTo(ins.handgrad, 6);
    expect(ins.penaltyTerm).not.toBe(0);
    // Local derivatives are the layer's own: the Dropout mask is 0 or 1/(1 − 0.2), tanh' in (0, 1].
    const dropout = ins.steps[6].local as number;
    expect([0, 1.25].some((m) => Math.abs(dropout - m) < 1e-6)).toBe(true);
    expect(ins.steps[7].local).toBeGreaterThan(0);
    expect(ins.steps[7].local).toBeLessThanOrEqual(1);
  });

  it("agrees with central differences for a weight in every Dense layer", () => {
    for (const { index, layer } of denseLayers(replica)) {
      const ins = inspectWeight(replica, snapshot, { layer: index, i: 0, j: layer.nOut - 1 });
      expect(ins.replayed).toBe(ins.handgrad);
      const closest = Math.min(...ins.numeric.map((n) => Math.abs(n.value - ins.handgrad)));
      expect(closest).toBeLessThanOrEqual(1e-2 * Math.abs(ins.handgrad) + 5e-5);
    }
  });

  it('leaves the replica as the step found it (parameters restored after the finite differences)', () => {
    inspectWeight(replica, snapshot, { layer: 3, i: 1, j: 1 }); // layers: Dense, Tanh, Dropout, Dense, …
    replica.parameters().forEach((p, k) => expect(p.value.data).toEqual(snapshot.parameters[k]));
  });

  it('gradient check with the Dropout masks pinned: every parameter tensor passes', () => {
    const rows = checkModel(replica, snapshot);
    expect(rows.map((r) => r.name)).toEqual(replica.parameters().map((p) => p.name));
    for (const r of rows) expect(r.passes, `${r.name}: max abs error ${r.maxAbsError}`).toBe(true);
  });

  it('rejects a weight that is not in a Dense layer', () => {
    expect(replica.layers[1]).not.toBeInstanceOf(Dense);
    expect(() => inspectWeight(replica, snapshot, { layer: 1, i: 0, j: 0 })).toThrow(/layer 1 is Tanh, not a Dense layer/);
  });
});
