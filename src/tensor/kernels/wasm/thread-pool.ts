import { decodeBase64 } from './decode-base64.js';
import { MATMUL_SHARED_WASM_BASE64 } from './matmul-shared-bytes.js';
import { WORKER_SOURCE } from './worker-source.js';
import { shown } from '../../shown.js';

/*
 * Worker threads for the WebAssembly kernels: one pool per shared `WebAssembly.Memory`, whose workers
 * instantiate every module they are given (the shared-memory builds of matmul.wat, updates.wat and
 * conv.wat) on that memory and run three kinds of job:
 *
 * - a chunked matrix product: every thread runs the same `gemm` on its own blocks of rows (or columns) of
 *   C with its own packing area. Splitting C by rows or columns leaves every element's sum — the same
 *   k-blocks, the same order within each — unchanged, so results are bit-identical to one thread;
 * - a chunked Adam update (whole vectors per chunk: each element's formula is the same on any thread);
 * - a call of one conv.wat export with integer arguments: the convolution and batch-normalisation
 *   kernels hand each worker a share (images, channel blocks) computed exactly as one thread would.
 *
 * - Node: worker_threads (reached through `process.getBuiltinModule`, so this file imports no Node
 *   module and bundles for browsers); workers are `unref()`ed, so they never keep a process alive.
 * - Browsers: Web Workers from a Blob URL, only when cross-origin isolated (SharedArrayBuffer exists).
 * - Anywhere else, or with `threads = 1`: no pool; the caller runs single-threaded.
 *
 * Workers start asynchronously (the pool is created on first use: lazy-worker-pool.ts): until a worker has
 * signalled it is ready, the caller simply does that share itself, so nothing ever waits for start-up.
 */

/** Int32 slots per worker in the control block; see worker-source.ts for their meaning. */
const SLOT = 32; // 128 bytes: a worker's slots share no cache line with another's
const READY = 0;
const SEQ = 1;
const DONE = 2;
const CURRENT = 3;
const KIND = 4;
const ARGS = 5;
/** Job kinds (the KIND slot). */
const PRODUCT = 0;
const ADAM = 1;
const CALL = 2;
/** Integer arguments a call job carries (after the export's number). */
export const CALL_ARGS = 20;

/** Pages of the shared memory: it is created with this maximum (address space only, not committed). */
export const SHARED_MAX_PAGES = 32768;

/**
 * The most threads a kernel set runs (the caller plus 31 workers): the kernels mark the workers they hand
 * a job to in one 32-bit mask.
 */
export const MAX_THREADS = 32;

/**
 * Returns `n` if it is a thread count — an integer from 1 to {@link MAX_THREADS} — else throws a
 * RangeError that starts with `op`.
 */
export function checkThreadCount(op: string, n: unknown): number {
  if (!Number.isInteger(n) || (n as number) < 1) throw new RangeError(`${op}: expected a positive integer, got ${shown(n)}`);
  if ((n as number) > MAX_THREADS) throw new RangeError(`${op}: at most ${MAX_THREADS} threads, got ${n}`);
  return n as number;
}

let sharedBytes: Uint8Array<ArrayBuffer> | null = null;

/** The shared-memory build of matmul.wat, decoded once. */
export function matmulSharedWasmBytes(): Uint8Array<ArrayBuffer> {
  sharedBytes ??= decodeBase64(MATMUL_SHARED_WASM_BASE64);
  return sharedBytes;
}

interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
  on(event: 'error' | 'exit', listener: (arg: unknown) => void): void;
}
interface NodeWorkerThreads {
  Worker: new (source: string, options: { eval: true; workerData: unknown }) => NodeWorker;
}
interface NodeProcess {
  getBuiltinModule?: (id: string) => unknown;
}

/** How this runtime can start workers: Node worker_threads, browser Web Workers, or not at all. */
export function workerHost(): 'node' | 'web' | null {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') return null;
  const proc = (globalThis as { process?: NodeProcess }).process;
  if (typeof proc?.getBuiltinModule === 'function' && proc.getBuiltinModule('node:worker_threads')) return 'node';
  const g = globalThis as { Worker?: unknown; crossOriginIsolated?: boolean; Blob?: unknown; URL?: { createObjectURL?: unknown } };
  if (typeof g.Worker === 'function' && g.crossOriginIsolated === true && typeof g.Blob === 'function') return 'web';
  return null;
}

/** True when this runtime can run the threaded kernels (shared WebAssembly memory and a way to start workers). */
export function threadsSupported(): boolean {
  if (workerHost() === null) return false;
  try {
    return WebAssembly.validate(matmulSharedWasmBytes()) &&
      new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

/** The number of hardware threads (at least 1). */
export function hardwareThreads(): number {
  const proc = (globalThis as { process?: NodeProcess }).process;
  const os = proc?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
  if (typeof os?.availableParallelism === 'function') return Math.max(1, os.availableParallelism());
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return Math.max(1, nav?.hardwareConcurrency ?? 1);
}

/** Whether this thread may block in Atomics.wait (not a browser's main thread). */
export function canBlock(): boolean {
  const g = globalThis as { window?: unknown; process?: unknown };
  return typeof g.process === 'object' || typeof g.window !== 'object';
}

/**
 * The compiled shared-memory modules a pool's workers instantiate (typed loosely: the published .d.ts
 * needs no WebAssembly types). A job needs its module: products `matmul`, Adam updates `updates`, calls
 * `conv` (with `convJobs`, the exports a call may name, by number).
 */
export interface PoolModules {
  readonly matmul?: object;
  readonly updates?: object;
  readonly conv?: object;
  readonly convJobs?: readonly string[];
}

/** A pool of kernel workers on one shared memory. `dispose()` stops them. */
export class WorkerPool {
  /** Worker count (the calling thread computes too: threads = workers + 1). */
  readonly workers: number;
  private readonly control: Int32Array;
  /** Float32 view of `control`, for an update's scalar arguments. */
  private readonly floats: Float32Array;
  /** Index of the shared chunk counter in `control`. */
  private readonly counter: number;
  private readonly seqs: Int32Array;
  /** Each worker's argument slots for a call job (views made once: nothing allocates per job). */
  private readonly callArgs: Int32Array[] = [];
  private readonly handles: { terminate(): unknown }[] = [];
  private readonly blocking = canBlock();
  private disposed = false;

  /**
   * Starts `workers` workers (asynchronously: see {@link isReady}).
   * @param memory - the shared `WebAssembly.Memory` every module runs on (typed loosely, like the modules)
   * @param modules - the modules the workers instantiate on it
   */
  constructor(memory: object, workers: number, modules: PoolModules) {
    this.workers = workers;
    // one block of slots per worker, then the chunk counter every thread takes chunks from
    this.counter = SLOT * workers;
    this.control = new Int32Array(new SharedArrayBuffer(4 * (SLOT * workers + 1)));
    this.floats = new Float32Array(this.control.buffer);
    this.seqs = new Int32Array(workers);
    const host = workerHost();
    for (let i = 0; i < workers; i++) {
      const args = i * SLOT + ARGS + 1;
      this.callArgs.push(this.control.subarray(args, args + CALL_ARGS));
      const data = {
        matmul: modules.matmul ?? null, updates: modules.updates ?? null, conv: modules.conv ?? null,
        convJobs: modules.convJobs ?? [], memory, control: this.control.buffer, counter: this.counter, index: i,
      };
      if (host === 'node') {
        const proc = (globalThis as { process?: NodeProcess }).process as NodeProcess;
        const { Worker } = proc.getBuiltinModule!('node:worker_threads') as NodeWorkerThreads;
        const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: data });
        worker.unref(); // never keep the process alive
        // a worker that crashes or exits takes no more jobs; the caller does its shares
        worker.on('error', () => this.markDead(i));
        worker.on('exit', () => this.markDead(i));
        this.handles.push(worker);
      } else if (host === 'web') {
        const g = globalThis as unknown as {
          Worker: new (url: string) => { postMessage(d: unknown): void; terminate(): void; onerror: unknown };
          Blob: new (parts: string[], o: { type: string }) => unknown;
          URL: { createObjectURL(b: unknown): string; revokeObjectURL(u: string): void };
        };
        const url = g.URL.createObjectURL(new g.Blob([WORKER_SOURCE], { type: 'text/javascript' }));
        const worker = new g.Worker(url);
        g.URL.revokeObjectURL(url);
        worker.onerror = () => this.markDead(i);
        worker.postMessage(data);
        this.handles.push(worker);
      }
    }
  }

  /** Workers that have signalled they are ready (the rest are still starting, or failed). */
  readyWorkers(): number {
    if (this.disposed) return 0;
    let ready = 0;
    for (let i = 0; i < this.workers; i++) if (Atomics.load(this.control, i * SLOT + READY) === 1) ready++;
    return ready;
  }

  /** Whether worker `i` is ready to take a job. */
  isReady(i: number): boolean {
    return !this.disposed && Atomics.load(this.control, i * SLOT + READY) === 1;
  }

  /** Resets the chunk counter before a chunked job (no worker may be running one). */
  resetChunks(): void {
    Atomics.store(this.control, this.counter, 0);
  }

  /** The next chunk of the current job for the calling thread (chunks past the end mean: done). */
  takeChunk(): number {
    return Atomics.add(this.control, this.counter, 1);
  }

  /**
   * Hands worker `i` a chunked product (see worker-source.ts): it takes chunks of `chunk` rows or
   * columns of C from the shared counter until none is left. Returns at once.
   */
  startProduct(i: number, a: number, sai: number, sap: number, b: number, sbp: number, sbj: number,
    c: number, m: number, k: number, n: number, work: number, byRows: boolean, chunk: number): void {
    const ctrl = this.control;
    const at = i * SLOT + ARGS;
    ctrl[at] = a;
    ctrl[at + 1] = sai;
    ctrl[at + 2] = sap;
    ctrl[at + 3] = b;
    ctrl[at + 4] = sbp;
    ctrl[at + 5] = sbj;
    ctrl[at + 6] = c;
    ctrl[at + 7] = m;
    ctrl[at + 8] = k;
    ctrl[at + 9] = n;
    ctrl[at + 10] = work;
    ctrl[at + 11] = byRows ? 1 : 0;
    ctrl[at + 12] = chunk;
    this.publish(i, PRODUCT);
  }

  /**
   * Hands worker `i` an Adam update of `n` elements cut into chunks of `chunk` (a multiple of 4) that it
   * takes from the shared counter. Addresses in bytes (backup 0: none); see updates.wat for the scalars.
   * Returns at once.
   */
  startAdam(i: number, w: number, g: number, m: number, c: number, n: number, chunk: number,
    b1: number, s1: number, b2: number, s2: number, lrm: number, cScale: number, eps: number,
    bw: number, bm: number, bc: number): void {
    const ctrl = this.control;
    const f = this.floats;
    const at = i * SLOT + ARGS;
    ctrl[at] = w;
    ctrl[at + 1] = g;
    ctrl[at + 2] = m;
    ctrl[at + 3] = c;
    ctrl[at + 4] = n;
    ctrl[at + 5] = chunk;
    f[at + 6] = b1;
    f[at + 7] = s1;
    f[at + 8] = b2;
    f[at + 9] = s2;
    f[at + 10] = lrm;
    f[at + 11] = cScale;
    f[at + 12] = eps;
    ctrl[at + 13] = bw;
    ctrl[at + 14] = bm;
    ctrl[at + 15] = bc;
    this.publish(i, ADAM);
  }

  /** Worker `i`'s {@link CALL_ARGS} argument slots for a call: write a job's arguments here, then {@link startCall}. */
  args(i: number): Int32Array {
    return this.callArgs[i];
  }

  /** Hands worker `i` a call of conv export number `fn` (of `convJobs`) with the arguments written to `args(i)`. Returns at once. */
  startCall(i: number, fn: number): void {
    this.control[i * SLOT + ARGS] = fn;
    this.publish(i, CALL);
  }

  /** Starts the job of `kind` written into worker `i`'s slots. */
  private publish(i: number, kind: number): void {
    const ctrl = this.control;
    ctrl[i * SLOT + KIND] = kind;
    const seq = (this.seqs[i] = (this.seqs[i] % 0x3fffffff) + 1);
    Atomics.store(ctrl, i * SLOT + SEQ, seq); // the store publishes the arguments written before it
    Atomics.notify(ctrl, i * SLOT + SEQ);
  }

  /** The chunk worker `i` was computing when it stopped (−1: none, or a call job). */
  currentChunk(i: number): number {
    return Atomics.load(this.control, i * SLOT + CURRENT);
  }

  /**
   * Waits until worker `i` has finished the job last handed to it. Returns false if the worker stopped
   * (terminated from outside, or crashed) before finishing: the caller then computes that share itself.
   */
  wait(i: number): boolean {
    const ctrl = this.control;
    const at = i * SLOT + DONE;
    const seq = this.seqs[i];
    for (let spin = 0; spin < 2000; spin++) if (Atomics.load(ctrl, at) === seq) return true;
    for (;;) {
      const done = Atomics.load(ctrl, at);
      if (done === seq) return true;
      if (Atomics.load(ctrl, i * SLOT + READY) !== 1) return false;
      if (this.blocking) Atomics.wait(ctrl, at, done, 20);
    }
  }

  private markDead(i: number): void {
    Atomics.store(this.control, i * SLOT + READY, 0);
  }

  /** Stops the workers (they exit after any job in progress). The pool cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (let i = 0; i < this.workers; i++) {
      Atomics.store(this.control, i * SLOT + READY, 0);
      Atomics.store(this.control, i * SLOT + SEQ, -1);
      Atomics.notify(this.control, i * SLOT + SEQ);
    }
    for (const h of this.handles) void h.terminate();
  }
}
