import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { exportOnnx, type OnnxExportOptions } from '../interop/onnx/export-onnx.js';
import { exportTfjsLayers, type TfjsLayersExportOptions } from '../interop/tfjs-layers/export-tfjs-layers.js';
import { importTfjsLayers } from '../interop/tfjs-layers/import-tfjs-layers.js';
import type { Sequential } from '../model/sequential.js';
import { writeFileAtomic } from './atomic-write.js';
import { checkString, describeValue } from '../core/validate.js';

/**
 * Writes `exportOnnx(model, options)` to `path` (e.g. `model.onnx`), atomically: a crash mid-write leaves
 * the previous file, never a half-written one.
 */
export async function saveOnnx(model: Sequential, path: string, options: OnnxExportOptions = {}): Promise<void> {
  const bytes = exportOnnx(model, options);
  try {
    await writeFileAtomic(path, bytes);
  } catch (err) {
    throw new Error(`saveOnnx(${path}): cannot write the file: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Writes the model in the TensorFlow.js Layers format to the folder `dir` (created if missing):
 * `dir/model.json` and `dir/weights.bin`, the layout `tf.loadLayersModel('file://dir/model.json')` (tfjs-node)
 * and {@link loadTfjsLayers} read. Each file is written atomically, the weights first, so `model.json` never
 * points at weights that are not complete.
 */
export async function saveTfjsLayers(model: Sequential, dir: string, options: Omit<TfjsLayersExportOptions, 'weightsPath'> = {}): Promise<void> {
  const { modelJson, weightData } = exportTfjsLayers(model, { ...options, weightsPath: 'weights.bin' });
  try {
    await mkdir(dir, { recursive: true });
    await writeFileAtomic(join(dir, 'weights.bin'), new Uint8Array(weightData));
    await writeFileAtomic(join(dir, 'model.json'), JSON.stringify(modelJson));
  } catch (err) {
    throw new Error(`saveTfjsLayers(${dir}): cannot write the model: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Loads a TensorFlow.js Layers model from a folder holding `model.json` (or from the path of a `.json` file
 * itself) and the weight files its manifest names, with every check of {@link importTfjsLayers}.
 */
export async function loadTfjsLayers(dirOrModelJson: string): Promise<Sequential> {
  checkString('loadTfjsLayers', 'dirOrModelJson', dirOrModelJson);
  const jsonPath = dirOrModelJson.endsWith('.json') ? dirOrModelJson : join(dirOrModelJson, 'model.json');
  const op = `loadTfjsLayers(${dirOrModelJson})`;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(jsonPath, 'utf8'));
  } catch (err) {
    throw new Error(`${op}: cannot read ${jsonPath}: ${(err as Error).message}`, { cause: err });
  }
  const manifest = (json as { weightsManifest?: unknown } | null)?.weightsManifest;
  const paths = Array.isArray(manifest) ? manifest.flatMap((g: { paths?: unknown }) => (Array.isArray(g?.paths) ? g.paths : [])) : [];
  const base = dirname(resolve(jsonPath));
  const parts: Uint8Array[] = [];
  for (const p of paths) {
    if (typeof p !== 'string') throw new RangeError(`${op}: weightsManifest paths must be strings, got ${describeValue(p)}`);
    try {
      parts.push(await readFile(join(base, p)));
    } catch (err) {
      throw new Error(`${op}: cannot read the weights file ${p}: ${(err as Error).message}`, { cause: err });
    }
  }
  try {
    return importTfjsLayers(json, parts);
  } catch (err) {
    throw new RangeError(`${op}: ${(err as Error).message}`, { cause: err });
  }
}
