import { readFile } from 'node:fs/promises';
import { Sequential } from '../model/sequential.js';
import type { SaveOptions } from '../model/serialization.js';
import { writeFileAtomic, type AtomicWriteFs } from './atomic-write.js';

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
  const json = JSON.stringify(model.toJSON({ includeOptimizer: options.includeOptimizer }));
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
  let text: string;
  try {
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
  try {
    return Sequential.fromJSON(json);
  } catch (err) {
    throw new RangeError(`Sequential.load(${path}): ${(err as Error).message}`, { cause: err });
  }
}
