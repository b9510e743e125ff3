import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Adam, CategoricalCrossEntropy, Dense, Dropout, ReLU, Sequential, Softmax, spiralData, writeFileAtomic } from '../../src/node.js';
import { randomLabels, randomTensor } from '../helpers/check-gradients.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'handgrad-save-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function trainedModel(seed: number): Sequential {
  const model = new Sequential([new Dense(2, 8, { seed }), new ReLU(), new Dense(8, 3, { seed: seed + 1 }), new Softmax()]).compile({
    loss: new CategoricalCrossEntropy(),
    optimizer: new Adam({ learningRate: 0.05 }),
  });
  for (let i = 0; i < 3; i++) model.trainStep(randomTensor(10, 2, seed + i), randomLabels(10, 3, seed + i));
  return model;
}

describe('model.save / Sequential.load', () => {
  it('fit resumed from a file with initialEpoch matches the uninterrupted fit epoch for epoch (shuffled, with Dropout)', async () => {
    const make = () =>
      new Sequential([new Dense(2, 16, { seed: 4, initializer: 'he' }), new ReLU(), new Dropout({ rate: 0.2, seed: 5 }), new Dense(16, 3, { seed: 6 }), new Softmax()]).compile({
        loss: new CategoricalCrossEntropy(),
        optimizer: new Adam({ learningRate: 0.02 }),
      });
    const { x, y } = spiralData({ samples: 40, classes: 3, seed: 7 });
    const options = { epochs: 6, batchSize: 25, seed: 11 }; // 120 rows: batches of 25 and a last one of 20
    const uninterrupted = make().fit(x, y, options);

    const own = await mkdtemp(join(tmpdir(), 'handgrad-resume-'));
    const path = join(own, 'model.json');
    const first = make();
    first.fit(x, y, { ...options, epochs: 3 });
    await first.save(path, { includeOptimizer: true });
    const resumed = (await Sequential.load(path)).fit(x, y, { ...options, initialEpoch: 3 });

    expect(resumed.map((e) => e.epoch)).toEqual([4, 5, 6]);
    expect(resumed.map((e) => [e.loss, e.accuracy])).toEqual(uninterrupted.slice(3).map((e) => [e.loss, e.accuracy]));
    // and the shuffle matters: without initialEpoch the continuation replays epoch 1's order and differs
    const replayed = (await Sequential.load(path)).fit(x, y, { ...options, epochs: 3 });
    expect(replayed.map((e) => e.loss)).not.toEqual(uninterrupted.slice(3).map((e) => e.loss));
    await rm(own, { recursive: true, force: true });
  });

  it('round trip through a file gives bit-identical predictions and resumable optimizer state', async () => {
    const model = trainedModel(1);
    const path = join(dir, 'model.json');
    await model.save(path, { includeOptimizer: true });
    const loaded = await Sequential.load(path);
    const x = randomTensor(5, 2, 99);
    expect(loaded.predict(x).data).toEqual(model.predict(x).data);
    expect(loaded.compiledWith?.optimizer.iterations).toBe(3);
    const json = JSON.parse(await readFile(path, 'utf8'));
    expect(json.format).toBe('handgrad-model');
    expect(await readdir(dir)).toEqual(['model.json']); // no temp file left behind
  });

  it('a failure between the temp write and the rename keeps the old file and removes the temp file', async () => {
    const path = join(dir, 'crash.json');
    const old = trainedModel(2);
    await old.save(path);
    const before = await readFile(path, 'utf8');

    let tempAtCrash = '';
    let tempContent = '';
    const crashingRename = async (from: unknown): Promise<void> => {
      tempAtCrash = String(from);
      tempContent = await readFile(tempAtCrash, 'utf8'); // the new content was fully written and synced …
      throw new Error('simulated crash before rename'); // … and then the process "dies"
    };
    await expect(trainedModel(5).save(path, { fs: { rename: crashingRename as never } })).rejects.toThrow(
      `Sequential.save(${path}): cannot write the file: simulated crash before rename`,
    );

    expect(tempAtCrash.startsWith(join(dir, '.crash.json.'))).toBe(true); // same directory as the target
    expect(JSON.parse(tempContent).format).toBe('handgrad-model');
    expect(tempContent).not.toBe(before);
    expect(await readFile(path, 'utf8')).toBe(before); // old file intact
    expect((await readdir(dir)).filter((f) => f.includes('crash'))).toEqual(['crash.json']); // temp file cleaned up
    await expect(Sequential.load(path)).resolves.toBeInstanceOf(Sequential);
  });

  it('a failure while writing the temp file also leaves the old file and no temp file', async () => {
    const path = join(dir, 'atomic.txt');
    await writeFile(path, 'old');
    const failingOpen = async () => {
      throw new Error('disk full');
    };
    await expect(writeFileAtomic(path, 'new', { open: failingOpen as never })).rejects.toThrow('disk full');
    expect(await readFile(path, 'utf8')).toBe('old');
    await writeFileAtomic(path, 'new');
    expect(await readFile(path, 'utf8')).toBe('new');
    expect((await readdir(dir)).filter((f) => f.includes('atomic'))).toEqual(['atomic.txt']);
  });

  it('save names the file when its folder does not exist', async () => {
    const path = join(dir, 'no-such-folder', 'm.json');
    await expect(trainedModel(4).save(path)).rejects.toThrow(`Sequential.save(${path}): cannot write the file: ENOENT`);
  });

  it('load names the file for a missing file, invalid JSON and a corrupt model', async () => {
    const missing = join(dir, 'missing.json');
    await expect(Sequential.load(missing)).rejects.toThrow(`Sequential.load(${missing}): cannot read the file: ENOENT`);
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{"format": "handgrad-model", "vers');
    await expect(Sequential.load(broken)).rejects.toThrow(`Sequential.load(${broken}): not valid JSON`);
    const wrong = join(dir, 'wrong.json');
    await writeFile(wrong, JSON.stringify({ ...trainedModel(3).toJSON(), version: 99 }));
    await expect(Sequential.load(wrong)).rejects.toThrow(
      `Sequential.load(${wrong}): Sequential.fromJSON: version: unsupported format version 99 (this handgrad reads versions 1 and 2)`,
    );
  });
});
