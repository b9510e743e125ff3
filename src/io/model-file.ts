import { readFile, stat } from 'node:fs/promises';
import { Sequential } from '../model/sequential.js';
import type { SaveOptions } from '../model/serialization.js';
import { checkInstance, checkOptions, checkString, describeValue } from '../core/validate.js';
import { writeFileAtomic, type AtomicWriteFs } from './atomic-write.js';

/**
 * The largest model file `load` reads: a saved model is one JSON text, and V8 strings hold at most
 * 2²⁹ − 24 characters (base64 makes that about 100 million float32 parameters).
 */
export const MAX_MODEL_FILE_BYTES = 2 ** 29 - 24;

/** Options for {@link saveModel} / `model.save`. */
export interface SaveFileOptions extends SaveOptions {
  /** Injectable file-system calls for the atomic write (tests simulate crashes with it). */
  fs?: Partial<AtomicWriteFs>;
}

/**
 * Saves `model` as versioned JSON (`model.toJSON(options)`) to `path`, atomically: a crash mid-save leaves the
 * previous file in place, never a half-written one (see {@link writeFileAtomic}).
 */
export async function saveModel(model: Sequential, path: string, options: SaveFileOptions = {}): Promise<void> {
  const op = `Sequential.save(${typeof path === 'string' ? path : describeValue(path)})`;
  checkInstance(op, 'this', model, Sequential, 'a Sequential model');
  checkString(op, 'path', path);
  checkOptions(op, 'options', options, ['includeOptimizer', 'fs']);
  let json: string;
  try {
    json = JSON.stringify(model.toJSON({ includeOptimizer: options.includeOptimizer }));
    // What is written must load: read it back in memory first (fromJSON runs every check load does), so a
    // model that could not be restored never replaces a good file.
    Sequential.fromJSON(JSON.parse(json));
  } catch (err) {
    throw new RangeError(`${op}: nothing was written (an existing file is unchanged): ${(err as Error).message}`, { cause: err });
  }
  try {
    await writeFileAtomic(path, json, options.fs);
  } catch (err) {
    throw new Error(`Sequential.save(${path}): cannot write the file: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Loads a model saved by {@link saveModel}. Every check of `Sequential.fromJSON` applies; errors name the
 * file and the field at fault.
 */
export async function loadModel(path: string): Promise<Sequential> {
  checkString('Sequential.load', 'path', path);
  let text: string;
  try {
    const { size } = await stat(path);
    if (size > MAX_MODEL_FILE_BYTES) {
      throw new RangeError(
        `the file is ${size} bytes; model files up to ${MAX_MODEL_FILE_BYTES} bytes (the longest string this engine holds, about 100 million parameters) can be loaded`,
      );
    }
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`Sequential.load(${path}): cannot read the file: ${(err as Error).message}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`Sequential.load(${path}): not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  const version = (json as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version >= 2 && (json as { checksum?: unknown }).checksum === undefined) {
    throw new RangeError(
      `Sequential.load(${path}): checksum: missing (every version-${version} model file has one): the file was cut or edited after saving`,
    );
  }
  try {
    return Sequential.fromJSON(json);
  } catch (err) {
    throw new RangeError(`Sequential.load(${path}): ${(err as Error).message}`, { cause: err });
  }
}
