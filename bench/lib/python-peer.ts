/**
 * A numpy peer with a named command set, on top of the worker in `python.ts`: a long-lived Python
 * process built on bench/peers/peer.py (`serve({...handlers})`), so its timings can be interleaved round by
 * round with handgrad's in the same run. Each request is `{ cmd, ...args }`; arrays are handed over as raw
 * little-endian files ({@link PythonPeer.writeArray}).
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { PythonWorker, findNumpy, writeArrays } from './python.js';

/** Where the peer scripts built on peer.py live. */
export const PEERS_DIR = fileURLToPath(new URL('../peers/', import.meta.url));

/** A raw array file handed to the peer: `{ path, shape, dtype }` (see peer.py `load_array`). */
export interface ArraySpec {
  path: string;
  shape: number[];
  dtype: 'float32' | 'int32';
}

/** A running peer process. Requests are answered in order; one may be outstanding at a time. */
export class PythonPeer {
  private readonly removers: (() => void)[] = [];

  private constructor(
    /** Label for tables, e.g. `numpy 1T`. */
    readonly name: string,
    private readonly worker: PythonWorker,
  ) {}

  /**
   * Starts `script` (a file in bench/peers/) with `threads` BLAS threads.
   * @throws if Python with numpy is not available (check `findNumpy()` first)
   */
  static start(name: string, script: string, threads: number): PythonPeer {
    const found = findNumpy();
    if (!found.ok) throw new Error(`${name}: ${found.reason}`);
    return new PythonPeer(name, new PythonWorker(found.python, join(PEERS_DIR, script), threads));
  }

  /** Sends one request and waits for its reply; throws with the peer's error on failure. */
  call<T = Record<string, unknown>>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    return this.worker.request<T>({ cmd, ...args }).catch((err: Error) => {
      throw new Error(`${this.name}: '${cmd}' failed: ${err.message}`);
    });
  }

  /** Writes `data` as a raw little-endian file for the peer and returns its spec. */
  writeArray(data: Float32Array | Int32Array, shape: readonly number[]): ArraySpec {
    const { files, remove } = writeArrays({ a: data });
    this.removers.push(remove);
    return { path: files.a, shape: [...shape], dtype: data instanceof Int32Array ? 'int32' : 'float32' };
  }

  /** Stops the peer and removes its array files. */
  async close(): Promise<void> {
    this.worker.close();
    for (const remove of this.removers) remove();
  }
}

/** Milliseconds to wait after a multi-threaded BLAS round: OpenBLAS workers spin briefly before they
 * sleep, and would otherwise steal the other core from whoever is timed next. */
export const BLAS_SPIN_SETTLE_MS = 200;
