/**
 * handgrad's Node-only API: everything in the main entry plus file I/O (src/io), which needs `node:fs` /
 * `node:zlib` and so is kept out of `src/index.ts` to keep that entry browser-safe.
 *
 * Importing this entry also adds `model.save(path, options)` and `Sequential.load(path)` to
 * {@link Sequential} (the browser entry has `toJSON()` / `Sequential.fromJSON()` only).
 */
import { loadModel, saveModel, type SaveFileOptions } from './io/model-file.js';
import { Sequential } from './model/sequential.js';

export * from './index.js';
export { loadIdx } from './io/idx.js';
export { loadCsv } from './io/csv.js';
export { writeFileAtomic, type AtomicWriteFs } from './io/atomic-write.js';
export { saveModel, loadModel, type SaveFileOptions } from './io/model-file.js';
export { saveOnnx, saveTfjsLayers, loadTfjsLayers } from './io/interop-files.js';

declare module './model/sequential.js' {
  interface Sequential {
    /**
     * Saves the model as versioned JSON to `path`, atomically (temp file, fsync, rename): a crash mid-save
     * never leaves a half-written file in place of a good one. `{ includeOptimizer: true }` also saves the
     * loss and optimizer state, so `Sequential.load` resumes training exactly. Node only (`handgrad/node`).
     */
    save(path: string, options?: SaveFileOptions): Promise<void>;
  }
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Sequential {
    /** Loads a model written by `model.save`, with every check of `Sequential.fromJSON`. Node only. */
    function load(path: string): Promise<Sequential>;
  }
}

Sequential.prototype.save = function save(this: Sequential, path: string, options?: SaveFileOptions): Promise<void> {
  return saveModel(this, path, options);
};
(Sequential as unknown as { load: typeof loadModel }).load = loadModel;
