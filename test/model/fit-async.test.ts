/**
 * fitAsync runs fit's own loop (src/model/fit.ts `fitSteps`) and hands the event loop a turn between
 * batches; onBatchEnd, onEpochEnd and an AbortSignal work in both.
 */
import { describe, expect, it } from 'vitest';
import { Adam, Dense, Sequential, spiralData, type BatchLog } from '../../src/index.js';
import { spiralModel } from '../helpers/spiral-model.js';

const data = spiralData({ samples: 100, classes: 3, seed: 0 }); // 300 rows

function weights(model: Sequential): Float32Array[] {
  return model.parameters().map((p) => p.value.data.slice());
}

describe('Sequential.fitAsync', () => {
  it('trains exactly like fit: same history and weights for the same seeds', async () => {
    const options = { epochs: 4, batchSize: 64, seed: 7 };
    const sync = spiralModel(new Adam({ learningRate: 0.02 }));
    const async = spiralModel(new Adam({ learningRate: 0.02 }));
    const expected = sync.fit(data.x, data.y, options);
    const promise = async.fitAsync(data.x, data.y, { ...options, yieldEveryMs: 0 });
    expect(promise).toBeInstanceOf(Promise);
    expect(await promise).toEqual(expected);
    expect(weights(async)).toEqual(weights(sync));
    expect(expected[3].loss).toBeLessThan(expected[0].loss);
  });

  it('gives the event loop a turn between batches (yieldEveryMs: 0) where fit gives none', async () => {
    const events: string[] = [];
    let ticking = true;
    const tick = (): void => {
      events.push('tick');
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const onBatchEnd = (log: BatchLog): void => void events.push(`batch ${log.epoch}.${log.batch}`);
    await spiralModel(new Adam()).fitAsync(data.x, data.y, { epochs: 2, batchSize: 100, seed: 1, yieldEveryMs: 0, onBatchEnd });
    ticking = false;
    const batches = events.filter((e) => e !== 'tick');
    expect(batches).toEqual(['batch 1.1', 'batch 1.2', 'batch 1.3', 'batch 2.1', 'batch 2.2', 'batch 2.3']);
    // between any two consecutive batches at least one tick ran
    const positions = batches.map((b) => events.indexOf(b));
    for (let i = 1; i < positions.length; i++) expect(events.slice(positions[i - 1], positions[i])).toContain('tick');

    events.length = 0;
    ticking = true;
    setImmediate(tick);
    spiralModel(new Adam()).fit(data.x, data.y, { epochs: 2, batchSize: 100, seed: 1, onBatchEnd });
    ticking = false;
    expect(events).not.toContain('tick');
    expect(events).toHaveLength(6);
  });

  it('with the default yieldEveryMs (10 ms) yields at least every 4 batches when each takes ≥ 3 ms', async () => {
    const events: string[] = [];
    let ticking = true;
    const tick = (): void => {
      events.push('tick');
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const slowBatch = (): void => {
      const until = Date.now() + 3;
      while (Date.now() < until); // a batch that takes at least 3 ms
      events.push('batch');
    };
    await spiralModel(new Adam()).fitAsync(data.x, data.y, { epochs: 1, batchSize: 15, seed: 1, onBatchEnd: slowBatch });
    ticking = false;
    const runs = events.join(' ').split('tick').map((run) => run.split('batch').length - 1);
    expect(runs.reduce((a, b) => a + b)).toBe(20);
    expect(Math.max(...runs)).toBeLessThanOrEqual(4);
  });

  it('calls onBatchEnd with each batch’s size, loss and accuracy, consistent with the epoch log', async () => {
    const logs: BatchLog[] = [];
    const history = await spiralModel(new Adam()).fitAsync(data.x, data.y, {
      epochs: 1,
      batchSize: 128,
      shuffle: false,
      onBatchEnd: (log) => void logs.push(log),
    });
    expect(logs.map((l) => [l.epoch, l.batch, l.batches, l.size])).toEqual([
      [1, 1, 3, 128],
      [1, 2, 3, 128],
      [1, 3, 3, 44],
    ]);
    const weighted = (key: 'loss' | 'accuracy'): number => logs.reduce((s, l) => s + l[key] * l.size, 0) / 300;
    expect(history[0].loss).toBeCloseTo(weighted('loss'), 6);
    expect(history[0].accuracy).toBeCloseTo(weighted('accuracy'), 6);
  });

  it('stops when the signal is aborted from a timer, keeping the updates made so far, and rejects with its reason', async () => {
    const controller = new AbortController();
    let batches = 0;
    const model = spiralModel(new Adam());
    const before = weights(model);
    setTimeout(() => controller.abort(), 20);
    const run = model.fitAsync(data.x, data.y, {
      epochs: 1000,
      batchSize: 10,
      seed: 1,
      signal: controller.signal,
      onBatchEnd: () => void batches++,
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(batches).toBeGreaterThan(0);
    expect(batches).toBeLessThan(1000 * 30);
    expect(weights(model)).not.toEqual(before);
  });

  it('rejects with a custom reason, and an aborted signal stops before any update', async () => {
    const controller = new AbortController();
    controller.abort(new Error('user pressed stop'));
    const model = spiralModel(new Adam());
    const before = weights(model);
    await expect(model.fitAsync(data.x, data.y, { signal: controller.signal })).rejects.toThrow('user pressed stop');
    expect(weights(model)).toEqual(before);
  });

  it('fit honours the signal too (aborted from a callback), after exactly the batches done', () => {
    const controller = new AbortController();
    let batches = 0;
    const onBatchEnd = (): void => {
      if (++batches === 3) controller.abort();
    };
    const model = spiralModel(new Adam());
    expect(() => model.fit(data.x, data.y, { epochs: 5, batchSize: 50, signal: controller.signal, onBatchEnd })).toThrow(
      expect.objectContaining({ name: 'AbortError' }),
    );
    expect(batches).toBe(3);
  });

  it('stops after the epoch whose onEpochEnd returns false', async () => {
    const history = await spiralModel(new Adam()).fitAsync(data.x, data.y, { epochs: 10, onEpochEnd: (log) => log.epoch < 2 });
    expect(history.map((h) => h.epoch)).toEqual([1, 2]);
  });

  it('rejects (never throws synchronously) on bad options, naming fitAsync', async () => {
    const model = spiralModel(new Adam());
    let promise: Promise<unknown> | undefined;
    expect(() => {
      promise = model.fitAsync(data.x, data.y, { epochs: 0 });
    }).not.toThrow();
    await expect(promise).rejects.toThrow('Sequential.fitAsync: epochs must be an integer ≥ 1, got 0');
    await expect(model.fitAsync(data.x, data.y, { yieldEveryMs: -1 })).rejects.toThrow(
      'Sequential.fitAsync: yieldEveryMs must be a number ≥ 0, got -1',
    );
    await expect(new Sequential([new Dense(2, 3)]).fitAsync(data.x, data.y)).rejects.toThrow('Sequential.fitAsync: call compile');
  });
});
