/** saveOnnx / saveTfjsLayers / loadTfjsLayers (handgrad/node): the files the engines read, written atomically. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Dense, LeakyReLU, loadTfjsLayers, saveOnnx, saveTfjsLayers, Sequential, Softmax } from '../../src/node.js';
import { randomTensor } from '../helpers/check-gradients.js';
import { expectClose } from '../helpers/close.js';
import { loadInTfjs, predictInTfjs, randomizeParameters, runOnnx } from '../helpers/engines.js';

const TOLERANCE = { rtol: 1e-5, atol: 1e-6 };
const dir = mkdtempSync(join(tmpdir(), 'handgrad-interop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function model(): Sequential {
  return randomizeParameters(new Sequential([new Dense(3, 8, { seed: 1 }), new LeakyReLU({ alpha: 0.1 }), new Dense(8, 2, { seed: 2 }), new Softmax()], { inputShape: [3] }), 4);
}

describe('handgrad/node interop files', () => {
  it('saveOnnx writes a file onnxruntime runs', async () => {
    const m = model();
    const path = join(dir, 'model.onnx');
    await saveOnnx(m, path);
    const x = randomTensor(4, 3, 1);
    const out = await runOnnx(new Uint8Array(readFileSync(path)), x);
    expectClose(out.data, m.predict(x).data, TOLERANCE, 'onnx file');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('saveTfjsLayers writes model.json + weights.bin that TF.js and loadTfjsLayers read', async () => {
    const m = model();
    const out = join(dir, 'tfjs', 'nested');
    await saveTfjsLayers(m, out);
    expect(readdirSync(out).sort()).toEqual(['model.json', 'weights.bin']);
    const modelJson = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    expect(modelJson.weightsManifest[0].paths).toEqual(['weights.bin']);
    const weights = readFileSync(join(out, 'weights.bin'));
    const x = randomTensor(4, 3, 2);
    const inTfjs = await loadInTfjs({ modelJson, weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) });
    expectClose(predictInTfjs(inTfjs, x), m.predict(x).data, TOLERANCE, 'tfjs files');

    for (const from of [out, join(out, 'model.json')]) {
      const back = await loadTfjsLayers(from);
      expect(back.inputShape).toEqual([3]);
      expect(back.predict(x).data).toEqual(m.predict(x).data);
    }
  });

  it('loadTfjsLayers names the file at fault', async () => {
    await expect(loadTfjsLayers(join(dir, 'missing'))).rejects.toThrow(/loadTfjsLayers\(.*missing\): cannot read .*model\.json/);
    const broken = join(dir, 'broken');
    await saveTfjsLayers(model(), broken);
    rmSync(join(broken, 'weights.bin'));
    await expect(loadTfjsLayers(broken)).rejects.toThrow(/loadTfjsLayers\(.*broken\): cannot read the weights file weights\.bin/);
    writeFileSync(join(broken, 'weights.bin'), new Uint8Array(12));
    await expect(loadTfjsLayers(broken)).rejects.toThrow(/loadTfjsLayers\(.*broken\): importTfjsLayers: weightData: has 12 bytes/);
    await expect(saveOnnx(model(), join(dir, 'no', 'such', 'dir', 'm.onnx'))).rejects.toThrow(/saveOnnx\(.*m\.onnx\): cannot write the file/);
  });
});
