/**
 * Nothing the user saved is lost, and nothing wrong is loaded (issue 9, findings 1, 3, 4 and the stale temp
 * files of 9): a model that could not be loaded is never written over a good file, a tiny file cannot make
 * `load` allocate a huge layer, corruption is detected by the checksum, optimizer state is range-checked, and
 * temp files of killed saves are cleaned up.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Adam, CategoricalCrossEntropy, Dense, Random, ReLU, Sequential, Softmax, registerLayer, Tensor, type Layer } from '../../src/node.js';
import { layerTypeNamed } from '../../src/model/layer-registry.js';
import { randomLabels, randomTensor } from '../helpers/check-gradients.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'handgrad-integrity-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function trainedModel(): Sequential {
  const model = new Sequential([new Dense(2, 4, { seed: 1 }), new ReLU(), new Dense(4, 3, { seed: 2 }), new Softmax()]).compile({
    loss: new CategoricalCrossEntropy(),
    optimizer: new Adam({ learningRate: 0.05 }),
  });
  for (let i = 0; i < 3; i++) model.trainStep(randomTensor(8, 2, i), randomLabels(8, 3, i));
  return model;
}

describe('finding 1: a checkpoint that cannot be loaded never replaces a good one', () => {
  it('save refuses NaN weights, names the parameter, and leaves the good file loadable', async () => {
    const path = join(dir, 'd1.json');
    const m = new Sequential([new Dense(2, 3, { seed: 1 })]);
    await m.save(path);
    const good = await readFile(path, 'utf8');
    m.parameters()[0].value.data[4] = Number.NaN; // e.g. after divergence
    await expect(m.save(path)).rejects.toThrow(
      `Sequential.save(${path}): nothing was written (an existing file is unchanged): Sequential.toJSON: layers[0].parameters.weights (of Dense(2→3)) holds NaN at index 4; a model with non-finite values cannot be loaded again, so it is not saved`,
    );
    expect(await readFile(path, 'utf8')).toBe(good);
    const loaded = await Sequential.load(path);
    expect(Number.isFinite(loaded.parameters()[0].value.data[4])).toBe(true);
    expect(() => m.toJSON()).toThrow('holds NaN at index 4');
  });

  it('save refuses non-finite optimizer state too', async () => {
    const m = trainedModel();
    const params = m.parameters();
    params[1].grad.data[0] = Infinity; // an overflowed gradient reaches the optimizer's momentum
    m.compiledWith!.optimizer.step(params);
    params[1].value.data[0] = 0; // weights repaired by hand, the momentum is still poisoned
    expect(() => m.toJSON({ includeOptimizer: true })).toThrow(
      'Sequential.toJSON: training.optimizer.slots.momentum[1] (Adam state of 0:Dense(2→4).biases) holds Infinity at index 0',
    );
  });

  it('save refuses a model whose own layer type cannot read its config back, and writes nothing', async () => {
    class Scale implements Layer {
      readonly name = 'Scale';
      dinputs: Tensor | null = null;
      constructor(readonly factor: number) {
        if (!(factor > 0)) throw new RangeError(`Scale: factor must be > 0, got ${factor}`);
      }
      forward(x: Tensor): Tensor {
        return x;
      }
      backward(d: Tensor): Tensor {
        return d;
      }
      parameters() {
        return [];
      }
    }
    registerLayer<Scale>({ type: 'Scale', layerClass: Scale, getConfig: () => ({ factor: -1 }), fromConfig: (c) => new Scale(c.factor as number) });
    const path = join(dir, 'scale.json');
    await expect(new Sequential([new Scale(2)]).save(path)).rejects.toThrow(
      `Sequential.save(${path}): nothing was written (an existing file is unchanged): Sequential.fromJSON: layers[0].config: Scale: factor must be > 0, got -1`,
    );
    expect((await readdir(dir)).filter((f) => f.includes('scale'))).toEqual([]);
  });
});

describe('finding 3: a tiny file cannot make load allocate a huge layer', () => {
  it('a 30000×30000 Dense config with 4 base64 characters of data is rejected before the layer is built', async () => {
    const dense = layerTypeNamed('Dense')!;
    const build = vi.spyOn(dense, 'fromConfig');
    const hostile = {
      format: 'handgrad-model',
      version: 1,
      layers: [
        {
          type: 'Dense',
          config: { nIn: 30000, nOut: 30000 },
          parameters: { weights: { shape: [30000, 30000], dtype: 'float32', data: 'AAAA' }, biases: { shape: [1, 30000], dtype: 'float32', data: 'AAAA' } },
        },
      ],
    };
    const path = join(dir, 'hostile.json');
    await writeFile(path, JSON.stringify(hostile));
    expect((await readFile(path)).length).toBeLessThan(300);
    await expect(Sequential.load(path)).rejects.toThrow(
      `Sequential.load(${path}): Sequential.fromJSON: layers[0].parameters.weights.data: holds 3 bytes, expected 3600000000 (900000000 float32 values)`,
    );
    // the same with a shape that does not even claim the config's size
    hostile.layers[0].parameters.weights.shape = [1, 1];
    expect(() => Sequential.fromJSON(hostile)).toThrow(
      "Sequential.fromJSON: layers[0].parameters.weights.shape: [1,1] does not match the layer's [30000, 30000]",
    );
    expect(build).not.toHaveBeenCalled();
    build.mockRestore();
  });

  it('the same holds for Conv2D and BatchNormalization configs', () => {
    const spies = ['Conv2D', 'BatchNormalization'].map((type) => vi.spyOn(layerTypeNamed(type)!, 'fromConfig'));
    const tiny = { dtype: 'float32', data: 'AAAA' };
    const conv = {
      format: 'handgrad-model',
      version: 1,
      layers: [{ type: 'Conv2D', config: { inChannels: 4096, filters: 4096, kernelSize: [7, 7] }, parameters: { weights: { ...tiny, shape: [7, 7, 4096, 4096] }, biases: { ...tiny, shape: [1, 4096] } } }],
    };
    expect(() => Sequential.fromJSON(conv)).toThrow(
      'Sequential.fromJSON: layers[0].parameters.weights.data: holds 3 bytes, expected 3288334336 (822083584 float32 values)',
    );
    const norm = {
      format: 'handgrad-model',
      version: 1,
      layers: [{ type: 'BatchNormalization', config: { channels: 1e8 }, parameters: { gamma: { ...tiny, shape: [1, 1e8] }, beta: { ...tiny, shape: [1, 1e8] } } }],
    };
    expect(() => Sequential.fromJSON(norm)).toThrow('Sequential.fromJSON: layers[0].parameters.gamma.data: holds 3 bytes, expected 400000000');
    for (const spy of spies) {
      expect(spy).not.toHaveBeenCalled();
      spy.mockRestore();
    }
  });
});

describe('finding 4: corruption is detected, old files stay readable, optimizer state is range-checked', () => {
  it('saved files carry a CRC-32 of their content', async () => {
    const path = join(dir, 'sum.json');
    await trainedModel().save(path, { includeOptimizer: true });
    const json = JSON.parse(await readFile(path, 'utf8'));
    expect(json.version).toBe(2);
    expect(json.checksum).toMatch(/^crc32:[0-9a-f]{8}$/);
  });

  it('every one of 300 seeded single-bit flips of a saved file is rejected or changes nothing', async () => {
    const path = join(dir, 'flip.json');
    const model = trainedModel();
    await model.save(path, { includeOptimizer: true });
    const original = await readFile(path);
    const reference = JSON.stringify(model.toJSON({ includeOptimizer: true }));
    const rng = new Random(2024);
    let rejected = 0;
    for (let trial = 0; trial < 300; trial++) {
      const bytes = Buffer.from(original);
      // half the flips inside the weights' base64 (where they used to load silently), half anywhere
      const start = trial % 2 === 0 ? original.indexOf('"data":"') + 8 : 0;
      const at = start + rng.int(original.length - start);
      bytes[at] ^= 1 << rng.int(8);
      const mutated = join(dir, `flip-${trial}.json`);
      await writeFile(mutated, bytes);
      try {
        const loaded = await Sequential.load(mutated);
        // loading is only acceptable when the content is exactly what was saved
        expect(JSON.stringify(loaded.toJSON({ includeOptimizer: true }))).toBe(reference);
      } catch (err) {
        expect((err as Error).message).toMatch(/^Sequential\.load\(/);
        rejected++;
      }
      await rm(mutated);
    }
    expect(rejected).toBeGreaterThan(290);
  });

  it('a flipped bit in the weights names the checksum', async () => {
    const path = join(dir, 'bit.json');
    await trainedModel().save(path);
    const text = await readFile(path, 'utf8');
    const at = text.indexOf('"data":"') + 12;
    const flipped = text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
    await writeFile(path, flipped);
    await expect(Sequential.load(path)).rejects.toThrow(
      /^Sequential\.load\(.*\): Sequential\.fromJSON: checksum: the content does not match its checksum \(stored crc32:[0-9a-f]{8}, computed crc32:[0-9a-f]{8}\): the file is corrupted or was edited after saving$/,
    );
  });

  it('version-1 files (no checksum) still load; a version-2 file without its checksum does not', async () => {
    const model = trainedModel();
    const { checksum, ...v2 } = model.toJSON({ includeOptimizer: true });
    expect(checksum).toBeDefined();
    const v1 = join(dir, 'v1.json');
    await writeFile(v1, JSON.stringify({ ...v2, version: 1 }));
    const x = randomTensor(3, 2, 9);
    expect((await Sequential.load(v1)).predict(x).data).toEqual(model.predict(x).data);
    const cut = join(dir, 'v2-no-sum.json');
    await writeFile(cut, JSON.stringify(v2));
    await expect(Sequential.load(cut)).rejects.toThrow(
      `Sequential.load(${cut}): checksum: missing (every version-2 model file has one): the file was cut or edited after saving`,
    );
    expect(() => Sequential.fromJSON({ ...v2, extra: 1 })).toThrow(
      "Sequential.fromJSON: 'extra': unknown field (a saved model has format, version, layers, inputShape, training, checksum)",
    );
  });

  it('optimizer state that would ruin resumed training is refused: negative caches, huge or fractional iteration counts', () => {
    const good = trainedModel().toJSON({ includeOptimizer: true });
    const edit = (change: (j: any) => void) => {
      const j = structuredClone(good) as any;
      change(j);
      return j;
    };
    const negativeCache = edit((j) => {
      const m = new Sequential([new Dense(2, 4, { seed: 1 })]);
      m.parameters()[0].value.data.fill(-1);
      j.training.optimizer.slots.cache[0] = m.toJSON().layers[0].parameters.weights;
    });
    expect(() => Sequential.fromJSON(negativeCache)).toThrow(
      "Sequential.fromJSON: training.optimizer: Adam.setState: 'cache' state of 0:Dense(2→4).weights holds -1 at index 0; expected a finite number ≥ 0",
    );
    expect(() => Sequential.fromJSON(edit((j) => (j.training.optimizer.iterations = 1e300)))).toThrow(
      'Sequential.fromJSON: training.optimizer: Adam.setState: iterations must be an integer ≥ 0, got 1e+300',
    );
    expect(() => Sequential.fromJSON(edit((j) => (j.training.optimizer.iterations = 2.5)))).toThrow(
      'Adam.setState: iterations must be an integer ≥ 0, got 2.5',
    );
  });
});

describe('finding 9: temp files of killed saves do not pile up', () => {
  it('the next save to the same path removes temp files whose process is gone, and nothing else', async () => {
    const path = join(dir, 'kill.json');
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    const stale = `.kill.json.${dead}.${Date.now() - 1000}.0.tmp`;
    const ancient = `.kill.json.${process.pid}.${Date.now() - 2 * 86_400_000}.7.tmp`;
    const live = `.kill.json.${process.pid}.${Date.now()}.999999.tmp`; // a concurrent save of this process
    const other = `.kill.json.bak`;
    for (const name of [stale, ancient, live, other]) await writeFile(join(dir, name), 'x');
    await trainedModel().save(path);
    const left = (await readdir(dir)).filter((f) => f.includes('kill'));
    expect(left.sort()).toEqual([other, live, 'kill.json'].sort());
  });
});
